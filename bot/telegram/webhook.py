"""Webhook mode: a small tornado server that checks the secret header and hands updates to PTB.

Why not PTB's own `run_webhook(secret_token=...)`: its handler (`telegram.ext._utils.webhookhandler`)
answers a body that is not JSON, or not UTF-8, with 500 (the `json.loads` error escapes), compares the
secret with `!=`, and offers no hook to change either. README promises 403 for a wrong or missing secret
and 400 for malformed JSON, and `tests/telegram/test_tg_webhook_ptb.py` pins PTB's behaviour so we notice
when it changes. The server is started the way `run_webhook` starts its own, by `bot.telegram.run.serve`:
initialize, post_init, server, set_webhook, start.
"""

from __future__ import annotations

import hmac
import logging
from urllib.parse import urlsplit

import tornado.httpserver
import tornado.web
from telegram import Update
from telegram.ext import Application

from bot.settings import Settings
from bot.telegram.startup import set_webhook
from bot.telegram.webhook_body import MAX_BODY_BYTES, BadBody, parse_update

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name, not a secret
IDLE_TIMEOUT = 60.0  # seconds a kept-alive connection may wait for its next request's headers
BODY_TIMEOUT = 10.0  # seconds a client may take to send a body of at most 1 MB


@tornado.web.stream_request_body
class UpdateHandler(tornado.web.RequestHandler):
    """POST one update: 403 for a wrong or missing secret, 413 over 1 MB, 400 for anything that is not an update.

    The body is streamed: a wrong secret or a Content-Length over the limit is refused before any of it is read.
    """

    def initialize(self, bot_application: Application, secret: str) -> None:
        self.bot_application = bot_application  # not `application`: tornado's own attribute
        self.secret = secret
        self.body = bytearray()

    def get(self) -> None:
        self.write("ok")

    def prepare(self) -> None:
        if self.request.method != "POST":
            return
        given = self.request.headers.get(SECRET_HEADER, "")
        if self.secret and not hmac.compare_digest(given.encode(), self.secret.encode()):
            self.send_error(403)
            return
        length = self.request.headers.get("Content-Length", "0")
        if not length.isascii() or not length.isdigit() or int(length) > MAX_BODY_BYTES:
            self._refuse(413, "body too large")

    def data_received(self, chunk: bytes) -> None:
        if self._finished:
            return
        self.body.extend(chunk)
        if len(self.body) > MAX_BODY_BYTES:
            self._refuse(413, "body too large")

    async def post(self) -> None:
        try:
            update = Update.de_json(parse_update(bytes(self.body)), self.bot_application.bot)
        except BadBody as error:
            self._refuse(400, str(error))
            return
        except Exception as error:
            self._refuse(400, f"not an update ({type(error).__name__})")
            return
        await self.bot_application.update_queue.put(update)
        self.write("ok")

    def _refuse(self, status: int, reason: str) -> None:
        log.warning("webhook: refused a POST with %s: %s", status, reason)
        self.send_error(status)

    def log_exception(self, typ, value, tb) -> None:
        log.warning("webhook request failed: %s", typ.__name__ if typ else "error")


def webhook_path(url: str) -> str:
    return urlsplit(url).path or "/"


def webhook_app(application: Application, url: str, secret: str) -> tornado.web.Application:
    """The tornado app serving updates at the path of `url`."""
    return tornado.web.Application([(webhook_path(url), UpdateHandler,
                                     {"bot_application": application, "secret": secret})])


class WebhookServer:
    """The tornado server of webhook mode, registered at Telegram (or the API server) once listening."""

    def __init__(self, application: Application, settings: Settings) -> None:
        self.application = application
        self.settings = settings
        self.server = tornado.httpserver.HTTPServer(
            webhook_app(application, settings.webhook_url, settings.webhook_secret.reveal()),
            idle_connection_timeout=IDLE_TIMEOUT, body_timeout=BODY_TIMEOUT, max_body_size=2 * MAX_BODY_BYTES)

    async def start(self) -> None:
        self.server.listen(self.settings.port)
        await set_webhook(lambda: self.application.bot.set_webhook(
            self.settings.webhook_url, secret_token=self.settings.webhook_secret.reveal() or None,
            allowed_updates=Update.ALL_TYPES))
        log.info("serving the webhook on port %s", self.settings.port)

    async def stop(self) -> None:
        self.server.stop()
        await self.server.close_all_connections()
