"""The Telegram harness (tests/telegram/conftest.py) for the in-process fault tests."""

from tests.telegram.conftest import chat, harness, instant_retries  # noqa: F401 - fixtures
