"""Partner links: unguessable tokens (only their SHA-256 hash is stored), read-only, expiring, revocable, counted.

A payload is ``v_<token>`` (a read-only summary) or ``p_<token>`` (an invitation to answer the same questions),
the token 32 characters of ``secrets.token_urlsafe`` (192 bits), so the payload is 34 of Telegram's 64 allowed
characters of ``A-Za-z0-9_-``. An unknown, expired, revoked or malformed payload is refused the same way; a
user who sends 5 bad payloads within 10 minutes is ignored for 10 minutes without any lookup. Tokens are never
logged nor kept, except the newest view link of an owner for an hour in memory, so inline mode can reuse it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.services.ports import SharedLink, ShareStore

TOKEN_BYTES = 24  # 192 bits from secrets.token_urlsafe: 32 characters
TOKEN_LENGTH = 32
KINDS = {"v": "view", "p": "invite"}
PREFIX = {kind: f"{letter}_" for letter, kind in KINDS.items()}
MAX_PAYLOAD = 64  # Telegram's limit for a /start payload
CHARACTERS = re.compile(r"[A-Za-z0-9_-]*")
PAYLOAD = re.compile(rf"^[vp]_[A-Za-z0-9_-]{{{TOKEN_LENGTH}}}$")
LINK_DAYS = 30
BAD_LIMIT = 5  # bad payloads ...
BAD_WINDOW = 600  # ... within 10 minutes ...
BAD_PAUSE = 600  # ... and every payload of that user is refused for 10 minutes, unlooked-up
INLINE_REUSE = 3600  # inline mode reuses an owner's newest view link for an hour


def token_hash(payload: str) -> str:
    return hashlib.sha256(payload.encode()).hexdigest()


def is_share_payload(payload: str) -> bool:
    """Meant as a partner link: our prefix, or anything no built-in payload can be (too long, other characters)."""
    return payload[:2] in PREFIX.values() or len(payload) > MAX_PAYLOAD or not CHARACTERS.fullmatch(payload)


@dataclass
class _Throttle:
    bad: deque[float] = field(default_factory=deque)
    until: float = 0.0


class Sharing:
    """Creating, opening, listing and revoking partner links for one store; `clock` gives epoch seconds."""

    def __init__(self, store: ShareStore, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.clock = clock
        self._throttles: dict[str, _Throttle] = {}
        self._recent: dict[int, tuple[str, float]] = {}

    def now(self) -> int:
        return int(self.clock())

    def create(self, user_id: int, kind: str, days: int = LINK_DAYS) -> str:
        """A new link's payload: shown once to the owner; only its hash is stored."""
        payload = PREFIX[kind] + secrets.token_urlsafe(TOKEN_BYTES)
        at = self.now()
        self.store.add_share_link(user_id, kind, token_hash(payload), at, at + days * 86400)
        if kind == "view":
            self._recent[user_id] = (payload, self.clock())
        return payload

    def inline_payload(self, user_id: int) -> str:
        """The owner's newest view link made in the last hour and still live, else a new one."""
        recent = self._recent.get(user_id)
        if recent is not None and self.clock() - recent[1] < INLINE_REUSE:
            link = self.store.share_link_by_hash(token_hash(recent[0]))
            if link is not None and self._live(link):
                return recent[0]
        return self.create(user_id, "view")

    def open(self, who: str, payload: str) -> SharedLink | None:
        """The live link behind a payload, its view counted; None for anything else, the same way every time."""
        throttle = self._throttles.setdefault(who, _Throttle())
        at = self.clock()
        if at < throttle.until:
            return None  # no lookup while paused
        link = None
        if len(payload) <= MAX_PAYLOAD and PAYLOAD.fullmatch(payload):
            link = self.store.share_link_by_hash(token_hash(payload))
        if link is None or not self._live(link) or link.kind != KINDS[payload[0]]:
            self._note_bad(throttle, at)
            return None
        self.store.count_share_view(link.id, self.now())
        return link

    def _note_bad(self, throttle: _Throttle, at: float) -> None:
        throttle.bad.append(at)
        while throttle.bad and at - throttle.bad[0] > BAD_WINDOW:
            throttle.bad.popleft()
        if len(throttle.bad) >= BAD_LIMIT:
            throttle.until = at + BAD_PAUSE
            throttle.bad.clear()

    def _live(self, link: SharedLink) -> bool:
        return link.revoked is None and link.expires > self.now()

    def links(self, user_id: int) -> Sequence[SharedLink]:
        return self.store.live_share_links(user_id, self.now())

    def revoke(self, user_id: int, link_id: int | None = None) -> int:
        """Only the owner's own links: another user's link id changes nothing."""
        if link_id is None:
            self._recent.pop(user_id, None)
        return self.store.revoke_share_links(user_id, self.now(), link_id)

    def forget(self, user_id: int) -> None:
        """After /forget: no link of theirs is kept in memory either."""
        self._recent.pop(user_id, None)
