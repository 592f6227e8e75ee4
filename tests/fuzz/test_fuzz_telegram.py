"""Fuzz: hostile text through every text input of the Telegram bot (see telegram_probe for what is checked).

Typed answers at a number, a choice and a free-text question; edited messages; photo captions; /start payloads
(deep links, share tokens, partner invitations); forged and stale callback data; inline queries; /remind and
/language with any words; group messages. The examples of one test share one bot and one database, so later
examples meet the state earlier ones left (a check half done, a language picked, a reminder set).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import strategies as st

from bot.telegram.handlers.start import COMMANDS
from tests.fuzz.fuzz_support import ODD_DIGITS, callback_data, fuzz, nasty_text, word
from tests.fuzz.telegram_probe import Probe, waiting_at
from tests.telegram.conftest import BAD_NUMBERS

LANGUAGES = ("zh-hans", "en", "fr", None)
QUESTIONS = {"number": ("cash_available", "quick"), "percent": ("ret_repeat_share", "quick"),
             "count": ("cost_headcount", "quick"), "choice": ("pos_win_where", "quick"),
             "text": ("pos_target_customer", "full")}
TEXT = nasty_text(5000, surrogates=True)


@pytest.fixture
def probe(harness) -> Probe:
    return Probe(harness)


# --------------------------------------------------------------------------- typed answers


@pytest.mark.parametrize("kind", list(QUESTIONS))
async def test_typed_answers_at_each_kind_of_question(harness, probe: Probe, kind: str) -> None:
    question, mode = QUESTIONS[kind]
    chats = [harness.chat(2001, "zh-hans"), harness.chat(2002, "en")]

    async def typed(text: str, who: int) -> None:
        chat = chats[who]
        await waiting_at(chat, question, mode)
        outcome = await probe.feed(probe.text_update(chat, text), chat.user_id)
        probe.check_private(chat, outcome, text)

    await fuzz(25, typed, text=TEXT, who=st.integers(0, 1))
    probe.integrity()


async def test_edited_messages_and_photo_captions(harness, probe: Probe) -> None:
    chats = [harness.chat(2101, "zh-hans"), harness.chat(2102, "en")]

    async def edited(text: str, who: int, how: str, asking: bool) -> None:
        chat = chats[who]
        if asking:
            await waiting_at(chat, "cash_available", "quick")
        update = probe.edited_update(chat, text) if how == "edit" else probe.photo_update(chat, text)
        outcome = await probe.feed(update, chat.user_id)
        if how == "photo" or asking:  # an edit outside a question is no answer to anything: left alone
            probe.check_private(chat, outcome)
        else:
            probe.check_language(chat, outcome.replies)

    await fuzz(25, edited, text=TEXT, who=st.integers(0, 1), how=st.sampled_from(["edit", "photo"]),
               asking=st.booleans())
    probe.integrity()


# --------------------------------------------------------------------------- commands and their words


async def test_start_payloads_deep_links_and_share_tokens(harness, probe: Probe) -> None:
    owner = harness.chat(2201, "zh-hans")
    await owner.send("/check")
    await owner.finish_check(numbers=BAD_NUMBERS)
    tokens = []
    for kind in ("link", "invite"):
        await owner.send("/share")
        card = next(m for m in reversed(owner.messages) if "photo" in m)
        await owner.click(f"sh:{kind}", message_id=card["message_id"])
        tokens.append(re.search(r"start=([A-Za-z0-9_-]+)", owner.texts(owner.replies_since_last_send)[0]).group(1))
    visitors = [harness.chat(2202 + n, language) for n, language in enumerate(LANGUAGES)]

    def mangled(token: str) -> st.SearchStrategy[str]:
        return st.builds(lambda cut, extra: token[:cut] + extra, st.integers(0, len(token)), word(20) | st.just(""))

    payload = st.one_of(word(80), st.sampled_from(["check", "assess", "group", "v_", "p_", *tokens]),
                        mangled(tokens[0]), mangled(tokens[1]), st.just(""))

    async def start(payload: str, who: int, extra: str) -> None:
        chat = ([*visitors, owner])[who]
        text = f"/start {payload} {extra}".rstrip() if payload or extra else "/start"
        outcome = await probe.feed(probe.text_update(chat, text), chat.user_id)
        probe.check_private(chat, outcome, text)

    await fuzz(40, start, payload=payload, who=st.integers(0, len(visitors)),
               extra=st.one_of(st.just(""), nasty_text(30)))
    probe.integrity()


async def test_every_command_with_any_words(harness, probe: Probe) -> None:
    chats = [harness.chat(2301, "zh-hans"), harness.chat(2302, "en")]
    await chats[0].send("/check")
    await chats[0].finish_check(numbers=BAD_NUMBERS)  # /report, /history, /share, /actions have something

    async def command(command: str, words: str, who: int, mention: str) -> None:
        chat = chats[who]
        if command in ("forget", "share") and who == 0:  # keep the owner's report and links for the rest
            command = "help"
        text = f"/{command}{mention} {words}"
        outcome = await probe.feed(probe.text_update(chat, text), chat.user_id)
        probe.check_private(chat, outcome, text)

    await fuzz(50, command, command=st.sampled_from([*COMMANDS, "remind", "remind", "language", "start"]), words=TEXT,
               who=st.integers(0, 1), mention=st.sampled_from(["", "@sme_advisor_test_bot", "@SME_ADVISOR_TEST_BOT"]))
    probe.integrity()


REMIND_WORDS = st.sampled_from(["daily", "weekly", "monthly", "tz", "timezone", "时区", "quiet", "免打扰", "off",
                                "关闭", "每天", "每周一", "星期日", "每月1号", "每月三十二号", "9点", "九点半",
                                "下午3点", "3pm", "12am", "09:00", "24:00", "9:60", "mon", "sunday", "22:00-08:00",
                                "22:00~8点", "America", "Asia/", "../etc", "Asia/Shanghai", "UTC", "a" * 300,
                                "1", "31", "32"])


async def test_remind_and_language_words(harness, probe: Probe) -> None:
    chats = [harness.chat(2311, "zh-hans"), harness.chat(2312, "en")]
    head = st.sampled_from(["daily", "weekly", "monthly", "tz", "quiet", "免打扰", "off", "每天", "每周一", "每月1号",
                            ""])
    digits = st.text(ODD_DIGITS + "0123:-点号", min_size=1, max_size=5)  # "monthly ፩", "quiet ²-8"
    rest = st.lists(st.one_of(REMIND_WORDS, word(20), st.sampled_from(ODD_DIGITS), digits), max_size=3)
    words = st.one_of(st.builds(lambda h, r: " ".join([h, *r]), head, rest), nasty_text(200))

    async def remind(command: str, words: str, who: int) -> None:
        chat = chats[who]
        outcome = await probe.feed(probe.text_update(chat, f"/{command} {words}"), chat.user_id)
        probe.check_private(chat, outcome, f"/{command} {words}")

    await fuzz(60, remind, command=st.sampled_from(["remind", "remind", "remind", "language"]), words=words,
               who=st.integers(0, 1))
    probe.integrity()


# --------------------------------------------------------------------------- buttons


async def test_forged_and_stale_callback_data(harness, probe: Probe) -> None:
    owner = harness.chat(2401, "zh-hans")
    await owner.send("/check")
    await owner.finish_check(numbers=BAD_NUMBERS)
    await owner.send("/report")
    await owner.send("/actions")
    await owner.send("/remind")
    await owner.send("/share")
    stranger = harness.chat(2402, "en")
    await stranger.send("/check")
    real = sorted({data for chat in (owner, stranger) for m in chat.messages for _, data in probe.core.buttons(m)
                   if data})

    def mutated(data: str) -> st.SearchStrategy[str]:
        parts = data.split(":")
        return st.builds(lambda i, new: ":".join([*parts[:i], new, *parts[i + 1:]]), st.integers(0, len(parts) - 1),
                         st.one_of(word(12), st.sampled_from(["", "0", "-1", "9" * 25, "²", "፩", "٣", "１"])))

    data = st.one_of(callback_data(), st.sampled_from(real), st.sampled_from(real).flatmap(mutated))

    async def click(data: str, who: int, on: int) -> None:
        chat = (owner, stranger)[who]
        messages = chat.messages
        message_id = messages[on % len(messages)]["message_id"] if messages and on % 7 else on
        outcome = await probe.feed(probe.click_update(chat, _utf8_safe(data), message_id), chat.user_id)
        assert outcome.answered is not None, f"the button {data!r} was never answered"
        probe.check_language(chat, outcome.replies)
        probe.check_session(chat)

    await fuzz(80, click, data=data, who=st.integers(0, 1), on=st.integers(0, 10**6))
    probe.integrity()


def _utf8_safe(data: str) -> str:
    return data.encode("utf-8", "replace").decode("utf-8")[:64] or "?"


# --------------------------------------------------------------------------- inline mode and groups


async def test_inline_queries(harness, probe: Probe) -> None:
    owner = harness.chat(2501, "zh-hans")
    await owner.send("/check")
    await owner.finish_check(numbers=BAD_NUMBERS)
    chats = [owner, harness.chat(2502, "en"), harness.chat(2503, None)]

    async def inline(query: str, who: int, shared: bool) -> None:
        if shared and who == 0 and not harness.query("SELECT file_id FROM share_cards"):
            await owner.send("/share")  # now the card's photo is cached: inline mode offers it
        outcome = await probe.feed(probe.inline_update(chats[who], query), None)
        assert outcome.inline is not None, "the inline query was never answered"

    await fuzz(30, inline, query=nasty_text(256), who=st.integers(0, 2), shared=st.booleans())
    probe.integrity()


async def test_group_messages(harness, probe: Probe) -> None:
    member = harness.chat(2601, "zh-hans")
    await member.send("/check")
    await member.finish_check(numbers=BAD_NUMBERS)
    members = [member, harness.chat(2602, "en")]
    group = -1001234567890

    text = st.one_of(TEXT, st.builds(lambda c, m, w: f"/{c}{m} {w}", st.sampled_from([*COMMANDS, "nope"]),
                                     st.sampled_from(["", "@sme_advisor_test_bot", "@OtherBot"]), nasty_text(100)))

    async def in_group(text: str, who: int) -> None:
        outcome = await probe.feed(probe.group_update(members[who], group, text), group)
        command = text.split(maxsplit=1)[0] if text.startswith("/") and text.split() else ""
        ours = bool(command) and (
            "@" not in command or command.split("@", 1)[1].lower() == "sme_advisor_test_bot")
        if not ours:
            assert outcome.replies == [], f"the bot spoke in a group about {text[:100]!r}"
        for reply in outcome.replies:  # never a question or a report in a group
            assert not any(d and d.startswith(("a:", "n:")) for _, d in probe.core.buttons(reply))

    await fuzz(40, in_group, text=text, who=st.integers(0, 1))
    probe.integrity()
