"""Tests of the Telegram test doubles (FakeTelegram, RecordingRequest, ChatClient, EmulatorServer)."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import socket
import threading
import time
import urllib.request

import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputFile,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from tests.support.chat_client import ChatClient
from tests.support.emulator_server import EmulatorServer, parse_body
from tests.support.recording_request import RecordingRequest, make_bot_requests
from tests.support.telegram_core import NOT_MODIFIED, FakeTelegram
from tests.support.telegram_format import parse_html, parse_markdown_v2

TOKEN = "123:ABC"
USER = 1001


@pytest.fixture
def core() -> FakeTelegram:
    return FakeTelegram()


@pytest.fixture
async def bot(core: FakeTelegram):
    async with Bot(TOKEN, request=RecordingRequest(core)) as b:
        yield b


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=data)] for text, data in pairs])


# ---------------------------------------------------------------- formatting


def test_parse_html_renders_entities() -> None:
    text, entities = parse_html('<b>健康</b> &lt;x&gt; <a href="https://e.x/?a=1&amp;b=2">link</a> 😀<i>i</i>')
    assert text == "健康 <x> link 😀i"
    assert entities[0] == {"type": "bold", "offset": 0, "length": 2}
    assert entities[1] == {"type": "text_link", "offset": 7, "length": 4, "url": "https://e.x/?a=1&b=2"}
    assert entities[2] == {"type": "italic", "offset": 14, "length": 1}  # 😀 is 2 UTF-16 units


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("a<br>b", 'Unsupported start tag "br"'),
        ("<b>x</i>", "Unmatched end tag"),
        ("<b>x", "Can't find end tag"),
        ("1 < 2", 'Unsupported start tag ""'),
        ("R&D", "must be escaped"),
        ("a&nbsp;b", "Unsupported HTML entity"),
        ('<span class="x">s</span>', 'must have class "tg-spoiler"'),
    ],
)
def test_parse_html_errors(source: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        parse_html(source)


def test_markdown_v2() -> None:
    assert parse_markdown_v2(r"*粗* 1\.5")[0] == "粗 1.5"
    with pytest.raises(ValueError, match=r"Character '\.' is reserved"):
        parse_markdown_v2("1.5")


# ---------------------------------------------------------------- Bot API through a real PTB Bot


async def test_send_edit_and_not_modified(core: FakeTelegram, bot: Bot) -> None:
    assert bot.username == "sme_advisor_test_bot"
    sent = await bot.send_message(
        USER, "<b>第一步</b>", parse_mode=ParseMode.HTML, reply_markup=keyboard(("是", "yes"), ("否", "no"))
    )
    assert sent.text == "第一步"
    assert sent.entities[0].type == "bold"
    stored = core.last_message(USER)
    assert stored is not None
    assert stored["raw_text"] == "<b>第一步</b>"
    assert stored["parse_mode"] == "HTML"
    assert core.buttons(stored) == [("是", "yes"), ("否", "no")]

    edited = await bot.edit_message_text(
        "第二步", chat_id=USER, message_id=sent.message_id, reply_markup=keyboard(("好", "ok"))
    )
    assert edited.text == "第二步"
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "第二步", chat_id=USER, message_id=sent.message_id, reply_markup=keyboard(("好", "ok"))
        )
    assert core.errors[-1].description == NOT_MODIFIED
    # Editing the text without reply_markup removes the keyboard, as on Telegram.
    await bot.edit_message_text("第二步", chat_id=USER, message_id=sent.message_id)
    assert core.buttons(core.last_message(USER)) == []
    await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=keyboard(("再来", "again")))
    assert core.last_message(USER)["edit_count"] == 3

    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=USER, message_id=999)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(USER, 999)
    assert await bot.delete_message(USER, sent.message_id)
    assert core.messages(USER) == []


async def test_validation_errors(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(USER, "长" * 4097)
    await bot.send_message(USER, "长" * 4096)
    with pytest.raises(BadRequest, match=r'(?i)can.t parse entities: Unsupported start tag "br"'):
        await bot.send_message(USER, "a<br>b", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)can.t parse entities"):
        await bot.send_message(USER, "<b>x</i>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(USER, "x", reply_markup=keyboard(("b", "d" * 65)))
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(USER, "<b></b>", parse_mode=ParseMode.HTML)


async def test_what_else_telegram_refuses(core: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message caption is too long"):
        await bot.send_photo(USER, InputFile(b"png", filename="a.png"), caption="长" * 1025)
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(USER, "<b> </b>\n", parse_mode=ParseMode.HTML)  # empty once parsed
    with pytest.raises(BadRequest, match=r"(?i)must be escaped"):
        await bot.send_message(USER, "R&D", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(USER, "x", reply_markup=keyboard(("b", "長" * 22)))  # 66 bytes of UTF-8
    for text, markup in (("a\ud800b", None), ("ok", keyboard(("\udfff", "d")))):  # no UTF-8 encoder writes these
        with pytest.raises(BadRequest, match=r"(?i)strings must be encoded in UTF-8"):
            await bot.send_message(USER, text, reply_markup=markup)


async def test_inline_query_answers_are_checked(core: FakeTelegram, bot: Bot) -> None:
    def article(result_id: str, text: str, title: str = "t") -> InlineQueryResultArticle:
        return InlineQueryResultArticle(result_id, title, InputTextMessageContent(text, parse_mode=ParseMode.HTML))

    assert await bot.answer_inline_query("1", [article("a", "<b>ok</b>")])
    for results, error in (([article("a", "<b>x")], "parse entities"), ([article("a", "x", " ")], "TITLE"),
                           ([article("a", "x"), article("a", "y")], "RESULT_ID_DUPLICATE"),
                           ([article("a" * 65, "x")], "RESULT_ID_INVALID")):
        with pytest.raises(BadRequest, match=f"(?i){error}"):
            await bot.answer_inline_query("1", results)
    assert [params["inline_query_id"] for params in core.calls_to("answerInlineQuery")] == ["1"] * 5


async def test_injected_failures(core: FakeTelegram, bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    core.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(RetryAfter) as excinfo:
        await bot.send_message(USER, "hi")
    assert excinfo.value.retry_after == dtm.timedelta(seconds=7)
    await bot.send_message(USER, "hi")  # fails only once

    core.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=42)
    await bot.send_message(USER, "other chat is unaffected")
    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_message(42, "hi")

    core.block_user(USER)
    with pytest.raises(Forbidden):
        await bot.send_chat_action(USER, "typing")
    core.user_message(USER, "I'm back")
    await bot.send_chat_action(USER, "typing")
    assert core.chat_actions(USER) == ["typing"]
    assert [e.injected for e in core.errors] == [True, True, False]


async def test_callback_answers_and_commands(core: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(USER, "q", reply_markup=keyboard(("A", "a")))
    update = core.user_click(USER, sent.message_id, "a")
    query_id = update["callback_query"]["id"]
    assert update["callback_query"]["message"]["message_id"] == sent.message_id
    assert await bot.answer_callback_query(query_id, text="ok")
    assert core.callback_answer(query_id)["text"] == "ok"
    with pytest.raises(BadRequest, match=r"(?i)query ID is invalid"):
        await bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest, match=r"(?i)query ID is invalid"):
        await bot.answer_callback_query("unknown")
    with pytest.raises(AssertionError, match="no button"):
        core.user_click(USER, sent.message_id, "zzz")

    await bot.set_my_commands([("start", "开始")], language_code="zh")
    assert core.commands("zh") == [{"command": "start", "description": "开始"}]
    assert [c.command for c in await bot.get_my_commands(language_code="zh")] == ["start"]
    assert await bot.get_my_commands() == ()
    with pytest.raises(BadRequest, match=r"(?i)LANG_CODE_INVALID"):
        await bot.set_my_commands([("start", "x")], language_code="zh-hans")
    await bot.delete_my_commands(language_code="zh")
    assert core.commands("zh") == []

    document = await bot.send_document(
        USER, InputFile(b"%PDF", filename="report.pdf"), caption="<b>报告</b>", parse_mode=ParseMode.HTML
    )
    assert document.document.file_name == "report.pdf"
    assert document.caption == "报告"
    photo = await bot.send_photo(USER, b"\x89PNG", caption="图")
    assert photo.photo
    assert core.last_message(USER)["caption"] == "图"
    method, params = core.calls[-2]
    assert method == "sendDocument"
    assert params["document"]["file_name"] == "report.pdf"


def test_get_updates_semantics(core: FakeTelegram) -> None:
    first = core.user_message(USER, "/start", first_name="张三")
    assert first["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert first["message"]["from"] == {"id": USER, "is_bot": False, "first_name": "张三", "language_code": "zh-hans"}
    assert first["message"]["chat"]["type"] == "private"
    assert isinstance(first["message"]["date"], int)
    second = core.user_message(USER, "你好")
    assert "entities" not in second["message"]
    assert second["update_id"] == first["update_id"] + 1
    core.push_update(second)  # duplicate update_id

    result = core.handle("getUpdates", {"limit": 1})["result"]
    assert [u["update_id"] for u in result] == [first["update_id"]]
    result = core.handle("getUpdates", {"offset": first["update_id"] + 1})["result"]
    assert [u["update_id"] for u in result] == [second["update_id"]] * 2
    assert core.handle("getUpdates", {"offset": second["update_id"] + 1, "timeout": 0})["result"] == []

    def later() -> None:
        time.sleep(0.1)
        core.user_message(USER, "late")

    thread = threading.Thread(target=later)
    thread.start()
    started = time.monotonic()
    result = core.handle("getUpdates", {"offset": second["update_id"] + 1, "timeout": 3})["result"]
    thread.join()
    assert [u["message"]["text"] for u in result] == ["late"]
    assert time.monotonic() - started < 2

    core.handle("setWebhook", {"url": "https://example.invalid/hook"})
    assert core.handle("getUpdates", {})["error_code"] == 409
    assert core.handle("getWebhookInfo", {})["result"]["pending_update_count"] == 1
    core.handle("deleteWebhook", {"drop_pending_updates": True})
    assert core.pending_updates == []


# ---------------------------------------------------------------- ChatClient + Application


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_html(
        "<b>欢迎</b>", reply_markup=keyboard(("开始体检", "check:start"), ("帮助", "help"))
    )


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("收到")
    await query.edit_message_text(f"你选择了 {query.data}")


async def echo_bad_html(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    assert update.effective_message.text is not None
    await update.effective_message.reply_html(update.effective_message.text)  # not escaped: bug


def build_app(core: FakeTelegram) -> Application:
    request, updates_request = make_bot_requests(core)
    app = ApplicationBuilder().token(TOKEN).request(request).get_updates_request(updates_request).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo_bad_html))
    return app


async def test_chat_client_round_trip(core: FakeTelegram) -> None:
    app = build_app(core)
    await app.initialize()
    try:
        client = ChatClient(core, lambda d: app.process_update(Update.de_json(d, app.bot)), user_id=USER)
        replies = await client.send("/start")
        assert [m["text"] for m in replies] == ["欢迎"]
        assert client.last == "欢迎"
        assert client.buttons == [("开始体检", "check:start"), ("帮助", "help")]

        await client.click("开始体检")
        assert client.last == "你选择了 check:start"
        assert client.reply_texts == ["你选择了 check:start"]
        assert client.last_callback_answer == {"callback_query_id": client.last_query_id, "text": "收到"}
        assert client.buttons == []  # the edit dropped the keyboard

        with pytest.raises(AssertionError, match="available buttons"):
            await client.click("不存在")
        with pytest.raises(AssertionError, match=r"(?i)can.t parse entities"):
            await client.send("1 < 2")  # the bot's bug surfaces instead of being only logged
    finally:
        await app.shutdown()


async def test_application_polling_in_process(core: FakeTelegram) -> None:
    app = build_app(core)
    async with app:
        await app.updater.start_polling(poll_interval=0, timeout=5)
        await app.start()
        try:
            core.user_message(USER, "/start")
            assert await core.async_wait_for(lambda: core.last_message(USER) is not None, 3)
        finally:
            await app.updater.stop()
            await app.stop()
    assert core.last_message(USER)["text"] == "欢迎"
    assert core.pending_updates == []  # confirmed on shutdown


# ---------------------------------------------------------------- HTTP emulator


async def test_emulator_server_over_http() -> None:
    with EmulatorServer(token=TOKEN) as emu:
        async with Bot(TOKEN, base_url=emu.base_url, request=HTTPXRequest()) as http_bot:
            assert http_bot.username == "sme_advisor_test_bot"
            sent = await http_bot.send_message(
                USER, "<i>你好</i>", parse_mode="HTML", reply_markup=keyboard(("A", "a"))
            )
            assert sent.text == "你好"
            assert emu.core.buttons(emu.core.last_message(USER)) == [("A", "a")]
            with pytest.raises(BadRequest, match=r"(?i)can.t parse entities"):
                await http_bot.send_message(USER, "<p>x</p>", parse_mode="HTML")
            doc = await http_bot.send_document(USER, InputFile(b"data", filename="a.txt"), caption="c")
            assert doc.document.file_name == "a.txt"
            assert emu.core.calls_to("sendDocument")[0]["document"]["file_name"] == "a.txt"

            threading.Timer(0.2, emu.core.user_message, args=(USER, "从另一个线程")).start()
            started = time.monotonic()
            updates = await http_bot.get_updates(timeout=3)
            assert [u.message.text for u in updates] == ["从另一个线程"]
            assert time.monotonic() - started < 2

        with pytest.raises(InvalidToken):  # 401 from the server
            async with Bot("999:WRONG", base_url=emu.base_url, request=HTTPXRequest()):
                pass
        status, _ = emu.dispatch(f"/file/bot{TOKEN}/documents/x.pdf", "", "", b"")
        assert status == 404


async def test_emulator_long_poll_released_on_stop() -> None:
    emu = EmulatorServer(token=TOKEN).start()
    try:
        request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
            f"{emu.base_url}{TOKEN}/getUpdates",
            data=b'{"timeout": 30}',
            headers={"Content-Type": "application/json"},
        )
        loop = asyncio.get_running_loop()
        pending = loop.run_in_executor(None, lambda: urllib.request.urlopen(request, timeout=5).read())  # noqa: S310
        await asyncio.sleep(0.1)
    finally:
        emu.stop()
    assert json.loads(await asyncio.wait_for(pending, 3)) == {"ok": True, "result": []}


def test_parse_body_forms() -> None:
    assert parse_body("application/x-www-form-urlencoded", b"chat_id=5&text=a%20b") == {"chat_id": "5", "text": "a b"}
    body = (
        b'--X\r\nContent-Disposition: form-data; name="chat_id"\r\n\r\n5\r\n'
        b'--X\r\nContent-Disposition: form-data; name="document"; filename="r.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n%PDF\r\n--X--\r\n"
    )
    parsed = parse_body("multipart/form-data; boundary=X", body)
    assert parsed["chat_id"] == "5"
    assert parsed["document"] == {"_upload": True, "field": "document", "file_name": "r.pdf", "size": 4}


# ---------------------------------------------------------------- network guard


def test_network_is_blocked() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock, pytest.raises(RuntimeError, match="network access"):
        sock.connect(("203.0.113.1", 443))
    with pytest.raises(RuntimeError, match="network access"):
        socket.getaddrinfo("api.telegram.org", 443)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        assert sock.connect_ex(("127.0.0.1", 9)) != 0  # local is allowed (nothing listens there)
