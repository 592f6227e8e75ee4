"""SIGKILL while owners share: a link the owner was shown keeps working, a revoke they were told of holds,
view counts never go down, no token is ever written in clear, and a partner's blind assessment resumes.

Two owners, each with a finished quick check seeded through the store API, share through the bot as a user
would: the /share card's buttons make view links and invitations, the links list's buttons and
`/share revoke` revoke them; partners open the links (`/start v_...`, `/start p_...`) and one partner answers
the invitation's blind assessment over several runs. Each run does a few random steps, each waited for until
the emulator delivered the bot's answer (that is the acknowledgement), then fires one more and kills the
process a random few ms later. After each kill (the process dead) the file passes integrity_check; every link
the owner was told is revoked is revoked; nothing else is; each link's view count is at least what it was and
at least the views partners were shown; neither the database files nor the logs hold any token the owner
was shown; the partner's open assessment is still tied to the owner and holds every acknowledged answer.
After each restart a random live link the owner was shown opens for a new partner, a revoked one does not,
and `/check` sends the partner the question their assessment waits on. The partner finishes in some run,
often one that is killed during that last answer (its report, the comparison's charts and sends); by the
end of the last run, which has no kill, both sides have the comparison.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.services.advisor import Advisor
from bot.storage.store import Store
from bot.views.i18n import t
from dialogs.conversation import Answer
from knowledge.loader import get_knowledge
from tests.e2e.conftest import E2E_TOKEN, ScriptedUser, base_env, stamp_of
from tests.faults.support import WAIT, Zygote, fault_rng, fire_answer, integrity, query, wait_ready
from tests.support.emulator_server import EmulatorServer
from tests.support.typed import typed_number

KILLS = 10
LINK = re.compile(r"\?start=([vp]_[A-Za-z0-9_-]{32})")
OWNERS = ((820_001, "zh"), (820_002, "en"))
PARTNER = 830_001  # answers the first owner's invitation
FIRST_VIEWER = 840_000


def seed_owner(store: Store, chat_id: int, locale: str) -> int:
    """An owner with a finished quick check, answered through the advisor as the console would."""
    kb = get_knowledge()
    advisor, user = Advisor(store, kb), store.user("telegram", str(chat_id), locale).id
    advisor.begin(user, "quick")
    while (current := store.load_session(user).current) is not None:
        question = kb.questions[current]
        value = (question.options[0].id if question.kind == "choice" else "写字楼" if question.kind == "text"
                 else typed_number(kb, question, "30"))
        advisor.handle(user, Answer(value))
    return user


def link_id(db: Path, payload: str) -> int | None:
    found = query(db, "SELECT id FROM share_links WHERE token_hash = ?", hashlib.sha256(payload.encode()).hexdigest())
    return found[0][0] if found else None


@dataclass
class Step:
    """One thing a user does: `fire` returns the emulator's mark; `done(mark)` tells it was acknowledged;
    `settle(mark)` records what the emulator delivered (after the wait, or after the kill)."""

    name: str
    fire: Callable[[], int]
    done: Callable[[int], bool]
    settle: Callable[[int], None]


@dataclass
class World:
    db: Path
    core: object
    users: dict[int, ScriptedUser] = field(default_factory=dict)
    locales: dict[int, str] = field(default_factory=dict)
    shown: dict[str, int] = field(default_factory=dict)  # payload: owner's chat, for every link the owner saw
    may_revoke: set[int] = field(default_factory=set)  # link ids a revoke was sent for
    told_revoked: set[int] = field(default_factory=set)
    views_shown: Counter[int] = field(default_factory=Counter)  # link id: opens a partner saw the answer of
    views: dict[int, int] = field(default_factory=dict)  # link id: the count last read
    acknowledged: set[str] = field(default_factory=set)  # the partner's answers the bot moved on from
    viewers = 0
    resumed = 0  # restarts after which the partner's waiting question came again
    finish_killed = 0  # the kill that came during the partner's last answer (its report, the comparison)

    def user(self, chat_id: int, locale: str = "en") -> ScriptedUser:
        if chat_id not in self.users:
            self.users[chat_id] = ScriptedUser(self.core, chat_id, "zh-hans" if locale == "zh" else "en")
            self.locales[chat_id] = locale
        return self.users[chat_id]

    def texts_since(self, chat_id: int, mark: int) -> list[str]:
        return [m.get("text", m.get("caption", "")) for m in self.core.messages_since(chat_id, mark)]

    def has(self, chat_id: int, mark: int, key: str, **values: object) -> bool:
        wanted = t(self.locales[chat_id], key, **values)
        return any(wanted in text for text in self.texts_since(chat_id, mark))

    def recent(self) -> str:
        """The last messages each user had from the bot, for a failure's message."""
        return "; ".join(f"{chat}: {[m.get('text', m.get('caption', ''))[:70] for m in user.messages[-3:]]}"
                         for chat, user in self.users.items() if chat < FIRST_VIEWER)

    def new_viewer(self) -> ScriptedUser:
        self.viewers += 1
        return self.user(FIRST_VIEWER + self.viewers, "zh" if self.viewers % 2 else "en")

    # -- the steps ------------------------------------------------------------------------------------

    def share(self, owner: int) -> Step:
        user = self.user(owner)

        def done(mark: int) -> bool:
            listed = self.has(owner, mark, "share.links_none") or self.has(owner, mark, "share.links_title")
            return listed and any("photo" in m for m in self.core.messages_since(owner, mark))

        return Step("/share", lambda: user.send("/share"), done, lambda mark: None)

    def new_link(self, owner: int, kind: str) -> Step:
        user = self.user(owner)

        def fire() -> int:
            wanted = "sh:link" if kind == "view" else "sh:invite"
            # the newest share card: a comparison chart (a photo too) may have come after it
            card = next(m for m in reversed(user.messages)
                        if "photo" in m and wanted in [d for _, d in self.core.buttons(m)])
            return user.click(wanted, card["message_id"])

        def links(mark: int) -> list[str]:
            return [found.group(1) for text in self.texts_since(owner, mark) if (found := LINK.search(text))]

        def settle(mark: int) -> None:
            for payload in links(mark):
                self.shown[payload] = owner

        return Step(f"new {kind} link", fire, lambda mark: bool(links(mark)), settle)

    def open_link(self, payload: str, viewer: ScriptedUser, expect_live: bool | None) -> Step:
        """A partner opens a view link: the summary, or the refusal (`expect_live`: which one must come)."""
        chat = viewer.user_id

        def summary(mark: int) -> bool:
            return any("photo" in m for m in self.core.messages_since(chat, mark))

        def done(mark: int) -> bool:
            return summary(mark) or self.has(chat, mark, "share.not_found")

        def settle(mark: int) -> None:
            if summary(mark):
                self.views_shown[link_id(self.db, payload)] += 1
            if expect_live is not None and done(mark):
                assert summary(mark) == expect_live, (f"link {payload[:6]}... of owner {self.shown[payload]}: "
                                                      f"{'refused' if expect_live else 'opened'} after a restart")

        return Step("open a link", lambda: viewer.send(f"/start {payload}"), done, settle)

    def revoke_one(self, owner: int, payload: str) -> Step:
        user, target = self.user(owner), link_id(self.db, payload)

        def fire() -> int:
            self.may_revoke.add(target)
            menu = next(m for m in reversed(user.messages) if f"sh:rev:{target}" in [d for _, d in
                                                                                    self.core.buttons(m)])
            return user.click(f"sh:rev:{target}", menu["message_id"])

        def settle(mark: int) -> None:
            if self.has(owner, mark, "share.revoked_one"):
                self.told_revoked.add(target)

        return Step("revoke a link", fire, lambda mark: self.has(owner, mark, "share.revoked_one") or
                    self.has(owner, mark, "share.revoke_gone"), settle)

    def revoke_all(self, owner: int) -> Step:
        user = self.user(owner)
        reach: list[int] = []

        def fire() -> int:
            reach[:] = [row[0] for row in query(self.db, "SELECT id FROM share_links WHERE user_id ="
                                                " (SELECT id FROM users WHERE external_id = ?)", str(owner))]
            self.may_revoke.update(reach)
            return user.send("/share revoke")

        def told(mark: int) -> bool:
            wanted = t(self.locales[owner], "share.revoked_all", count=0).split("0", 1)[0]
            return any(text.startswith(wanted) for text in self.texts_since(owner, mark))

        def settle(mark: int) -> None:
            if told(mark):
                self.told_revoked.update(reach)

        return Step("/share revoke", fire, told, settle)

    def invite(self, payload: str) -> Step:
        partner = self.user(PARTNER)

        def asked(mark: int) -> bool:
            return any(any(stamp_of(d) for _, d in self.core.buttons(m)) for m in self.core.messages_since(PARTNER,
                                                                                                        mark))

        def fire() -> int:
            return partner.send(f"/start {payload}")

        def settle(mark: int) -> None:
            if asked(mark):
                self.views_shown[link_id(self.db, payload)] += 1

        return Step("open the invitation", fire, asked, settle)

    def partner_answer(self) -> Step:
        partner = self.user(PARTNER)
        before: list[str] = []

        def fire() -> int:
            mark, waiting = self.core.seq, partner.question()
            is_open = self.partner_assessment()[1] == "open"  # a finished one leaves stale question copies
            before[:] = [partner.shown_question(waiting).id] if waiting is not None and is_open else []
            if before:  # else the assessment is over: nothing to answer
                fire_answer(partner)
            return mark

        def moved(mark: int) -> bool:
            if not before:
                return True
            asked = [partner.shown_question(m).id for m in self.core.messages_since(PARTNER, mark)
                     if any(stamp_of(d) for _, d in self.core.buttons(m))]
            return any(q != before[0] for q in asked) or partner.report_started(mark)

        def settle(mark: int) -> None:
            if before and moved(mark):
                self.acknowledged.add(before[0])

        return Step("a partner's answer", fire, moved, settle)

    # -- the checks -----------------------------------------------------------------------------------

    def partner_assessment(self) -> tuple[int | None, str | None, set[str]]:
        """The partner's assessment (there is one at most): its id, status and the questions answered."""
        rows = query(self.db, "SELECT a.id, a.status FROM assessments a JOIN users u ON u.id = a.user_id"
                     " WHERE u.external_id = ? ORDER BY a.id DESC", str(PARTNER))
        if not rows:
            return None, None, set()
        assert len(rows) == 1, f"the partner has {len(rows)} assessments"
        answers = {r[0] for r in query(self.db, "SELECT question_id FROM answers WHERE assessment_id = ?", rows[0][0])}
        return rows[0][0], rows[0][1], answers

    def sync(self) -> None:
        """Each user who wrote before waits for the answer to /help: whatever the bot got again after the
        restart (an update it had not confirmed) is done by then, an owner's updates being handled in order."""
        finished = self.partner_assessment()[1] == "finished"  # then no update of theirs may announce it
        for chat in [c for c in self.users if c < FIRST_VIEWER and not (c == PARTNER and finished)]:
            mark = self.users[chat].send("/help")
            answered = self.core.wait_for(lambda c=chat, m=mark: bool(self.core.messages_since(c, m)), WAIT)
            assert answered, f"{chat}: no answer to /help"

    def check_after_kill(self, round_no: int, logs: list[Path]) -> None:
        where = f"after kill {round_no + 1}"
        assert integrity(self.db) == "ok", where
        revoked = {r[0] for r in query(self.db, "SELECT id FROM share_links WHERE revoked IS NOT NULL")}
        assert self.told_revoked <= revoked, f"{where}: told revoked, yet live: {self.told_revoked - revoked}"
        assert revoked <= self.may_revoke, f"{where}: revoked without a revoke: {revoked - self.may_revoke}"
        for link, views in query(self.db, "SELECT id, views FROM share_links"):
            assert views >= self.views.get(link, 0), f"{where}: link {link}'s views went down"
            assert views >= self.views_shown[link], f"{where}: link {link} counted fewer views than were shown"
            self.views[link] = views
        files = [p for p in self.db.parent.glob(self.db.name + "*")] + logs
        data = b"".join(p.read_bytes() for p in files if p.exists())
        leaked = [payload for payload in self.shown if payload[2:].encode() in data]
        assert not leaked, f"{where}: a token in clear in {[p.name for p in files]}"
        assessment, _, answers = self.partner_assessment()
        if assessment is not None:
            tied = query(self.db, "SELECT owner_id FROM partner_assessments WHERE assessment_id = ?", assessment)
            assert tied, f"{where}: the partner's assessment {assessment} is not tied to the owner's company"
        assert self.acknowledged <= answers, f"{where}: acknowledged answers lost: {self.acknowledged - answers}"


def run(world: World, step: Step, fired: bool) -> int:
    """Do a step and wait for its acknowledgement (unless `fired`: the kill comes instead)."""
    mark = step.fire()
    if not fired:
        assert world.core.wait_for(lambda: step.done(mark), WAIT), f"no answer to {step.name}: {world.recent()}"
        step.settle(mark)
    return mark


def revoked_links(db: Path) -> set[int]:
    return {r[0] for r in query(db, "SELECT id FROM share_links WHERE revoked IS NOT NULL")}


def choose_steps(rng, world: World) -> list[Step]:
    """One to three steps, at random among those that make sense now."""
    owner, _ = rng.choice(OWNERS)
    revoked = revoked_links(world.db)
    live_views = [p for p in world.shown if p.startswith("v_") and link_id(world.db, p) not in revoked]
    buttons = {d for m in world.users[owner].messages for _, d in world.core.buttons(m)}
    mine = [p for p in live_views if world.shown[p] == owner and f"sh:rev:{link_id(world.db, p)}" in buttons]
    invitations = [p for p in world.shown if p.startswith("p_") and world.shown[p] == OWNERS[0][0]
                   and link_id(world.db, p) not in revoked]
    assessment, status, _ = world.partner_assessment()
    choices: list[Callable[[], Step]] = [lambda: world.new_link(owner, rng.choice(("view", "view", "invite")))]
    if live_views:
        choices.append(lambda: world.open_link(rng.choice(live_views), world.new_viewer(), None))
    if mine:
        choices.append(lambda: world.revoke_one(owner, rng.choice(mine)))
    if rng.random() < 0.08:
        choices.append(lambda: world.revoke_all(owner))
    steps = [rng.choice(choices)() for _ in range(rng.randint(0, 2))]
    if assessment is None and invitations:
        steps.append(world.invite(invitations[-1]))
    elif status == "open":
        steps += [world.partner_answer() for _ in range(rng.randint(1, 4))]  # done in ~7 runs: killed too
    return steps or [rng.choice(choices)()]


def after_restart(rng, world: World) -> None:
    """What must hold once the bot is back: a live link opens, a revoked one does not, the partner resumes."""
    world.sync()
    revoked = revoked_links(world.db)
    live = [p for p in world.shown if p.startswith("v_") and link_id(world.db, p) not in revoked]
    if live:
        run(world, world.open_link(rng.choice(live), world.new_viewer(), True), fired=False)
    gone = [p for p in world.shown if p.startswith("v_") and link_id(world.db, p) in world.told_revoked]
    if gone:
        run(world, world.open_link(rng.choice(gone), world.new_viewer(), False), fired=False)
    _, status, answers = world.partner_assessment()
    if status == "open":
        partner = world.users[PARTNER]
        mark = partner.send("/check")
        message = partner.wait_new_message(mark, lambda m: any(stamp_of(d) for _, d in world.core.buttons(m)),
                                           "the partner's waiting question after the restart")
        waiting = partner.shown_question(message).id
        assert waiting not in answers, f"the partner was sent {waiting} again, answered already"
        world.resumed += 1


def test_sigkill_while_sharing_keeps_links_revokes_views_and_the_partners_assessment(tmp_path: Path,
                                                                                      zygote: Zygote) -> None:
    rng = fault_rng("share kills")
    db = tmp_path / "shares.db"
    store = Store(db)
    try:
        for chat_id, locale in OWNERS:
            seed_owner(store, chat_id, locale)
    finally:
        store.close()
    with EmulatorServer(token=E2E_TOKEN) as emulator:
        world = World(db, emulator.core)
        for chat_id, locale in OWNERS:
            world.user(chat_id, locale)
        env = base_env(TELEGRAM_BOT_TOKEN=E2E_TOKEN, TELEGRAM_API_URL=emulator.url, SME_ADVISOR_DB=str(db))
        logs, steps_done = [], 0
        for round_no in range(KILLS + 1):
            commands_before = len(emulator.core.calls_to("setMyCommands"))
            logs.append(tmp_path / f"bot-{round_no}.log")
            process = zygote.start(env, logs[-1])
            try:
                wait_ready(emulator, commands_before)
                if round_no == 0:
                    for chat_id, _ in OWNERS:
                        run(world, world.share(chat_id), fired=False)
                        run(world, world.new_link(chat_id, "view"), fired=False)
                    run(world, world.new_link(OWNERS[0][0], "invite"), fired=False)
                after_restart(rng, world)
                if round_no == KILLS:
                    finish_partner(world)
                    continue
                steps = choose_steps(rng, world)
                for step in steps[:-1]:
                    run(world, step, fired=False)
                mark = run(world, steps[-1], fired=True)
                time.sleep(rng.uniform(0, 0.4))
                process.kill()
                steps[-1].settle(mark)
                if steps[-1].name == "a partner's answer" and world.partner_assessment()[1] == "finished" \
                        and not world.finish_killed:
                    world.finish_killed = round_no + 1  # the kill came during the partner's last step
                steps_done += len(steps)
            finally:
                process.stop()
            world.check_after_kill(round_no, logs)
        print(f"[faults] shares: {KILLS} kills over {steps_done} steps, {len(world.shown)} links shown, "
              f"{len(world.told_revoked)} revoked as told, {sum(world.views_shown.values())} opens seen, "
              f"{len(world.acknowledged)} partner answers acknowledged, none lost, {world.resumed} resumed, "
              f"the last answer killed: {world.finish_killed or 'no'}")


def finish_partner(world: World) -> None:
    """The last run: the partner answers to the end, and both sides get the comparison."""
    assessment, status, _ = world.partner_assessment()
    assert assessment is not None, "the partner never began the invitation's assessment"
    partner, mark = world.users[PARTNER], world.core.seq
    for _ in range(60):
        if status != "open" or partner.report_started(mark):
            break
        partner.answer_current()
    for chat, key in ((PARTNER, "share.compare_title_partner"), (OWNERS[0][0], "share.compare_title_owner")):
        title = t(world.locales[chat], key, number=1)
        got = world.core.wait_for(lambda c=chat, w=title: any(w in text for text in world.texts_since(c, 0)), WAIT)
        assert got, f"{chat} never got the comparison (the kill during the last answer: {world.finish_killed})"
