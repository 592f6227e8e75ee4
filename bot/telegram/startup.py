"""Starting and stopping the bot whatever the network does.

The first Bot API call (`getMe`, in `Application.initialize`) is retried with back-off while the API cannot
be reached, one log line per try; a rejected token is not retried. Every step of starting and stopping runs
against the stop signal, so SIGTERM ends the process within STOP_BUDGET seconds even when the API accepts
connections and never answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, TelegramError
from telegram.ext import Application

from bot.logs import scrub

log = logging.getLogger(__name__)
START_DELAYS = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0)  # then every 30 s
STOP_BUDGET = 3.0  # seconds for the whole stopping sequence after SIGTERM
T = TypeVar("T")


class Stopped(Exception):
    """The stop signal came while starting: stop quietly."""


class WebhookRefused(Exception):
    """Telegram (or the Bot API server) refused `setWebhook`; the message is its reason."""


async def until_stopped(step: Awaitable[T], stop: asyncio.Event) -> T:
    """Await `step` unless `stop` is set first; then cancel it and raise Stopped."""
    task = asyncio.ensure_future(step)
    waiting = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait([task, waiting], return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiting.cancel()
    if not task.done():
        task.cancel()
        with contextlib.suppress(BaseException):
            await task
        raise Stopped
    return task.result()


def _delay(attempt: int) -> float:
    return START_DELAYS[min(attempt, len(START_DELAYS) - 1)]


async def initialize(application: Application, stop: asyncio.Event) -> None:
    """`application.initialize()`, tried again with back-off while the Bot API is unreachable."""
    attempt = 0
    while True:
        try:
            await until_stopped(application.initialize(), stop)
            return
        except (InvalidToken, BadRequest):  # a BadRequest is a NetworkError in PTB, but trying again won't help
            raise
        except NetworkError as error:  # TimedOut too
            delay = _delay(attempt)
            attempt += 1
            log.warning("the Bot API is unreachable (try %d: %s); trying again in %.0f s", attempt,
                        scrub(str(error)) or type(error).__name__, delay)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), delay)
        if stop.is_set():
            raise Stopped


async def set_webhook(call: Callable[[], Awaitable[object]]) -> None:
    """Register the webhook; a refusal becomes WebhookRefused with Telegram's reason."""
    try:
        await call()
    except InvalidToken:
        raise
    except (BadRequest, Forbidden) as error:
        raise WebhookRefused(scrub(error.message)) from error
    except NetworkError:
        raise
    except TelegramError as error:
        raise WebhookRefused(scrub(error.message)) from error


async def within_budget(step: Awaitable[object], what: str) -> None:
    """Await a stopping step for at most STOP_BUDGET seconds; log one line if it did not finish."""
    try:
        await asyncio.wait_for(step, STOP_BUDGET)
    except TimeoutError:
        log.warning("%s did not finish within %.0f s; stopping anyway", what, STOP_BUDGET)
