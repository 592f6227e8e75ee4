"""Reports kept as rows: each finished check's verdict as JSON, with the version of the knowledge base behind it.

History, the report at a glance and the export read these rows; an old check is never scored again with a
knowledge base that has changed since. The JSON keeps ids, scores, bands and the owner's numbers, not
wording: titles and explanations come from the knowledge base when the report is shown.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from knowledge.loader import DATA_DIR
from knowledge.scoring import Report

REPORT_FORMAT = 1  # the version of the stored report JSON


def precise_now() -> str:
    """UTC to the microsecond: an action closed a moment after a check sorts after it."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


@functools.cache
def knowledge_version(data_dir: Path = DATA_DIR) -> str:
    """A content hash of the knowledge base's YAML files: changes whenever any of them does."""
    digest = hashlib.sha256()
    for path in sorted(data_dir.rglob("*.yaml")):
        digest.update(path.relative_to(data_dir).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _focus(report: Report) -> list[dict[str, Any]]:
    focus = getattr(report, "focus", ())
    if focus:
        return [{"id": a.id, "dimension": a.dimension, "reason": a.reason, "trap": getattr(a, "trap", None)}
                for a in focus]
    return [{"id": a, "dimension": None, "reason": None, "trap": None} for a in report.focus_actions]


def _coverage(report: Report) -> dict[str, Any] | None:
    coverage = getattr(report, "coverage", None)
    if coverage is None:
        return None
    return {"answered": coverage.answered, "asked": coverage.asked, "partial": coverage.partial,
            "dimensions": {d.id: {"answered": d.answered, "asked": d.asked} for d in coverage.dimensions}}


def report_record(report: Report) -> dict[str, Any]:
    """The verdict as plain JSON-able data: what /history, /report and /export show later."""
    return {
        "format": REPORT_FORMAT,
        "overall": report.overall,
        "band": report.band,
        "dimensions": [
            {"id": d.id, "score": d.score, "band": d.band, "traps": list(d.traps), "actions": list(d.actions),
             "findings": [f.rule.id for f in d.findings]}
            for d in report.dimensions
        ],
        "fatal": list(report.fatal),
        "strengths": list(report.strengths),
        "focus_actions": _focus(report),
        "metrics": dict(report.metrics),
        "contradictions": [{"dimension": c.dimension, "question": c.question, "option": c.option, "rule": c.rule,
                            "direction": c.direction,
                            "evidence": [{"kind": e.kind, "id": e.id, "value": e.value} for e in c.evidence]}
                           for c in report.contradictions],
        "coverage": _coverage(report),
        "answered": report.answered,
        "notes": [{"question": q, "text": text} for q, text in report.notes],
    }


@dataclass(frozen=True, slots=True)
class KeptReport:
    """One finished check as stored: when, which mode, and its report."""

    assessment_id: int
    finished: str
    mode: str
    focus: str | None
    kb_version: str
    report: dict[str, Any]

    @property
    def overall(self) -> int | None:
        return self.report["overall"]


_COLUMNS = "r.assessment_id, r.finished, a.mode, a.focus, r.kb_version, r.report"
_FROM = "FROM reports r JOIN assessments a ON a.id = r.assessment_id WHERE r.user_id = ? AND r.answered > 0"


class ReportRecords:
    """Reads and writes of the reports table."""

    db: Database

    def _keep_report(self, assessment_id: int, report: Report, stamp: str) -> None:
        """Called inside the transaction that finishes the check (`stamp`, to the second, is its finish time)."""
        self.db.execute(
            "INSERT OR REPLACE INTO reports (assessment_id, user_id, finished, kb_version, answered, report)"
            " SELECT id, user_id, ?, ?, ?, ? FROM assessments WHERE id = ?",
            [precise_now(), knowledge_version(), report.answered, json.dumps(report_record(report), ensure_ascii=False),
             assessment_id],
        )

    def kept_reports(self, user_id: int) -> list[KeptReport]:
        """Every finished check with at least one answer, oldest first."""
        rows = self.db.execute(f"SELECT {_COLUMNS} {_FROM} ORDER BY r.finished, r.assessment_id",
                               [user_id]).fetchall()
        return [KeptReport(*row[:5], report=json.loads(row[5])) for row in rows]

    def latest_kept_report(self, user_id: int) -> KeptReport | None:
        """The most recent finished check with at least one answer; a check with nothing answered never is."""
        row = self.db.execute(f"SELECT {_COLUMNS} {_FROM} ORDER BY r.finished DESC, r.assessment_id DESC LIMIT 1",
                              [user_id]).fetchone()
        return KeptReport(*row[:5], report=json.loads(row[5])) if row else None

    def kept_report(self, user_id: int, assessment_id: int) -> KeptReport | None:
        """One of this user's kept reports, by its check; None for a check of somebody else."""
        row = self.db.execute(f"SELECT {_COLUMNS} {_FROM} AND r.assessment_id = ?",
                              [user_id, assessment_id]).fetchone()
        return KeptReport(*row[:5], report=json.loads(row[5])) if row else None
