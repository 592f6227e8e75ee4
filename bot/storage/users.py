"""Users: one row per channel identity, with their language and whether they still receive messages."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from bot.storage.schema import now


@dataclass(frozen=True, slots=True)
class User:
    id: int
    locale: str
    locale_chosen: bool
    active: bool
    reminders_suspended: bool = False  # as read with the user, at the start of the update


class UserRecords:
    """Reads and writes of the users table."""

    db: Database

    def user(self, channel: str, external_id: str, locale: str) -> User:
        """The user behind a channel identity, created on first contact with the given locale.

        Whether their reminders are suspended comes with it, in the same read (see `User.reminders_suspended`).
        """
        row = self.db.execute(
            "SELECT u.id, u.locale, u.locale_chosen, u.active, r.suspended FROM users u"
            " LEFT JOIN reminders r ON r.user_id = u.id WHERE u.channel = ? AND u.external_id = ?",
            [channel, external_id],
        ).fetchone()
        if row is None:
            with self.db.atomic():
                cursor = self.db.execute(
                    "INSERT INTO users (channel, external_id, locale, locale_chosen, active, created, updated)"
                    " VALUES (?, ?, ?, 0, 1, ?, ?)",
                    [channel, external_id, locale, now(), now()],
                )
            return User(cursor.lastrowid, locale, False, True)
        return User(row[0], row[1], bool(row[2]), bool(row[3]), bool(row[4]))

    def set_locale(self, user_id: int, locale: str) -> None:
        with self.db.atomic():
            self.db.execute("UPDATE users SET locale = ?, locale_chosen = 1, updated = ? WHERE id = ?",
                            [locale, now(), user_id])

    def follow_locale(self, user_id: int, locale: str) -> None:
        """The client's language, kept until the user picks one with /language (then locale_chosen is 1)."""
        with self.db.atomic():
            self.db.execute("UPDATE users SET locale = ?, updated = ? WHERE id = ? AND locale_chosen = 0",
                            [locale, now(), user_id])

    def set_active(self, user_id: int, active: bool) -> None:
        with self.db.atomic():
            self.db.execute("UPDATE users SET active = ?, updated = ? WHERE id = ?", [int(active), now(), user_id])
