"""Webhook mode: a small tornado server that checks the secret header and hands updates to PTB.

PTB's built-in webhook answers malformed JSON with 500; this one answers 400 and keeps serving.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from urllib.parse import urlsplit

import tornado.httpserver
import tornado.web
from telegram import Update
from telegram.ext import Application

from bot.settings import Settings

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name, not a secret


class UpdateHandler(tornado.web.RequestHandler):
    """POST one update: 403 for a wrong or missing secret, 400 for anything that is not an update."""

    def initialize(self, bot_application: Application, secret: str) -> None:
        self.bot_application = bot_application  # not `application`: tornado's own attribute
        self.secret = secret

    def get(self) -> None:
        self.write("ok")

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if self.secret and not hmac.compare_digest(given.encode(), self.secret.encode()):
            self.send_error(403)
            return
        try:
            data = json.loads(self.request.body)
            if not isinstance(data, dict) or "update_id" not in data:
                raise ValueError("not an update")
            update = Update.de_json(data, self.bot_application.bot)
        except Exception:
            self.send_error(400)
            return
        await self.bot_application.update_queue.put(update)
        self.write("ok")

    def log_exception(self, typ, value, tb) -> None:
        log.warning("webhook request failed: %s", typ.__name__ if typ else "error")


def webhook_path(url: str) -> str:
    return urlsplit(url).path or "/"


def webhook_app(application: Application, url: str, secret: str) -> tornado.web.Application:
    """The tornado app serving updates at the path of `url`."""
    return tornado.web.Application([(webhook_path(url), UpdateHandler,
                                     {"bot_application": application, "secret": secret})])


async def serve_webhook(application: Application, settings: Settings) -> None:
    """Serve until SIGINT or SIGTERM, with the webhook registered at Telegram (or the API server)."""
    secret = settings.webhook_secret.reveal()
    app = webhook_app(application, settings.webhook_url, secret)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with application:
        await application.start()
        server = tornado.httpserver.HTTPServer(app)
        server.listen(settings.port)
        await application.bot.set_webhook(settings.webhook_url, secret_token=secret or None,
                                          allowed_updates=Update.ALL_TYPES)
        log.info("serving the webhook on port %s", settings.port)
        await stop.wait()
        server.stop()
        await application.stop()
