"""Sharing: partner links (only each token's SHA-256 hash), the owner's share card, partners' blind assessments.

Times are epoch seconds passed in by the caller (the sharing service owns the clock), so expiry is testable.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from bot.storage.schema import now


@dataclass(frozen=True, slots=True)
class ShareLink:
    id: int
    user_id: int
    kind: str  # "view" (read-only summary) or "invite" (a partner answers the same questions)
    created: int
    expires: int
    revoked: int | None
    views: int


@dataclass(frozen=True, slots=True)
class PartnerAssessment:
    assessment_id: int
    partner_id: int
    owner_id: int
    finished: bool


_LINK = "id, user_id, kind, created, expires, revoked, views"
_PARTNER = ("pa.assessment_id, pa.user_id, pa.owner_id, a.status = 'finished'"
            " FROM partner_assessments pa JOIN assessments a ON a.id = pa.assessment_id")


class ShareRecords:
    """Reads and writes of share_links, share_cards and partner_assessments."""

    db: Database

    def add_share_link(self, user_id: int, kind: str, token_hash: str, created: int, expires: int) -> int:
        with self.db.atomic():
            return self.db.execute(
                "INSERT INTO share_links (user_id, kind, token_hash, created, expires) VALUES (?, ?, ?, ?, ?)",
                [user_id, kind, token_hash, created, expires]).lastrowid

    def share_link_by_hash(self, token_hash: str) -> ShareLink | None:
        """A hash lookup: the token itself is never stored nor compared."""
        row = self.db.execute(f"SELECT {_LINK} FROM share_links WHERE token_hash = ?",  # noqa: S608
                              [token_hash]).fetchone()
        return ShareLink(*row) if row else None

    def count_share_view(self, link_id: int, at: int) -> None:
        with self.db.atomic():
            self.db.execute("UPDATE share_links SET views = views + 1, last_viewed = ? WHERE id = ?", [at, link_id])

    def live_share_links(self, user_id: int, at: int) -> list[ShareLink]:
        """The owner's links that still open: not revoked, not expired; newest first."""
        rows = self.db.execute(f"SELECT {_LINK} FROM share_links WHERE user_id = ? AND revoked IS NULL"  # noqa: S608
                               " AND expires > ? ORDER BY id DESC", [user_id, at]).fetchall()
        return [ShareLink(*row) for row in rows]

    def revoke_share_links(self, user_id: int, at: int, link_id: int | None = None) -> int:
        """Revoke one of the owner's links (or all of them); another user's link is never touched."""
        where, params = ("AND id = ?", [link_id]) if link_id is not None else ("", [])
        with self.db.atomic():
            sql = f"UPDATE share_links SET revoked = ? WHERE user_id = ? AND revoked IS NULL {where}"  # noqa: S608
            return self.db.execute(sql, [at, user_id, *params]).rowcount

    def share_card(self, user_id: int) -> tuple[bool, str | None, str | None]:
        """(figures opted in, the card's key, the photo's Telegram file_id)."""
        row = self.db.execute("SELECT figures, card_key, file_id FROM share_cards WHERE user_id = ?",
                              [user_id]).fetchone()
        return (bool(row[0]), row[1], row[2]) if row else (False, None, None)

    def set_share_figures(self, user_id: int, figures: bool) -> None:
        with self.db.atomic():
            self.db.execute("INSERT INTO share_cards (user_id, figures) VALUES (?, ?)"
                            " ON CONFLICT(user_id) DO UPDATE SET figures = excluded.figures", [user_id, int(figures)])

    def keep_card_file(self, user_id: int, card_key: str, file_id: str) -> None:
        """The file_id Telegram returned for the card's photo: inline mode posts it again without uploading."""
        with self.db.atomic():
            self.db.execute("INSERT INTO share_cards (user_id, card_key, file_id) VALUES (?, ?, ?)"
                            " ON CONFLICT(user_id) DO UPDATE SET card_key = excluded.card_key,"
                            " file_id = excluded.file_id", [user_id, card_key, file_id])

    def owner_company(self, user_id: int) -> int | None:
        row = self.db.execute("SELECT id FROM companies WHERE owner_id = ? ORDER BY id LIMIT 1", [user_id]).fetchone()
        return row[0] if row else None

    def add_partner_assessment(self, assessment_id: int, partner_id: int, owner_id: int, company_id: int,
                               link_id: int) -> None:
        with self.db.atomic():
            self.db.execute("INSERT OR IGNORE INTO partner_assessments (assessment_id, user_id, owner_id,"
                            " company_id, link_id, started) VALUES (?, ?, ?, ?, ?, ?)",
                            [assessment_id, partner_id, owner_id, company_id, link_id, now()])

    def partner_assessments(self, owner_id: int) -> list[PartnerAssessment]:
        """Every partner assessment of the owner's company, oldest first."""
        rows = self.db.execute(f"SELECT {_PARTNER} WHERE pa.owner_id = ? ORDER BY pa.started, pa.assessment_id",
                               [owner_id]).fetchall()
        return [PartnerAssessment(r[0], r[1], r[2], bool(r[3])) for r in rows]

    def finished_unannounced(self, partner_id: int) -> list[PartnerAssessment]:
        rows = self.db.execute(f"SELECT {_PARTNER} WHERE pa.user_id = ? AND pa.announced = 0"
                               " AND a.status = 'finished'", [partner_id]).fetchall()
        return [PartnerAssessment(r[0], r[1], r[2], True) for r in rows]

    def finished_unannounced_of(self, external_id: str) -> list[PartnerAssessment]:
        """`finished_unannounced` of a Telegram identity, in one read (it runs after every update); none for a
        user that is not stored, so a forgotten one is never re-created."""
        rows = self.db.execute(f"SELECT {_PARTNER} WHERE pa.user_id = (SELECT id FROM users WHERE"  # noqa: S608
                               " channel = 'telegram' AND external_id = ?) AND pa.announced = 0"
                               " AND a.status = 'finished'", [external_id]).fetchall()
        return [PartnerAssessment(r[0], r[1], r[2], True) for r in rows]

    def unannounced_comparisons(self) -> list[PartnerAssessment]:
        """Every finished partner assessment whose comparison was not (fully) sent yet, oldest first."""
        rows = self.db.execute(f"SELECT {_PARTNER} WHERE pa.announced = 0 AND a.status = 'finished'"
                               " ORDER BY pa.assessment_id").fetchall()
        return [PartnerAssessment(r[0], r[1], r[2], True) for r in rows]

    def claim_announcement(self, assessment_id: int) -> bool:
        """Compare-and-swap, once both sides were sent the comparison: True for the one caller that marks it."""
        with self.db.atomic():
            return self.db.execute("UPDATE partner_assessments SET announced = 1"
                                   " WHERE assessment_id = ? AND announced = 0", [assessment_id]).rowcount == 1

    def telegram_user_id(self, external_id: str) -> int | None:
        """The stored Telegram user, without creating one (after /forget there is none)."""
        row = self.db.execute("SELECT id FROM users WHERE channel = 'telegram' AND external_id = ?",
                              [external_id]).fetchone()
        return row[0] if row else None

    def telegram_chat_of(self, user_id: int) -> tuple[int, str] | None:
        """(the private chat with a Telegram user, whose id is the user's; their language)."""
        row = self.db.execute("SELECT external_id, locale FROM users WHERE id = ? AND channel = 'telegram'"
                              " AND active = 1", [user_id]).fetchone()
        return (int(row[0]), row[1]) if row else None
