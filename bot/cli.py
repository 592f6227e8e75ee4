"""The `sme-advisor` command: the Telegram bot, the console, offline assessment and knowledge base checks."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bot.settings import Settings
from bot.storage.faults import StorageError
from bot.views.i18n import t
from bot.views.safe_text import printable

EXIT_BAD_INPUT = 2


def storage_message(error: StorageError, locale: str) -> str:
    """The one line an operator reads for a storage fault: the path, the cause and the fix."""
    return t(locale, f"storage.{error.fault.value}", path=printable(error.path), detail=printable(error.detail))


def _parser(default_locale: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sme-advisor", description="SME health check assistant (中小企业经营体检助手)"
    )
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="the Telegram bot (long polling, or a webhook when WEBHOOK_URL is set)")
    commands.add_parser("console", help="the same conversation in this terminal")
    assess = commands.add_parser("assess", help="score a filled answers file (JSON or YAML)")
    assess.add_argument("--answers", required=True, type=Path, metavar="FILE")
    assess.add_argument("--format", choices=("text", "json", "html"), default="text")
    assess.add_argument("--locale", choices=("zh", "en"), default=default_locale)
    kb = commands.add_parser("kb", help="the knowledge base")
    kb_commands = kb.add_subparsers(dest="kb_command", required=True)
    check = kb_commands.add_parser("check", help="validate the knowledge base")
    check.add_argument("--locale", choices=("zh", "en"), default=default_locale)
    questions = kb_commands.add_parser("questions", help="list the questions")
    questions.add_argument("--format", choices=("text", "json"), default="text")
    questions.add_argument("--locale", choices=("zh", "en"), default=default_locale)
    doctor = commands.add_parser("doctor", help="check the database: integrity, schema version, free space")
    doctor.add_argument("--db", type=Path, metavar="FILE", help="the database (default: SME_ADVISOR_DB)")
    backup = commands.add_parser("backup", help="copy the database consistently while the bot runs")
    backup.add_argument("destination", type=Path, metavar="PATH")
    backup.add_argument("--db", type=Path, metavar="FILE", help="the database (default: SME_ADVISOR_DB)")
    return parser


def main(argv: list[str] | None = None) -> int:
    settings = Settings.from_env()
    args = _parser(settings.locale).parse_args(argv)
    command = args.command or ("run" if settings.token else "console")
    problems = settings.problems_for(command)
    if problems:
        for key, values in problems:
            problem = t(settings.locale, f"config.{key}", **{k: printable(v) for k, v in values.items()})
            print(t(settings.locale, "config.invalid", problem=problem), file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        return _dispatch(command, args, settings)
    except StorageError as error:
        print(storage_message(error, settings.locale), file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # the reader went away (`assess --format json | head`): nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit's flush cannot fail again
        return 0


def _dispatch(command: str, args: argparse.Namespace, settings: Settings) -> int:
    if command == "kb":
        from bot.offline import kb_check, kb_questions

        return kb_check(args.locale) if args.kb_command == "check" else kb_questions(args.locale, args.format)
    if command == "assess":
        from bot.offline import assess_file

        return assess_file(args.answers, args.format, args.locale)
    if command in ("doctor", "backup"):
        from bot.operator import run_backup, run_doctor

        path = args.db or settings.db_path
        if command == "doctor":
            return run_doctor(path, settings.locale)
        return run_backup(path, args.destination, settings.locale)
    if command == "console":
        from bot.console.channel import run_console

        return run_console(settings)
    from bot.telegram.run import run_telegram

    return run_telegram(settings)


if __name__ == "__main__":
    sys.exit(main())
