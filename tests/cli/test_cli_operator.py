"""The operator's side of the command line: doctor, backup, storage faults and bad settings as one line."""

from __future__ import annotations

import io
import re
import sqlite3
from pathlib import Path

import pytest

from bot.cli import EXIT_BAD_INPUT, main
from bot.operator import run_backup, run_doctor
from bot.settings import DEFAULT_PORT, Settings
from bot.storage.store import Store


def _store_with_owners(path: Path, count: int = 50) -> Store:
    store = Store(path)
    for n in range(count):
        store.user("console", f"owner-{n}", "en")
    return store


def test_doctor_on_a_sound_database(tmp_path: Path) -> None:
    path = tmp_path / "advisor.db"
    _store_with_owners(path).close()
    out = io.StringIO()
    assert run_doctor(path, "en", out) == 0
    text = out.getvalue()
    assert "Integrity check: ok." in text
    assert "Schema: up to date" in text
    assert "No problems found." in text
    assert re.search(r"Free space: \d{1,3}(,\d{3})* MB\.", text), text  # grouped as the backup's bytes are


def test_doctor_on_a_damaged_database(tmp_path: Path) -> None:
    path = tmp_path / "advisor.db"
    store = _store_with_owners(path, 300)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    with path.open("r+b") as file:
        file.truncate(path.stat().st_size // 2)
    out = io.StringIO()
    assert run_doctor(path, "zh", out) == 1
    assert "发现问题" in out.getvalue()


def test_backup_while_the_store_keeps_writing(tmp_path: Path) -> None:
    path, copy = tmp_path / "advisor.db", tmp_path / "backups" / "copy.db"
    store = _store_with_owners(path)
    out = io.StringIO()
    assert run_backup(path, copy, "en", out) == 0
    store.user("console", "after-the-backup", "en")
    store.close()
    with sqlite3.connect(copy) as conn:
        owners = conn.execute("SELECT count(*) FROM users").fetchone()[0]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert owners == 50
    assert f"to {copy}" in out.getvalue()
    assert not copy.with_name("copy.db.partial").exists()



def test_a_backup_into_a_folder_takes_the_databases_name(tmp_path: Path) -> None:
    path, folder = tmp_path / "advisor.db", tmp_path / "backups"
    folder.mkdir()
    _store_with_owners(path, 3).close()
    out = io.StringIO()
    assert run_backup(path, folder, "zh", out) == 0
    with sqlite3.connect(folder / "advisor.db") as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 3
    conn.close()
    assert f"备份到 {folder / 'advisor.db'}" in out.getvalue()


@pytest.mark.parametrize("onto", ["advisor.db", "./advisor.db", "advisor.db-wal", "."])
def test_a_backup_never_replaces_the_database_it_copies(tmp_path: Path, onto: str,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "advisor.db"
    store = _store_with_owners(path, 3)  # the bot still running on it
    before = path.stat().st_ino
    assert run_backup(path, tmp_path / onto, "en", io.StringIO()) == EXIT_BAD_INPUT
    said = f"A backup of {path} cannot replace the database itself; give another file or a folder.\n"
    assert capsys.readouterr().err == said
    assert path.stat().st_ino == before  # the same file, not a copy renamed over it
    store.user("console", "still-writing", "en")
    assert store.db.execute("SELECT count(*) FROM users").fetchone()[0] == 4
    store.close()


def test_a_storage_fault_is_one_line_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notes.db"
    path.write_text("not a database")
    monkeypatch.setenv("SME_ADVISOR_DB", str(path))
    monkeypatch.setenv("SME_ADVISOR_LOCALE", "en")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["console"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "is not an SQLite database, so it was left untouched" in err
    assert path.read_text() == "not a database"


def test_a_bad_port_stops_the_bot_but_not_the_console(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SME_ADVISOR_DB", str(tmp_path / "advisor.db"))
    monkeypatch.setenv("SME_ADVISOR_LOCALE", "en")
    monkeypatch.setenv("PORT", "abc")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:TEST")
    assert main(["run"]) == EXIT_BAD_INPUT
    said = capsys.readouterr().err.strip()
    assert said == "Configuration error: PORT must be a whole number from 1 to 65535, got abc"
    settings = Settings.from_env({"PORT": "abc"})
    assert [key for key, _ in settings.problems_for("run")] == ["port"]
    assert settings.problems_for("console") == []
    assert settings.port == DEFAULT_PORT


def test_an_unknown_time_zone_stops_every_command(monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SME_ADVISOR_TZ", "Mars/Olympus")
    monkeypatch.setenv("SME_ADVISOR_LOCALE", "zh")
    assert main(["kb", "check"]) == EXIT_BAD_INPUT
    assert "SME_ADVISOR_TZ 不是已知的时区：Mars/Olympus" in capsys.readouterr().err


def test_doctor_on_a_read_only_file_system_checks_the_file_and_says_it_cannot_be_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a read-only mount a WAL database opens only as immutable; the doctor still checks it."""
    from bot.storage import maintenance

    path = tmp_path / "advisor.db"
    _store_with_owners(path).close()
    opened: list[str] = []
    real_connect = sqlite3.connect
    monkeypatch.setattr(maintenance, "on_read_only_fs", lambda _path: True)
    monkeypatch.setattr(maintenance.sqlite3, "connect",
                        lambda database, **kwargs: opened.append(database) or real_connect(database, **kwargs))
    out = io.StringIO()
    assert run_doctor(path, "en", out) == 1
    text = out.getvalue()
    assert "Integrity check: ok." in text
    assert "mounted read-only" in text
    assert "Free space" not in text
    assert opened[0].endswith("?mode=ro&immutable=1")  # (then an in-memory database for the migrations)
