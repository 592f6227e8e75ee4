"""FakeTelegram: a thread-safe, in-memory Telegram Bot API for tests.

The bot talks to it through :mod:`tests.support.recording_request` (in-process) or
:mod:`tests.support.emulator_server` (real HTTP); the test plays the user with
:meth:`FakeTelegram.user_message` / :meth:`FakeTelegram.user_click` (or :class:`ChatClient`)
and inspects what the bot did with :meth:`messages`, :meth:`last_message`, :attr:`calls`, ...

Messages returned by :meth:`messages` are Telegram ``Message`` dicts (``text`` is the plain text the
user sees, HTML already rendered into ``entities``) plus test-only keys: ``raw_text`` (text/caption as
the bot sent it), ``parse_mode``, ``edit_count``, ``deleted`` and, for media, ``file_name``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.support.telegram_format import EntityParseError, parse_html, parse_markdown_v2, utf16_len

JSONDict = dict[str, Any]


def _copied(value: Any) -> Any:
    """A copy of JSON-shaped data (dicts, lists, tuples, scalars) that shares nothing mutable with `value`;
    like `copy.deepcopy` for this data, at a fraction of its cost (every call and answer is copied)."""
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_copied(item) for item in value)
    if isinstance(value, set):
        return {_copied(item) for item in value}
    return value

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
BLOCKED = "Forbidden: bot was blocked by the user"
DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "callback_query",
        "inline_query",
        "chosen_inline_result",
        "shipping_query",
        "pre_checkout_query",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "business_message",
    }
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "pay",
        "callback_game",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
    }
)
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "commands",
        "scope",
        "entities",
        "caption_entities",
        "reply_parameters",
        "link_preview_options",
        "allowed_updates",
        "message_ids",
        "media",
        "results",
    }
)
_INT_FIELDS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "limit",
        "timeout",
        "reply_to_message_id",
        "user_id",
        "cache_time",
        "max_connections",
        "message_thread_id",
    }
)
_BOOL_FIELDS = frozenset(
    {
        "show_alert",
        "disable_notification",
        "protect_content",
        "drop_pending_updates",
        "allow_sending_without_reply",
        "disable_web_page_preview",
    }
)
_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,64})?(?=\s|$)")
COMMAND = _COMMAND_RE  # what Telegram marks as a bot_command entity at the start of a message
MAX_INLINE_RESULTS = 50
MAX_INLINE_RESULT_ID_BYTES = 64
NOT_UTF8 = "Bad Request: strings must be encoded in UTF-8"
_SURROGATE = re.compile("[\ud800-\udfff]")


class ApiError(Exception):
    """A Bot API error; turned into an ``{"ok": false, ...}`` envelope by :meth:`FakeTelegram.handle`."""

    def __init__(self, error_code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def envelope(self) -> JSONDict:
        """The JSON body Telegram would answer with."""
        body: JSONDict = {"ok": False, "error_code": self.error_code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


@dataclass(frozen=True)
class CoreEvent:
    """Something happened in the fake: ``kind`` is one of ``call``, ``update``, ``message``, ``edit``,
    ``delete``, ``callback_answer``, ``wake``."""

    kind: str
    chat_id: int | None = None
    message: JSONDict | None = None
    data: JSONDict | None = None


@dataclass(frozen=True)
class ApiCallError:
    """A Bot API call that returned an error (``injected`` if it came from :meth:`FakeTelegram.fail_next`)."""

    method: str
    params: JSONDict
    error_code: int
    description: str
    injected: bool


@dataclass
class _Failure:
    method: str
    error_code: int
    description: str
    retry_after: int | None
    chat_id: int | None


@dataclass
class _Stored:
    api: JSONDict
    from_bot: bool
    seq: int
    parse_mode: str | None = None
    raw_text: str | None = None
    file_name: str | None = None
    edit_count: int = 0
    deleted: bool = False

    def view(self) -> JSONDict:
        out = _copied(self.api)
        out.update(parse_mode=self.parse_mode, raw_text=self.raw_text, edit_count=self.edit_count, deleted=self.deleted)
        if self.file_name is not None:
            out["file_name"] = self.file_name
        return out


@dataclass
class _Chat:
    info: JSONDict
    next_message_id: int = 1
    messages: dict[int, _Stored] = field(default_factory=dict)
    actions: list[str] = field(default_factory=list)
    reply_keyboard: JSONDict | None = None


def _normalize(params: Mapping[str, Any]) -> JSONDict:
    """Coerce form-encoded values (all strings) to the JSON types PTB would send in-process."""
    out: JSONDict = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, str):
            if key in _JSON_FIELDS and value[:1] in ("{", "["):
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            elif key in _INT_FIELDS and re.fullmatch(r"-?\d+", value):
                value = int(value)
            elif key in _INT_FIELDS and re.fullmatch(r"-?\d+\.\d*", value):
                value = float(value)
            elif key in _BOOL_FIELDS and value in ("true", "false", "True", "False"):
                value = value.lower() == "true"
        out[key] = value
    return out


def _check_utf8(value: Any) -> None:
    """Telegram takes UTF-8 only: a lone surrogate (which no UTF-8 encoder can write) anywhere is refused."""
    if isinstance(value, str):
        if _SURROGATE.search(value):
            raise ApiError(400, NOT_UTF8)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _check_utf8(key)
            _check_utf8(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _check_utf8(item)


def upload_file_name(value: Any) -> str | None:
    """File name of an ``InputFile`` argument: an upload marker dict, ``attach://name`` or a URL."""
    if isinstance(value, dict) and value.get("_upload"):
        return value.get("file_name") or value.get("field")
    if isinstance(value, str):
        if value.startswith("attach://"):
            return value.removeprefix("attach://")
        if "://" in value:
            return value.rstrip("/").rsplit("/", 1)[-1] or None
    return None


class FakeTelegram:
    """In-memory Bot API; every public method is thread-safe."""

    def __init__(
        self,
        *,
        bot_id: int = 7_000_000_001,
        bot_username: str = "sme_advisor_test_bot",
        bot_first_name: str = "SME Advisor",
        strict_html_ampersand: bool = True,
    ) -> None:
        self.bot_user: JSONDict = {"id": bot_id, "is_bot": True, "first_name": bot_first_name, "username": bot_username}
        self.strict_html_ampersand = strict_html_ampersand
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._listeners: list[Callable[[CoreEvent], None]] = []
        self._calls: list[tuple[str, JSONDict]] = []
        self._errors: list[ApiCallError] = []
        self._updates: list[JSONDict] = []
        self._next_update_id = 10_001
        self._chats: dict[int, _Chat] = {}
        self._users: dict[int, JSONDict] = {}
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._descriptions: dict[tuple[str, str], str] = {}  # (description|short_description, language) -> text
        self._webhook: JSONDict = {}
        self._allowed_updates: list[str] = []
        self._failures: list[_Failure] = []
        self.latency = 0.0  # seconds every call takes before it is answered (the transports wait it out)
        self._delays: list[tuple[str, float]] = []  # (method, seconds) for the next calls of a method
        self._blocked: set[int] = set()
        self._callbacks: dict[str, JSONDict | None] = {}  # query id -> answer params (None: unanswered)
        self._seq = 0
        self._wake_generation = 0
        self._ids = itertools.count(1)
        self.closed = False
        self.logged_out = False
        self._methods: dict[str, tuple[str, Callable[[JSONDict], Any]]] = {}
        for name, fn in (
            ("getMe", self._get_me),
            ("getUpdates", self._get_updates),
            ("setMyCommands", self._set_my_commands),
            ("getMyCommands", self._get_my_commands),
            ("deleteMyCommands", self._delete_my_commands),
            ("setMyDescription", lambda p: self._set_description(p, "description", 512)),
            ("setMyShortDescription", lambda p: self._set_description(p, "short_description", 120)),
            ("getMyDescription", lambda p: {"description": self.description("description", self._language(p))}),
            ("getMyShortDescription",
             lambda p: {"short_description": self.description("short_description", self._language(p))}),
            ("setWebhook", self._set_webhook),
            ("deleteWebhook", self._delete_webhook),
            ("getWebhookInfo", self._get_webhook_info),
            ("sendMessage", self._send_message),
            ("editMessageText", self._edit_message_text),
            ("editMessageCaption", self._edit_message_caption),
            ("editMessageReplyMarkup", self._edit_message_reply_markup),
            ("deleteMessage", self._delete_message),
            ("deleteMessages", self._delete_messages),
            ("answerCallbackQuery", self._answer_callback_query),
            ("answerInlineQuery", self._answer_inline_query),
            ("sendDocument", lambda p: self._send_media(p, "document")),
            ("sendPhoto", lambda p: self._send_media(p, "photo")),
            ("sendChatAction", self._send_chat_action),
            ("close", self._close),
            ("logOut", self._log_out),
        ):
            self.register(name, fn)

    # ------------------------------------------------------------------ dispatch

    def register(self, method: str, handler: Callable[[JSONDict], Any]) -> None:
        """Add or replace a Bot API method; ``handler(params)`` returns ``result`` or raises ApiError."""
        with self._lock:
            self._methods[method.lower()] = (method, handler)

    def handle(
        self, method: str, params: Mapping[str, Any] | None = None, *, block: bool = True, record: bool = True
    ) -> JSONDict:
        """Execute one Bot API call and return the JSON envelope Telegram would send.

        ``block=False`` makes getUpdates ignore ``timeout`` (never wait); ``record=False`` keeps the
        call out of :attr:`calls`.
        """
        params = _normalize(params or {})
        with self._lock:
            name, handler = self._methods.get(method.lower(), (method, None))
            if record:
                self._calls.append((name, _copied(params)))
                self._notify(CoreEvent("call", self._chat_id_of(params), data={"method": name}))
            injected = False
            try:
                failure = self._take_failure(method.lower(), params)
                if failure is not None:
                    injected = True
                    raise ApiError(failure.error_code, failure.description, failure.retry_after)
                if handler is None:
                    raise ApiError(404, "Not Found")
                _check_utf8(params)
                self._check_blocked(method.lower(), params)
                result = self._get_updates(params, block) if name == "getUpdates" else handler(params)
            except ApiError as exc:
                self._errors.append(
                    ApiCallError(name, _copied(params), exc.error_code, exc.description, injected)
                )
                return exc.envelope()
            return {"ok": True, "result": _copied(result)}

    # ------------------------------------------------------------------ failure injection

    def fail_next(
        self,
        method: str,
        error_code: int,
        description: str | None = None,
        retry_after: int | None = None,
        chat_id: int | None = None,
    ) -> None:
        """Make the next call of ``method`` (``"*"``: any method), optionally only for ``chat_id``, fail once.

        Calls stack up (FIFO).  ``description`` defaults to Telegram's text for the code, e.g.
        ``"Too Many Requests: retry after 5"`` for 429 or ``"Forbidden: bot was blocked by the user"``.
        """
        if description is None:
            description = {
                400: "Bad Request",
                403: BLOCKED,
                429: f"Too Many Requests: retry after {retry_after}",
                500: "Internal Server Error",
                502: "Bad Gateway",
            }.get(error_code, f"Error {error_code}")
        if error_code == 429 and retry_after is None:
            retry_after = 1
        with self._lock:
            self._failures.append(_Failure(method.lower(), error_code, description, retry_after, chat_id))

    def fail(self, method: str, error_code: int, times: int = 1, **kwargs: Any) -> None:
        """Make the next ``times`` calls of ``method`` fail (as :meth:`fail_next`, repeated)."""
        for _ in range(times):
            self.fail_next(method, error_code, **kwargs)

    def delay_next(self, method: str, seconds: float, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` (``"*"``: any) take ``seconds`` more before their answer."""
        with self._lock:
            self._delays.extend([(method.lower(), seconds)] * times)

    def delay_for(self, method: str) -> float:
        """How long the transport should wait before answering this call: :attr:`latency` plus any delay."""
        with self._lock:
            for index, (wanted, seconds) in enumerate(self._delays):
                if wanted in ("*", method.lower()):
                    del self._delays[index]
                    return self.latency + seconds
            return self.latency

    def block_user(self, user_id: int) -> None:
        """The user blocks the bot: every send/edit/delete to their chat gets 403 until they write again."""
        with self._lock:
            self._blocked.add(user_id)

    def unblock_user(self, user_id: int) -> None:
        """Undo :meth:`block_user`."""
        with self._lock:
            self._blocked.discard(user_id)

    def _take_failure(self, method: str, params: JSONDict) -> _Failure | None:
        for index, failure in enumerate(self._failures):
            if failure.method not in ("*", method):
                continue
            if failure.chat_id is not None and self._chat_id_of(params) != failure.chat_id:
                continue
            return self._failures.pop(index)
        return None

    def _check_blocked(self, method: str, params: JSONDict) -> None:
        if method.startswith(("send", "edit", "delete", "copy", "forward")) and (
            self._chat_id_of(params) in self._blocked
        ):
            raise ApiError(403, BLOCKED)

    # ------------------------------------------------------------------ scripted user side

    def user_message(
        self,
        user_id: int,
        text: str,
        language_code: str | None = "zh-hans",
        first_name: str = "Tester",
        *,
        last_name: str | None = None,
        username: str | None = None,
        enqueue: bool = True,
    ) -> JSONDict:
        """The user writes ``text`` in their private chat; returns (and by default queues) the update.

        A leading ``/command`` gets a ``bot_command`` entity, as Telegram does.
        """
        with self._lock:
            user = self._user(user_id, first_name, language_code, last_name, username)
            self._blocked.discard(user_id)
            chat = self._chat(user_id)
            message: JSONDict = {
                "message_id": self._take_message_id(chat),
                "from": dict(user),
                "chat": dict(chat.info),
                "date": int(time.time()),
                "text": text,
            }
            command = _COMMAND_RE.match(text)
            if command:
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command.group(0))}]
            chat.messages[message["message_id"]] = _Stored(message, from_bot=False, seq=self._seq)
            return self._new_update({"message": message}, enqueue)

    def user_click(
        self, user_id: int, message_id: int, callback_data: str, *, strict: bool = True, enqueue: bool = True
    ) -> JSONDict:
        """The user presses the inline button with ``callback_data`` on ``message_id`` in their chat.

        With ``strict`` the message must exist and carry that button (AssertionError otherwise);
        ``strict=False`` allows forged/stale data.  Returns (and by default queues) the update.
        """
        with self._lock:
            user = self._users.get(user_id) or self._user(user_id, "Tester", "zh-hans", None, None)
            chat = self._chat(user_id)
            stored = chat.messages.get(message_id)
            if stored is None or stored.deleted:
                if strict:
                    raise AssertionError(f"user {user_id} cannot click: no message {message_id} in the chat")
                api: JSONDict = {"message_id": message_id, "chat": dict(chat.info), "date": 0}
            else:
                api = _copied(stored.api)
                available = [data for _, data in self.buttons(api)]
                if strict and callback_data not in available:
                    raise AssertionError(
                        f"message {message_id} has no button with callback_data {callback_data!r}; "
                        f"buttons: {self.buttons(api)}"
                    )
            query_id = str(4_000_000_000_000_000 + next(self._ids))
            self._callbacks[query_id] = None
            query = {
                "id": query_id,
                "from": dict(user),
                "message": api,
                "chat_instance": str(-(6_000_000_000_000_000 + user_id)),
                "data": callback_data,
            }
            return self._new_update({"callback_query": query}, enqueue)

    def push_update(self, update: Mapping[str, Any]) -> JSONDict:
        """Queue a raw update; keeps its ``update_id`` if given (duplicates allowed), else assigns one."""
        with self._lock:
            raw = _copied(dict(update))
            if "update_id" in raw:
                self._next_update_id = max(self._next_update_id, int(raw["update_id"]) + 1)
                self._updates.append(raw)
                self._notify(CoreEvent("update", data=raw))
                return _copied(raw)
            return self._new_update(raw, enqueue=True)

    def _new_update(self, body: JSONDict, enqueue: bool) -> JSONDict:
        update = {"update_id": self._next_update_id, **body}
        self._next_update_id += 1
        if enqueue:
            self._updates.append(update)
        self._notify(CoreEvent("update", data=update))
        return _copied(update)

    # ------------------------------------------------------------------ inspection

    @property
    def calls(self) -> list[tuple[str, JSONDict]]:
        """Every Bot API call received so far as ``(method, params)`` (canonical method names)."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[JSONDict]:
        """Params of every call to ``method``."""
        return [params for name, params in self.calls if name.lower() == method.lower()]

    def clear_calls(self) -> None:
        """Forget recorded calls and errors."""
        with self._lock:
            self._calls.clear()
            self._errors.clear()

    @property
    def errors(self) -> list[ApiCallError]:
        """Every call that returned an error."""
        with self._lock:
            return list(self._errors)

    @property
    def seq(self) -> int:
        """Counter bumped whenever the bot creates, edits or deletes a message."""
        with self._lock:
            return self._seq

    @property
    def pending_updates(self) -> list[JSONDict]:
        """Updates not yet confirmed by getUpdates."""
        with self._lock:
            return _copied(self._updates)

    def pending_update_count(self) -> int:
        """Number of queued, unconfirmed updates."""
        with self._lock:
            return len(self._updates)

    @property
    def wake_generation(self) -> int:
        """Bumped by :meth:`wake_all`."""
        with self._lock:
            return self._wake_generation

    def messages(self, chat_id: int, *, include_user: bool = False, include_deleted: bool = False) -> list[JSONDict]:
        """Current state (after edits) of the bot's messages in a chat, oldest first."""
        with self._lock:
            chat = self._chats.get(chat_id)
            if chat is None:
                return []
            return [
                stored.view()
                for _, stored in sorted(chat.messages.items())
                if (include_user or stored.from_bot) and (include_deleted or not stored.deleted)
            ]

    def messages_since(self, chat_id: int, seq: int) -> list[JSONDict]:
        """Bot messages created or edited after :attr:`seq` had the value ``seq``."""
        with self._lock:
            chat = self._chats.get(chat_id)
            if chat is None:
                return []
            return [s.view() for _, s in sorted(chat.messages.items()) if s.from_bot and not s.deleted and s.seq > seq]

    def message(self, chat_id: int, message_id: int) -> JSONDict | None:
        """One message (bot or user, deleted included) or None."""
        with self._lock:
            stored = self._chats[chat_id].messages.get(message_id) if chat_id in self._chats else None
            return stored.view() if stored else None

    def last_message(self, chat_id: int) -> JSONDict | None:
        """The newest non-deleted bot message in the chat."""
        messages = self.messages(chat_id)
        return messages[-1] if messages else None

    def chat_actions(self, chat_id: int) -> list[str]:
        """Chat actions (``typing``...) sent to the chat."""
        with self._lock:
            chat = self._chats.get(chat_id)
            return list(chat.actions) if chat else []

    def reply_keyboard(self, chat_id: int) -> JSONDict | None:
        """The reply keyboard currently shown in the chat (None after ``remove_keyboard``)."""
        with self._lock:
            chat = self._chats.get(chat_id)
            return _copied(chat.reply_keyboard) if chat else None

    def callback_answer(self, query_id: str) -> JSONDict | None:
        """The answerCallbackQuery params for a query, or None if not answered (yet)."""
        with self._lock:
            return _copied(self._callbacks.get(query_id))

    def commands(self, language_code: str = "", scope: Mapping[str, Any] | None = None) -> list[JSONDict]:
        """Commands stored by setMyCommands for exactly this scope and language."""
        with self._lock:
            return _copied(self._commands.get((self._scope_key(scope), language_code), []))

    @property
    def webhook_url(self) -> str:
        """The webhook URL set by setWebhook ('' if none)."""
        with self._lock:
            return self._webhook.get("url", "")

    @staticmethod
    def buttons(message: Mapping[str, Any] | None) -> list[tuple[str, str | None]]:
        """Inline buttons of a message as ``(text, callback_data)``; callback_data is None for URL buttons."""
        if not message:
            return []
        markup = message.get("reply_markup") or {}
        return [(b.get("text", ""), b.get("callback_data")) for row in markup.get("inline_keyboard", []) for b in row]

    # ------------------------------------------------------------------ waiting

    def subscribe(self, listener: Callable[[CoreEvent], None]) -> Callable[[], None]:
        """Call ``listener(event)`` (from the acting thread, lock held) on every change; returns unsubscribe."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        """Block the calling thread until ``predicate()`` is true (re-checked after every change).

        Do not call it from the event loop running the bot - use :meth:`async_wait_for` there.
        """
        with self._cond:
            return self._cond.wait_for(predicate, timeout)

    async def async_wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:  # noqa: ASYNC109
        """Asyncio-friendly :meth:`wait_for` (does not block the event loop)."""
        loop = asyncio.get_running_loop()
        event = asyncio.Event()

        def on_event(_: CoreEvent) -> None:
            with contextlib.suppress(RuntimeError):  # loop already closed
                loop.call_soon_threadsafe(event.set)

        unsubscribe = self.subscribe(on_event)
        try:
            deadline = loop.time() + timeout
            while True:
                event.clear()
                with self._lock:
                    if predicate():
                        return True
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return False
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), remaining)
        finally:
            unsubscribe()

    def wake_all(self) -> None:
        """Make every waiting long-poll getUpdates return now (used on server shutdown)."""
        with self._lock:
            self._wake_generation += 1
            self._notify(CoreEvent("wake"))

    def _notify(self, event: CoreEvent) -> None:
        self._cond.notify_all()
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # noqa: S112 - a broken listener must not break the fake
                continue

    # ------------------------------------------------------------------ helpers

    def _user(
        self, user_id: int, first_name: str, language_code: str | None, last_name: str | None, username: str | None
    ) -> JSONDict:
        user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self._users[user_id] = user
        if user_id in self._chats:
            self._chats[user_id].info = self._private_chat_info(user)
        return user

    @staticmethod
    def _private_chat_info(user: JSONDict) -> JSONDict:
        info = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        for key in ("last_name", "username"):
            if key in user:
                info[key] = user[key]
        return info

    def _chat(self, chat_id: int) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            if chat_id > 0:
                user = self._users.get(chat_id, {"id": chat_id, "first_name": "User"})
                info = self._private_chat_info(user)
            else:
                info = {"id": chat_id, "type": "supergroup" if chat_id < -(10**12) else "group", "title": "Test group"}
            chat = self._chats[chat_id] = _Chat(info)
        return chat

    @staticmethod
    def _take_message_id(chat: _Chat) -> int:
        message_id = chat.next_message_id
        chat.next_message_id += 1
        return message_id

    @staticmethod
    def _chat_id_of(params: Mapping[str, Any]) -> int | None:
        chat_id = params.get("chat_id")
        return chat_id if isinstance(chat_id, int) else None

    def _target_chat(self, params: JSONDict) -> _Chat:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise _bad("chat_id is empty")
        if not isinstance(chat_id, int):
            raise _bad("chat not found")
        return self._chat(chat_id)

    def _find(self, params: JSONDict, not_found: str) -> tuple[_Chat, _Stored]:
        if params.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")
        chat = self._target_chat(params)
        message_id = params.get("message_id")
        stored = chat.messages.get(message_id) if isinstance(message_id, int) else None
        if stored is None or stored.deleted:
            raise _bad(not_found)
        return chat, stored

    def _render(
        self, text: Any, parse_mode: Any, entities: Any, limit: int, *, caption: bool
    ) -> tuple[str, list[JSONDict]]:
        if text is None or text == "":
            if caption:
                return "", []
            raise _bad("message text is empty")
        text = str(text)
        mode = str(parse_mode or "").lower()
        try:
            if mode == "html":
                plain, parsed = parse_html(text, strict_ampersand=self.strict_html_ampersand)
            elif mode == "markdownv2":
                plain, parsed = parse_markdown_v2(text)
            elif mode in ("", "markdown"):
                plain, parsed = text, list(entities) if isinstance(entities, list) else []
            else:
                raise _bad("unsupported parse_mode")
        except EntityParseError as exc:
            raise _bad(f"can't parse entities: {exc}") from None
        if not caption and not plain.strip():
            raise _bad("message text is empty")
        if len(plain) > limit:
            raise _bad("message caption is too long" if caption else "message is too long")
        return plain, parsed

    @staticmethod
    def _parse_markup(value: Any) -> JSONDict | None:
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise _bad("can't parse reply keyboard markup JSON object") from None
        if not isinstance(value, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in value:
            rows = value["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise _bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
            if sum(len(row) for row in rows) > 100:
                raise _bad("reply markup is too long")
            for button in (b for row in rows for b in row):
                FakeTelegram._check_button(button)
        elif "keyboard" in value:
            rows = value["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise _bad('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
        return _copied(value)

    @staticmethod
    def _check_button(button: Any) -> None:
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            raise _bad('can\'t parse inline keyboard button: Field "text" must be of type String')
        if not _BUTTON_ACTIONS & button.keys():
            raise _bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
                raise _bad("BUTTON_DATA_INVALID")
        if "url" in button:
            url = button["url"]
            if not isinstance(url, str) or not re.fullmatch(r"(?:(?:https?|tg)://)?[^\s/:]+[^\s]*", url):
                raise _bad(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")

    def _apply_reply_keyboard(self, chat: _Chat, markup: JSONDict | None) -> JSONDict | None:
        """Remember reply keyboards on the chat; return the part stored in Message.reply_markup."""
        if markup is None:
            return None
        if "keyboard" in markup:
            chat.reply_keyboard = markup
        elif markup.get("remove_keyboard"):
            chat.reply_keyboard = None
        return markup if "inline_keyboard" in markup else None

    def _base_message(self, chat: _Chat, params: JSONDict) -> JSONDict:
        reply = params.get("reply_parameters")
        reply_to = reply.get("message_id") if isinstance(reply, dict) else params.get("reply_to_message_id")
        replied: JSONDict | None = None
        if reply_to is not None:
            target = chat.messages.get(reply_to) if isinstance(reply_to, int) else None
            if target is not None and not target.deleted:
                replied = {k: v for k, v in target.api.items() if k != "reply_to_message"}
            elif not (
                params.get("allow_sending_without_reply")
                or (isinstance(reply, dict) and reply.get("allow_sending_without_reply"))
            ):
                raise _bad("message to be replied not found")
        message: JSONDict = {
            "message_id": self._take_message_id(chat),
            "from": dict(self.bot_user),
            "chat": dict(chat.info),
            "date": int(time.time()),
        }
        if replied is not None:
            message["reply_to_message"] = replied
        return message

    def _store_bot_message(self, chat: _Chat, message: JSONDict, **extra: Any) -> JSONDict:
        self._seq += 1
        stored = _Stored(message, from_bot=True, seq=self._seq, **extra)
        chat.messages[message["message_id"]] = stored
        self._notify(CoreEvent("message", chat.info["id"], stored.view()))
        return message

    @staticmethod
    def _scope_key(scope: Any) -> str:
        if isinstance(scope, str):
            try:
                scope = json.loads(scope)
            except ValueError:
                raise _bad("can't parse BotCommandScope JSON object") from None
        if not scope:
            scope = {"type": "default"}
        return json.dumps(scope, sort_keys=True)

    # ------------------------------------------------------------------ Bot API methods

    def _get_me(self, params: JSONDict) -> JSONDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _get_updates(self, params: JSONDict, block: bool = True) -> list[JSONDict]:
        if self._webhook.get("url"):
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = float(params.get("timeout") or 0) if block else 0.0
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(kind) for kind in allowed]
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        deadline = time.monotonic() + timeout
        generation = self._wake_generation
        while True:
            kinds = set(self._allowed_updates) or DEFAULT_UPDATE_TYPES
            self._updates = [u for u in self._updates if kinds & (u.keys() - {"update_id"})]
            if self._updates:
                return self._updates[:limit]
            remaining = deadline - time.monotonic()
            if remaining <= 0 or generation != self._wake_generation:
                return []
            self._cond.wait(remaining)

    def _set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not isinstance(command, dict) or not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command"))):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description") or "")) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        key = (self._scope_key(params.get("scope")), self._language(params))
        self._commands[key] = [{"command": c["command"], "description": c["description"]} for c in commands]
        return True

    def _get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        return self._commands.get((self._scope_key(params.get("scope")), self._language(params)), [])

    def _set_description(self, params: JSONDict, kind: str, limit: int) -> bool:
        text = str(params.get(kind) or "")
        if len(text) > limit:
            raise _bad(f"{kind.upper()}_TOO_LONG")
        self._descriptions[(kind, self._language(params))] = text
        return True

    def description(self, kind: str = "description", language_code: str = "") -> str:
        """The bot's description (or short_description) for a language, "" when none is set."""
        with self._lock:
            return self._descriptions.get((kind, language_code), "")

    def _delete_my_commands(self, params: JSONDict) -> bool:
        self._commands.pop((self._scope_key(params.get("scope")), self._language(params)), None)
        return True

    @staticmethod
    def _language(params: JSONDict) -> str:
        language = str(params.get("language_code") or "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise _bad("LANG_CODE_INVALID")  # Telegram wants ISO 639-1 here: "zh", not "zh-hans"
        return language

    def _set_webhook(self, params: JSONDict) -> bool:
        url = str(params.get("url") or "")
        if url and not url.startswith("https://"):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self._webhook = {k: v for k, v in params.items() if k != "certificate"} if url else {}
        return True

    def _delete_webhook(self, params: JSONDict) -> bool:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self._webhook = {}
        return True

    def _get_webhook_info(self, params: JSONDict) -> JSONDict:
        info: JSONDict = {
            "url": self._webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        for key in ("max_connections", "allowed_updates", "ip_address"):
            if key in self._webhook:
                info[key] = self._webhook[key]
        return info

    def _send_message(self, params: JSONDict) -> JSONDict:
        chat = self._target_chat(params)
        text, entities = self._render(
            params.get("text"), params.get("parse_mode"), params.get("entities"), MAX_TEXT_LENGTH, caption=False
        )
        markup = self._parse_markup(params.get("reply_markup"))
        message = self._base_message(chat, params)
        message["text"] = text
        if entities:
            message["entities"] = entities
        inline = self._apply_reply_keyboard(chat, markup)
        if inline:
            message["reply_markup"] = inline
        return self._store_bot_message(
            chat, message, parse_mode=params.get("parse_mode"), raw_text=str(params.get("text"))
        )

    def _send_media(self, params: JSONDict, kind: str) -> JSONDict:
        chat = self._target_chat(params)
        file = params.get(kind)
        if file is None or file == "":
            raise _bad(f"there is no {kind} in the request")
        caption, entities = self._render(
            params.get("caption"),
            params.get("parse_mode"),
            params.get("caption_entities"),
            MAX_CAPTION_LENGTH,
            caption=True,
        )
        markup = self._parse_markup(params.get("reply_markup"))
        message = self._base_message(chat, params)
        number = next(self._ids)
        name = upload_file_name(file)
        size = file.get("size") if isinstance(file, dict) else None
        ids = {"file_id": f"FAKE-{kind}-{number}", "file_unique_id": f"fake{number}"}
        if kind == "document":
            message["document"] = {**ids, "file_name": name or "file", "mime_type": "application/octet-stream"}
            if size is not None:
                message["document"]["file_size"] = size
        else:
            message["photo"] = [
                {**ids, "width": 90, "height": 90},
                {**ids, "file_id": f"{ids['file_id']}-l", "width": 800, "height": 800},
            ]
        if caption:
            message["caption"] = caption
        if entities:
            message["caption_entities"] = entities
        inline = self._apply_reply_keyboard(chat, markup)
        if inline:
            message["reply_markup"] = inline
        raw = params.get("caption")
        return self._store_bot_message(
            chat,
            message,
            parse_mode=params.get("parse_mode"),
            raw_text=None if raw is None else str(raw),
            file_name=name,
        )

    def _edit(
        self, chat: _Chat, stored: _Stored, changes: JSONDict, params: JSONDict, raw_text: str | None
    ) -> JSONDict:
        markup = self._parse_markup(params.get("reply_markup"))
        new = {k: v for k, v in stored.api.items() if k not in ("reply_markup", "edit_date")}
        for key, value in changes.items():
            if value:
                new[key] = value
            else:
                new.pop(key, None)
        if markup is not None and "inline_keyboard" in markup:
            new["reply_markup"] = markup  # no reply_markup in an edit removes the inline keyboard
        old = {k: v for k, v in stored.api.items() if k != "edit_date"}
        if new == old:
            raise ApiError(400, NOT_MODIFIED)
        new["edit_date"] = int(time.time())
        self._seq += 1
        stored.api, stored.seq = new, self._seq
        stored.edit_count += 1
        if raw_text is not None:
            stored.raw_text, stored.parse_mode = raw_text, params.get("parse_mode")
        self._notify(CoreEvent("edit", chat.info["id"], stored.view()))
        return new

    def _editable(self, params: JSONDict) -> tuple[_Chat, _Stored]:
        chat, stored = self._find(params, "message to edit not found")
        if not stored.from_bot:
            raise _bad("message can't be edited")
        return chat, stored

    def _edit_message_text(self, params: JSONDict) -> JSONDict:
        chat, stored = self._editable(params)
        if "text" not in stored.api:
            raise _bad("there is no text in the message to edit")
        text, entities = self._render(
            params.get("text"), params.get("parse_mode"), params.get("entities"), MAX_TEXT_LENGTH, caption=False
        )
        return self._edit(chat, stored, {"text": text, "entities": entities}, params, str(params.get("text")))

    def _edit_message_caption(self, params: JSONDict) -> JSONDict:
        chat, stored = self._editable(params)
        if "text" in stored.api:
            raise _bad("there is no caption in the message to edit")
        caption, entities = self._render(
            params.get("caption"),
            params.get("parse_mode"),
            params.get("caption_entities"),
            MAX_CAPTION_LENGTH,
            caption=True,
        )
        raw = params.get("caption")
        return self._edit(
            chat, stored, {"caption": caption, "caption_entities": entities}, params, "" if raw is None else str(raw)
        )

    def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict:
        chat, stored = self._editable(params)
        return self._edit(chat, stored, {}, params, None)

    def _delete_message(self, params: JSONDict) -> bool:
        chat, stored = self._find(params, "message to delete not found")
        stored.deleted = True
        self._seq += 1
        self._notify(CoreEvent("delete", chat.info["id"], stored.view()))
        return True

    def _delete_messages(self, params: JSONDict) -> bool:
        ids = params.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise _bad("message_ids must be a non-empty list of at most 100 message identifiers")
        deleted = 0
        for message_id in ids:
            try:
                self._delete_message({**params, "message_id": message_id})
                deleted += 1
            except ApiError:
                continue
        if not deleted:
            raise _bad("message to delete not found")
        return True

    def _answer_callback_query(self, params: JSONDict) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._callbacks or self._callbacks[query_id] is not None:
            raise _bad(QUERY_INVALID.removeprefix("Bad Request: "))
        if len(str(params.get("text") or "")) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad("MESSAGE_TOO_LONG")
        self._callbacks[query_id] = _copied(params)
        self._notify(CoreEvent("callback_answer", data=_copied(params)))
        return True

    def _answer_inline_query(self, params: JSONDict) -> bool:
        """Results checked as Telegram checks them: at most 50, ids unique and short, texts and captions parsed."""
        if not str(params.get("inline_query_id") or ""):
            raise _bad("QUERY_ID_INVALID")
        results = params.get("results")
        if not isinstance(results, list) or len(results) > MAX_INLINE_RESULTS:
            raise _bad("RESULTS_TOO_MUCH" if isinstance(results, list) else "can't parse inline query results")
        ids: set[str] = set()
        for result in results:
            if not isinstance(result, dict) or not isinstance(result.get("id"), str):
                raise _bad("can't parse inline query result")
            result_id = result["id"]
            if not 1 <= len(result_id.encode("utf-8")) <= MAX_INLINE_RESULT_ID_BYTES:
                raise _bad("RESULT_ID_INVALID")
            if result_id in ids:
                raise _bad("RESULT_ID_DUPLICATE")
            ids.add(result_id)
            if result.get("type") == "article" and not str(result.get("title") or "").strip():
                raise _bad("RESULT_TITLE_EMPTY")
            content = result.get("input_message_content")
            if isinstance(content, dict):
                self._render(content.get("message_text"), content.get("parse_mode"), content.get("entities"),
                             MAX_TEXT_LENGTH, caption=False)
            if "caption" in result:
                self._render(result.get("caption"), result.get("parse_mode"), result.get("caption_entities"),
                             MAX_CAPTION_LENGTH, caption=True)
            self._parse_markup(result.get("reply_markup"))
        return True

    def _send_chat_action(self, params: JSONDict) -> bool:
        chat = self._target_chat(params)
        action = params.get("action")
        if action not in CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        chat.actions.append(action)
        return True

    def _close(self, params: JSONDict) -> bool:
        self.closed = True
        return True

    def _log_out(self, params: JSONDict) -> bool:
        self.logged_out = True
        return True
