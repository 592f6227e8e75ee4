"""EmulatorServer: a :class:`FakeTelegram` served over real HTTP on 127.0.0.1 (standard library only).

For end-to-end tests where the bot runs as a separate process::

    with EmulatorServer(token="123:ABC") as emu:
        env = {**os.environ, "TELEGRAM_API_URL": emu.url}
        ...  # start the bot, then drive emu.core.user_message(...) / emu.core.wait_for(...)

Try the bot by hand::

    python -m tests.support.emulator_server --port 8081 --token 123:TEST
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
import time
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from tests.support.telegram_core import CoreEvent, FakeTelegram, JSONDict

_API_PATH = re.compile(r"/bot(?P<token>[^/]+)/(?P<method>[A-Za-z]+)/?")
NOT_FOUND: JSONDict = {"ok": False, "error_code": 404, "description": "Not Found"}
UNAUTHORIZED: JSONDict = {"ok": False, "error_code": 401, "description": "Unauthorized"}
GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)  # the client hung up (a killed bot)


def parse_body(content_type: str, body: bytes) -> JSONDict:
    """Decode a JSON, form-urlencoded or multipart/form-data request body into params.

    Multipart file parts become ``{"_upload": True, "field": name, "file_name": ..., "size": ...}``.
    """
    if not body:
        return {}
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/json":
        data = json.loads(body.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("JSON body must be an object")
        return data
    if kind == "multipart/form-data":
        message = BytesParser(policy=policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\nMIME-Version: 1.0\r\n\r\n" + body
        )
        params: JSONDict = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not name:
                continue
            payload = part.get_payload(decode=True) or b""
            filename = part.get_filename()
            if filename is None:
                params[str(name)] = payload.decode("utf-8", "replace")
            else:
                params[str(name)] = {"_upload": True, "field": str(name), "file_name": filename, "size": len(payload)}
        return params
    return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # never join handler threads stuck in a long poll
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], emulator: EmulatorServer) -> None:
        super().__init__(address, _Handler)
        self.emulator = emulator

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away mid-request (a bot process killed by a test) is no error of ours."""
        if isinstance(sys.exc_info()[1], GONE):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # the headers and the body are two writes: with Nagle's algorithm the body waits for the client's
    # delayed ACK, about 40 ms a call, which no real Bot API adds
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Silence per-request logging."""

    def do_GET(self) -> None:
        """Handle GET."""
        self._dispatch()

    def do_POST(self) -> None:
        """Handle POST."""
        self._dispatch()

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                header = self.rfile.readline()
                if not header:
                    raise ConnectionResetError("the client closed the connection in the middle of a chunk")
                size = int(header.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                if len(chunks[-1]) < size:
                    raise ConnectionResetError("the client closed the connection in the middle of a chunk")
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if len(body) < length:  # the client went away mid-request: Telegram would not act on half a request
            raise ConnectionResetError("the client closed the connection before the end of its request")
        return body

    def _dispatch(self) -> None:
        body = self._read_body()
        url = urlsplit(self.path)
        status, envelope = self.server.emulator.dispatch(
            url.path, url.query, self.headers.get("Content-Type", ""), body
        )
        payload = json.dumps(envelope, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class EmulatorServer:
    """HTTP front end of a FakeTelegram. ``url`` is the TELEGRAM_API_URL (``http://127.0.0.1:<port>``);
    PTB's ``base_url`` is :attr:`base_url` (``url + "/bot"``)."""

    def __init__(
        self,
        token: str = "123:ABC",  # noqa: S107 - a fake token
        *,
        core: FakeTelegram | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.token = token
        self.core = core or FakeTelegram()
        self._address = (host, port)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """Bound port (after start)."""
        if self._server is None:
            raise RuntimeError("server not started")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>`` - what to put in TELEGRAM_API_URL."""
        return f"http://{self._address[0]}:{self.port}"

    @property
    def base_url(self) -> str:
        """Value for PTB's ``Bot(base_url=...)`` / ``ApplicationBuilder().base_url(...)``."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for PTB's ``base_file_url``."""
        return f"{self.url}/file/bot"

    def start(self) -> EmulatorServer:
        """Bind and serve in a daemon thread."""
        self._server = _Server(self._address, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="telegram-emulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; wakes pending long polls."""
        if self._server is None:
            return
        self.core.wake_all()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def dispatch(self, path: str, query: str, content_type: str, body: bytes) -> tuple[int, JSONDict]:
        """Route one HTTP request; returns ``(status, json_body)``."""
        if path.startswith("/file/bot"):
            return 404, NOT_FOUND
        match = _API_PATH.fullmatch(path)
        if match is None:
            return 404, NOT_FOUND
        if unquote(match.group("token")) != self.token:
            return 401, UNAUTHORIZED
        try:
            params: JSONDict = dict(parse_qsl(query, keep_blank_values=True))
            params.update(parse_body(content_type, body))
        except (ValueError, UnicodeDecodeError):
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: can't parse request body"}
        delay = self.core.delay_for(match.group("method")) if match.group("method").lower() != "getupdates" else 0
        if delay:
            time.sleep(delay)  # this request's own server thread: a slow Bot API, as seen by the bot
        envelope = self.core.handle(match.group("method"), params)
        return (200 if envelope["ok"] else int(envelope["error_code"])), envelope


# ---------------------------------------------------------------------- interactive console


def format_message(message: JSONDict, *, edited: bool = False) -> str:
    """Human-readable rendering of a bot message with numbered buttons."""
    tag = "edited" if edited else "bot"
    body = message.get("text", message.get("caption", ""))
    if message.get("file_name"):
        body = f"[file {message['file_name']}] {body}"
    lines = [f"--- [{tag} #{message['message_id']}] ---", body]
    for number, (text, data) in enumerate(FakeTelegram.buttons(message), start=1):
        lines.append(f"  [{number}] {text}" + (f"  ({data})" if data else ""))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Serve the emulator and chat with the bot from stdin."""
    parser = argparse.ArgumentParser(description="Local fake Telegram Bot API with an interactive user.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123:TEST")
    parser.add_argument("--user-id", type=int, default=1001)
    parser.add_argument("--language", default="zh-hans")
    args = parser.parse_args(argv)
    core = FakeTelegram()
    user_id: int = args.user_id

    def show(event: CoreEvent) -> None:
        if event.chat_id != user_id or event.message is None:
            if event.kind == "callback_answer" and event.data and event.data.get("text"):
                print(f"(popup) {event.data['text']}", flush=True)
            return
        if event.kind in ("message", "edit"):
            print(format_message(event.message, edited=event.kind == "edit"), flush=True)
        elif event.kind == "delete":
            print(f"--- [deleted #{event.message['message_id']}] ---", flush=True)

    core.subscribe(show)
    with EmulatorServer(token=args.token, core=core, host=args.host, port=args.port) as emu:
        print(
            f"Fake Telegram at {emu.url} (token {args.token}). Start the bot with "
            f"TELEGRAM_API_URL={emu.url}\nType a message as user {user_id}; '/click N' presses button N "
            "of the last bot message with buttons; Ctrl-D quits.",
            flush=True,
        )
        while True:
            try:
                line = input().strip()
            except (EOFError, KeyboardInterrupt):
                break
            if not line:
                continue
            click = re.fullmatch(r"/click\s+(\d+)", line)
            if click is None:
                core.user_message(user_id, line, language_code=args.language)
                continue
            with_buttons = [m for m in core.messages(user_id) if FakeTelegram.buttons(m)]
            if not with_buttons:
                print("(no message with buttons)", flush=True)
                continue
            message = with_buttons[-1]
            buttons = FakeTelegram.buttons(message)
            number = int(click.group(1))
            if not 1 <= number <= len(buttons) or buttons[number - 1][1] is None:
                print(f"(no clickable button {number}; buttons: {buttons})", flush=True)
                continue
            core.user_click(user_id, message["message_id"], str(buttons[number - 1][1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
