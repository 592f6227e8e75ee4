"""SIGKILL during reminder sweeps: every due slot is sent, and sent once, except the one a kill caught between
Telegram's answer and the commit, which is sent once more; no slot is skipped or sent early.

Before each start (the process dead) new owners are seeded through the store API, as if their slots had
come due while the bot was down: daily, weekly and monthly in four time zones, one to three slots behind
(caught up once), a few with an open check (their nudge) and the rest with no check yet (the first-check
reminder); and some whose slot is still ahead or whose reminders are off, who must get nothing. The sweep
at start-up (the JobQueue's first run, at once) sends the due ones at the product's pace (28 a second).
Each round kills the process at a random moment: during start-up, or a random few ms after its n-th send.

After each kill the file passes integrity_check, and for every owner the emulator's count of sendMessage to
their chat in that run agrees with their row: a row moved on was sent exactly once in that run; a row
still on its slot was sent at most once, and if once, that send was in flight at the kill and is owed once
more; a row that had moved on earlier was sent nothing. A last run without a kill must then clear every due
row, each on the first slot after its send, each owner sent 1 + (times in flight at a kill) reminders.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bot.services.advisor import Advisor
from bot.services.reminders import settings_of
from bot.services.schedule import Schedule, epoch, from_epoch, next_slot, utc_now
from bot.storage.store import Store
from knowledge.loader import get_knowledge
from tests.e2e.conftest import E2E_TOKEN, base_env, wait_until
from tests.faults.support import WAIT, Zygote, fault_rng, integrity, query
from tests.support.emulator_server import EmulatorServer

KILLS = 12
FIRST_OWNERS = 10  # due before the first start
NEW_PER_ROUND = 5  # due owners added before each further start
IN_FLIGHT_AT_A_KILL = 2  # sends Telegram answered but the dead process had not committed (1 but on a busy machine)
ANSWER_TRIP = 0.015  # seconds; the sweep starts a send every 1/28 s
SCHEDULES = (  # (schedule, how far back its slots are left behind)
    (Schedule("daily", 9, 0, timezone="Asia/Shanghai"), timedelta(days=3)),
    (Schedule("weekly", 8, 30, weekday=2, timezone="America/New_York"), timedelta(weeks=2)),
    (Schedule("monthly", 19, 0, day=31, timezone="UTC"), timedelta(days=70)),
    (Schedule("daily", 23, 45, timezone="Europe/Berlin"), timedelta(hours=50)),
)


class SlowAnswers(EmulatorServer):
    """Telegram's answer to a send takes ANSWER_TRIP to travel back: the message is delivered, the bot does
    not know yet (the window a kill must not turn into a lost or a doubled slot, but a single re-send)."""

    def dispatch(self, path: str, query: str, content_type: str, body: bytes) -> tuple[int, dict]:
        answer = super().dispatch(path, query, content_type, body)
        if path.endswith("/sendMessage"):
            time.sleep(ANSWER_TRIP)
        return answer


@dataclass
class Owner:
    user_id: int
    chat_id: int
    schedule: Schedule
    slot: int | None  # next_due as seeded
    due: bool


class Owners:
    """The seeded owners, and what the emulator and the database say about each."""

    def __init__(self, db: Path, emulator: EmulatorServer) -> None:
        self.db, self.emulator = db, emulator
        self.all: list[Owner] = []
        self.in_flight: Counter[int] = Counter()  # chat id: kills that caught its send before the commit
        self.kb = get_knowledge()

    def seed(self, rng, due: int, idle: int) -> None:
        """`due` owners with a slot passed, `idle` with a slot ahead or reminders off; the process is dead."""
        store, now = Store(self.db), utc_now()
        try:
            for n in range(due + idle):
                chat_id = 810_000 + len(self.all)
                user = store.user("telegram", str(chat_id), rng.choice(("zh", "en")))
                schedule, behind = rng.choice(SCHEDULES)
                if n >= due and rng.random() < 0.3:
                    schedule = schedule.with_(frequency="off")
                slot = next_slot(schedule, now - behind * rng.uniform(0.6, 1) if n < due else now)
                assert n >= due or slot < now
                if n < due and rng.random() < 0.3:
                    Advisor(store, self.kb).begin(user.id, "quick")  # an open check: its nudge is due
                store.save_reminder(user.id, settings_of(schedule), epoch(slot) if slot else None)
                self.all.append(Owner(user.id, chat_id, schedule, epoch(slot) if slot else None, n < due))
        finally:
            store.close()

    def sends(self) -> Counter[int]:
        return Counter(int(p["chat_id"]) for p in self.emulator.core.calls_to("sendMessage"))

    def rows(self) -> dict[int, tuple]:
        return {r[0]: r[1:] for r in query(self.db, "SELECT user_id, next_due, last_key, last_sent FROM reminders")}

    def pending(self) -> int:
        """Due owners whose slot is still unrecorded."""
        rows = self.rows()
        return sum(o.due and rows[o.user_id][0] == o.slot for o in self.all)

    def check_round(self, before: Counter[int], moved_before: set[int]) -> tuple[set[int], int]:
        """After a run (process dead): each owner's sends in it against their row; the moved rows, the in-flight."""
        sends, rows = self.sends(), self.rows()
        moved, caught = set(), 0
        for owner in self.all:
            sent = sends[owner.chat_id] - before[owner.chat_id]
            next_due = rows[owner.user_id][0]
            where = f"{owner.chat_id} ({owner.schedule.frequency}, slot {owner.slot}): {sent} sent, slot now {next_due}"
            if not owner.due:
                assert sends[owner.chat_id] == 0, f"not due, yet {where}"
                assert next_due == owner.slot, f"not due, yet {where}"
            elif owner.user_id in moved_before:
                assert sent == 0, f"sent again after its slot was recorded: {where}"
                moved.add(owner.user_id)
            elif next_due != owner.slot:
                assert sent == 1, f"slot recorded with {sent} sends in the run (0: skipped): {where}"
                assert next_due > owner.slot
                moved.add(owner.user_id)
            else:
                assert sent <= 1, f"sent twice in one run without recording it: {where}"
                if sent:  # Telegram had it, the commit had not happened: owed once more
                    self.in_flight[owner.chat_id] += 1
                    caught += 1
        return moved, caught

    def check_final(self) -> None:
        sends, rows, now = self.sends(), self.rows(), time.time()
        for owner in self.all:
            if not owner.due:
                continue
            next_due, last_key, last_sent = rows[owner.user_id]
            assert sends[owner.chat_id] == 1 + self.in_flight[owner.chat_id], (owner, sends[owner.chat_id])
            assert last_key, owner
            assert last_sent, owner
            following = next_slot(owner.schedule, from_epoch(last_sent))
            assert next_due == epoch(following) > now, f"{owner}: not on the first slot after its send"


def run_round(rng, round_no: int, owners: Owners, process) -> bool:
    """Let the start-up sweep run, then kill the process at a random moment (the last round: let it finish).

    True when the kill came during start-up or the first sends rather than after a chosen send.
    """
    core, before, due = owners.emulator.core, owners.sends(), owners.pending()
    early = False
    try:
        if round_no == KILLS:  # the last run: no kill, every due row is cleared
            assert wait_until(lambda: owners.pending() == 0, WAIT), process.output[-2000:]
            time.sleep(0.3)  # and nothing more comes
            return False
        if rng.random() < 0.15:
            time.sleep(rng.uniform(0, 0.8))
            early = True
        else:
            target = rng.randint(1, due)
            assert core.wait_for(lambda: sum((owners.sends() - before).values()) >= target, WAIT), \
                f"round {round_no}: {target} sends awaited; {process.output[-2000:]}"
            time.sleep(rng.uniform(0, 0.04))  # somewhere between a send, its commit and the next send
        process.kill()
        return early
    finally:
        process.stop()


def test_sigkill_during_reminder_sweeps_skips_no_slot_and_doubles_only_the_one_in_flight(tmp_path: Path,
                                                                                         zygote: Zygote) -> None:
    rng = fault_rng("reminder kills")
    db = tmp_path / "reminders.db"
    moved: set[int] = set()
    caught = early = 0
    with SlowAnswers(token=E2E_TOKEN) as emulator:
        owners = Owners(db, emulator)
        env = base_env(TELEGRAM_BOT_TOKEN=E2E_TOKEN, TELEGRAM_API_URL=emulator.url, SME_ADVISOR_DB=str(db))
        owners.seed(rng, FIRST_OWNERS, 3)
        for round_no in range(KILLS + 1):
            if round_no:
                owners.seed(rng, NEW_PER_ROUND, 1)
            before = owners.sends()
            early += run_round(rng, round_no, owners, zygote.start(env, tmp_path / f"bot-{round_no}.log"))
            assert integrity(db) == "ok", f"round {round_no}"
            moved, in_flight = owners.check_round(before, moved)
            assert in_flight <= IN_FLIGHT_AT_A_KILL, f"round {round_no}: {in_flight} sends uncommitted at once"
            caught += in_flight
        owners.check_final()
        due_owners = sum(o.due for o in owners.all)
        print(f"[faults] reminders: {KILLS} kills ({early} during start-up), {due_owners} due slots, "
              f"{sum(owners.sends().values())} sent, {caught} caught in flight and sent once more, none skipped")
