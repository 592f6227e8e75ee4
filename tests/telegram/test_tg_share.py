"""Issue 11, sharing through the real Application: /share, partner links, inline mode, partner assessments."""

from __future__ import annotations

import itertools
import re
import time

import pytest

from bot.services import sharing as sharing_module
from bot.views.i18n import t

BOT = "sme_advisor_test_bot"
LINK = re.compile(rf"https://t\.me/{BOT}\?start=([A-Za-z0-9_-]+)")
_ids = itertools.count(900_001)


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(harness) -> Clock:
    fake = Clock()
    harness.app.bot_data["sharing"] = sharing_module.Sharing(harness.store, fake)
    return fake


def inline_answers(harness) -> list[dict]:
    return [params for method, params in harness.core.calls if method == "answerInlineQuery"]


@pytest.fixture(autouse=True)
def inline_api(harness) -> None:
    harness.core.register("answerInlineQuery", lambda params: True)


async def owner_with_report(harness, user_id: int = 1001, language: str = "zh-hans"):
    chat = harness.chat(user_id, language)
    await chat.send("/check")
    await chat.finish_check(numbers=chat.BAD_NUMBERS)
    return chat


async def new_link(chat, kind: str = "link") -> str:
    await chat.send("/share")
    card = next(m for m in reversed(chat.messages) if "photo" in m)
    await chat.click(f"sh:{kind}", message_id=card["message_id"])
    return LINK.search(chat.texts(chat.replies_since_last_send)[0]).group(1)


def not_found(locale: str) -> str:
    return t(locale, "share.not_found")


async def test_share_sends_a_card_without_figures_and_keeps_its_file_id(harness) -> None:
    owner = await owner_with_report(harness)
    await owner.send("/share")
    card = next(m for m in owner.replies_since_last_send if "photo" in m)
    assert t("zh", "share.card_title") in card["caption"]
    assert t("zh", "share.fatal") in card["caption"]
    assert not re.search(r"· \d", card["caption"])  # bands, no scores
    file_id = harness.query("SELECT file_id FROM share_cards")[0][0]
    assert file_id == card["photo"][-1]["file_id"]
    await owner.click("sh:fig", message_id=card["message_id"])
    assert re.search(r"· \d", owner.core.message(owner.chat_id, card["message_id"])["caption"])


async def test_share_without_a_report_says_finish_a_check_first(harness) -> None:
    chat = harness.chat(2002, "en")
    await chat.send("/share")
    assert chat.last == t("en", "share.no_report")


async def test_a_link_opens_read_only_in_the_partners_language_and_counts_views(harness, clock) -> None:
    owner = await owner_with_report(harness)
    payload = await new_link(owner)
    assert len(payload) <= sharing_module.MAX_PAYLOAD
    assert re.fullmatch(r"[A-Za-z0-9_-]+", payload)
    assert harness.query("SELECT COUNT(*) FROM share_links WHERE token_hash LIKE ?", f"%{payload}%") == [(0,)]
    partner = harness.chat(3003, "en")
    await partner.send(f"/start {payload}")
    summary = partner.replies_since_last_send[0]
    assert t("en", "share.card_title") in summary["caption"]
    assert t("en", "share.partner_note") in summary["caption"]
    assert any(label == t("en", "share.buttons.own_check") for label, _ in partner.buttons)
    assert "10万" not in summary["caption"]  # none of the owner's answers
    await partner.send(f"/start {payload}")
    assert harness.query("SELECT views FROM share_links") == [(2,)]


async def test_expired_revoked_guessed_and_malformed_payloads_get_one_reply(harness, clock) -> None:
    owner = await owner_with_report(harness)
    expired, revoked, live = await new_link(owner), await new_link(owner), await new_link(owner)
    revoke_id = harness.query("SELECT id FROM share_links ORDER BY id")[1][0]
    menu = owner.messages[-1]
    await owner.click(f"sh:rev:{revoke_id}", message_id=menu["message_id"])
    harness.query("UPDATE share_links SET expires = 0 WHERE id = (SELECT MIN(id) FROM share_links)")
    guesses = [expired, revoked, "v_" + "A" * 32, "p_" + "B" * 32, "v_" + "x" * 63, "bad$payload!", "v_short"]
    replies = []
    for n, payload in enumerate(guesses):
        partner = harness.chat(4000 + n, "en")
        await partner.send(f"/start {payload}")
        replies.append(partner.last)
    assert replies == [not_found("en")] * len(guesses)
    partner = harness.chat(4100, "en")
    await partner.send(f"/start {live}")
    assert t("en", "share.card_title") in partner.last


async def test_a_link_expires_after_30_days_by_the_clock(harness, clock) -> None:
    owner = await owner_with_report(harness)
    payload = await new_link(owner)
    clock.now += 30 * 86400 + 1
    partner = harness.chat(3003, "en")
    await partner.send(f"/start {payload}")
    assert partner.last == not_found("en")


async def test_repeated_bad_payloads_are_slowed_down_without_a_lookup(harness, clock, monkeypatch) -> None:
    owner = await owner_with_report(harness)
    payload = await new_link(owner)
    guesser = harness.chat(5005, "en")
    for n in range(sharing_module.BAD_LIMIT):
        await guesser.send(f"/start v_{str(n) * 32}")
    lookups = []
    original = harness.store.share_link_by_hash
    monkeypatch.setattr(harness.store, "share_link_by_hash", lambda h: lookups.append(h) or original(h))
    await guesser.send(f"/start {payload}")  # even a real one, while paused
    assert guesser.last == not_found("en")
    assert lookups == []
    clock.now += sharing_module.BAD_PAUSE + 1
    await guesser.send(f"/start {payload}")
    assert t("en", "share.card_title") in guesser.last


async def test_share_revoke_revokes_all_and_only_the_owner_manages_links(harness, clock) -> None:
    owner = await owner_with_report(harness)
    payload = await new_link(owner)
    link_id = harness.query("SELECT id FROM share_links")[0][0]
    other = await owner_with_report(harness, 6006, "en")
    await other.send("/share")
    menu = other.messages[-1]
    forged = harness.core.user_click(other.user_id, menu["message_id"], f"sh:rev:{link_id}", strict=False,
                                     enqueue=False)
    await harness.process(forged)
    assert harness.query("SELECT revoked FROM share_links WHERE id = ?", link_id) == [(None,)]
    await owner.send("/share revoke")
    assert owner.last == t("zh", "share.revoked_all", count=1)
    partner = harness.chat(3003, "en")
    await partner.send(f"/start {payload}")
    assert partner.last == not_found("en")


async def test_inline_query_offers_the_cached_card_or_an_invitation(harness, clock) -> None:
    owner = await owner_with_report(harness)
    stranger = harness.chat(7007, "en")

    async def inline(user_id: int, language: str) -> dict:
        await harness.process({"update_id": next(_ids), "inline_query": {
            "id": str(next(_ids)), "query": "", "offset": "",
            "from": {"id": user_id, "is_bot": False, "first_name": "U", "language_code": language}}})
        return inline_answers(harness)[-1]

    [none] = (await inline(stranger.user_id, "en"))["results"]
    assert none["type"] == "article"
    assert none["title"] == t("en", "share.inline_none_title")
    [article] = (await inline(owner.user_id, "zh-hans"))["results"]
    assert article["type"] == "article"  # no card sent yet: the summary as text
    await owner.send("/share")
    file_id = harness.query("SELECT file_id FROM share_cards")[0][0]
    [photo] = (await inline(owner.user_id, "zh-hans"))["results"]
    assert photo["type"] == "photo"
    assert photo["photo_file_id"] == file_id
    url = photo["reply_markup"]["inline_keyboard"][0][0]["url"]
    partner = harness.chat(3003, "en")
    await partner.send(f"/start {LINK.search(url).group(1)}")
    assert t("en", "share.card_title") in partner.last


async def test_a_partner_answers_blind_and_both_see_the_comparison(harness, clock) -> None:
    owner = await owner_with_report(harness)
    invite = await new_link(owner, "invite")
    partner = harness.chat(8008, "en")
    await partner.send(f"/start {invite}")
    assert t("en", "share.invite_intro") in partner.texts()
    assert all("10万" not in text for text in partner.texts())
    mark = len(owner.messages)
    await partner.finish_check(pick=-1)
    talk = t("en", "share.talk_first")
    assert any(talk in text for text in partner.texts())
    assert any(t("zh", "share.talk_first") in text for text in owner.texts(owner.messages[mark:]))
    rows = harness.query("SELECT pa.owner_id, a.user_id, pa.company_id FROM partner_assessments pa"
                         " JOIN assessments a ON a.id = pa.assessment_id")
    assert rows == [(owner.db_user_id, partner.db_user_id, harness.store.owner_company(owner.db_user_id))]
    await partner.send("/start")  # announced once
    assert sum(talk in text for text in partner.texts()) == 1


async def test_forget_by_the_owner_kills_links_and_comparisons(harness, clock) -> None:
    owner = await owner_with_report(harness)
    view, invite = await new_link(owner), await new_link(owner, "invite")
    partner = harness.chat(8008, "en")
    await partner.send(f"/start {invite}")
    await partner.finish_check()
    await owner.send("/forget")
    await owner.click("m:forget")
    assert harness.query("SELECT COUNT(*) FROM share_links") == [(0,)]
    assert harness.query("SELECT COUNT(*) FROM partner_assessments") == [(0,)]
    assert partner.stored_answers(harness.query("SELECT MAX(id) FROM assessments")[0][0])  # theirs stay
    for payload in (view, invite):
        await partner.send(f"/start {payload}")
        assert partner.last == not_found("en")


async def test_forget_by_a_partner_removes_only_the_partners_answers(harness, clock) -> None:
    owner = await owner_with_report(harness)
    view, invite = await new_link(owner), await new_link(owner, "invite")
    partner = harness.chat(8008, "en")
    await partner.send(f"/start {invite}")
    await partner.finish_check()
    await partner.send("/forget")
    await partner.click("m:forget")
    assert harness.query("SELECT COUNT(*) FROM partner_assessments") == [(0,)]
    assert harness.query("SELECT COUNT(*) FROM share_links") == [(2,)]
    assert harness.store.latest_finished(owner.db_user_id) is not None
    newcomer = harness.chat(9009, "en")
    await newcomer.send(f"/start {view}")
    assert t("en", "share.card_title") in newcomer.last


async def test_share_in_a_group_posts_the_card_only(harness) -> None:
    await owner_with_report(harness)
    group = -100_777
    message = {"message_id": next(_ids), "date": int(time.time()), "text": "/share",
               "chat": {"id": group, "type": "supergroup", "title": "Partners"},
               "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
               "from": {"id": 1001, "is_bot": False, "first_name": "M", "language_code": "zh-hans"}}
    await harness.process(harness.core.push_update({"message": message}))
    sent = [m for m in harness.core.messages(group) if m.get("from", {}).get("is_bot")]
    assert len(sent) == 1
    assert "photo" in sent[0]
    assert t("zh", "share.group_hint") in sent[0]["caption"]
    assert not re.search(r"· \d", sent[0]["caption"])
    assert sent[0]["reply_markup"]["inline_keyboard"][0][0]["url"] == f"https://t.me/{BOT}?start=group"


async def test_a_partner_check_starts_tied_to_the_owner_or_not_at_all(harness, clock, monkeypatch) -> None:
    """The partner's assessment and its tie to the owner are one commit: a failure in between leaves neither."""
    owner = await owner_with_report(harness)
    invite = await new_link(owner, "invite")
    partner = harness.chat(8009, "en")

    def failing(*args) -> None:
        raise RuntimeError("the process died here")  # as a kill between the two writes would

    monkeypatch.setattr(harness.store, "add_partner_assessment", failing)
    await partner.send(f"/start {invite}")
    assert harness.query("SELECT count(*) FROM assessments WHERE user_id = ?", partner.db_user_id) == [(0,)]
    assert not harness.store.load_session(partner.db_user_id).has_open_check
    monkeypatch.undo()
    await partner.send(f"/start {invite}")
    assert t("en", "share.invite_intro") in partner.texts()
    rows = harness.query("SELECT a.user_id, pa.owner_id FROM assessments a"
                         " JOIN partner_assessments pa ON pa.assessment_id = a.id WHERE a.user_id = ?",
                         partner.db_user_id)
    assert rows == [(partner.db_user_id, owner.db_user_id)]
