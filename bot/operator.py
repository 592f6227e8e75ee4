"""`sme-advisor doctor` and `sme-advisor backup`: the operator's commands for the SQLite file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from bot.offline import EXIT_BAD_INPUT
from bot.storage.maintenance import OntoItself, backup, backup_path, doctor
from bot.storage.schema import migrations
from bot.views.i18n import t
from bot.views.safe_text import printable


def run_doctor(path: Path, locale: str, out: TextIO | None = None) -> int:
    """Print what is wrong with the database at `path`, one line per check; 0 when nothing is, else 1."""
    out = out or sys.stdout
    print(t(locale, "doctor.header", path=printable(path)), file=out)
    findings = doctor(path, migrations)
    for finding in findings:
        values = {k: f"{v:,}" if isinstance(v, int) else printable(v) for k, v in finding.values.items()}  # 78,460 MB
        print(("  ✓ " if finding.ok else "  ✗ ") + t(locale, finding.key, **values), file=out)
    healthy = all(f.ok for f in findings)
    print(t(locale, "doctor.verdict_ok" if healthy else "doctor.verdict_bad"), file=out)
    return 0 if healthy else 1


def run_backup(source: Path, destination: Path, locale: str, out: TextIO | None = None) -> int:
    """Copy the live database consistently (SQLite's online backup) and say where it went."""
    out = out or sys.stdout
    try:
        size = backup(source, destination)
    except OntoItself:
        print(t(locale, "backup.onto_itself", path=printable(source)), file=sys.stderr)
        return EXIT_BAD_INPUT
    print(t(locale, "backup.done", source=printable(source), destination=printable(backup_path(source, destination)),
            size=f"{size:,}"), file=out)
    return 0
