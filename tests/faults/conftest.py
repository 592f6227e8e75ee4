"""The Telegram harness (tests/telegram/conftest.py) for the in-process fault tests; the zygote for the kill tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.faults.support import Zygote
from tests.telegram.conftest import chat, harness, instant_retries  # noqa: F401 - fixtures


@pytest.fixture(scope="session")
def zygote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Zygote]:
    """One process that imports the bot once and forks a bot process for each start (tests.faults.support)."""
    forks = Zygote(tmp_path_factory.mktemp("zygote") / "zygote.log")
    yield forks
    forks.close()
