"""A first walk through the bot: /start, a quick check by buttons and typed numbers, the report."""

from __future__ import annotations

from knowledge.loader import get_knowledge
from tests.support.chat_client import ChatClient
from tests.support.typed import typed_number

KB = get_knowledge()


async def test_quick_check_by_buttons_and_numbers(chat: ChatClient) -> None:
    await chat.send("/start")
    assert "体检" in chat.last
    await chat.click("快速体检")
    for _ in range(40):
        buttons = [b for b in chat.buttons if b[1] and b[1].startswith("a:")]
        if buttons:
            await chat.click(buttons[-1][1])
        else:
            shown = next((q for q in KB.questions.values() if q.kind == "number" and q.text("zh") in chat.last), None)
            await chat.send(typed_number(KB, shown, "10") if shown else "10")
        if "体检报告" in " ".join(chat.reply_texts):
            break
    assert "体检报告" in " ".join(chat.reply_texts)
