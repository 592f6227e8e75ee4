"""No reply leaves before what it acknowledges is on disk: every Bot API call waits for the group commit."""

from __future__ import annotations

import pytest


async def test_no_bot_api_call_is_made_while_a_commit_may_not_be_on_disk(harness, chat,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Every call waits for the disk but a tapped button's bare callback answer, which acknowledges nothing."""
    store, core = harness.store, harness.core
    assert store.group_commit is not None, "the harness opens the store as `sme-advisor run` does"
    calls: list[tuple[str, bool, bool]] = []
    real = core.handle

    def checked(method, params, *args, **kwargs):
        if method.lower() != "getupdates":
            bare_answer = method == "answerCallbackQuery" and not (params or {}).get("text")
            calls.append((method, store.group_commit.pending, bare_answer))
        return real(method, params, *args, **kwargs)

    monkeypatch.setattr(core, "handle", checked)
    await chat.send("/start")
    await chat.send("/check")
    await chat.finish_check(numbers=chat.BAD_NUMBERS)
    await chat.send("/report")
    assert len(calls) > 30
    assert [method for method, pending, bare_answer in calls if pending and not bare_answer] == []
    assert any(pending for _, pending, _ in calls), "the bare callback answers go while the commit is synced"
