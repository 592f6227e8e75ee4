"""README stays true: every Telegram command, environment variable and CLI command it must document."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import _parser
from bot.telegram.handlers.start import COMMANDS

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
ENVIRONMENT = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL", "SME_ADVISOR_DB", "SME_ADVISOR_LOCALE", "SME_ADVISOR_TZ",
               "WEBHOOK_URL", "WEBHOOK_SECRET", "PORT", "LOG_LEVEL")
CLI = ("sme-advisor run", "sme-advisor console", "sme-advisor assess", "sme-advisor kb check",
       "sme-advisor kb questions", "sme-advisor doctor", "sme-advisor backup")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_registered_command_is_in_the_readme(command: str) -> None:
    assert f"`/{command}`" in README


@pytest.mark.parametrize("variable", ENVIRONMENT)
def test_every_environment_variable_is_in_the_readme(variable: str) -> None:
    assert f"`{variable}`" in README


@pytest.mark.parametrize("command", CLI)
def test_every_cli_command_is_in_the_readme(command: str) -> None:
    assert command in README


def test_every_subcommand_of_the_parser_is_listed_here() -> None:
    parser = _parser("en")
    subcommands = next(a for a in parser._actions if a.dest == "command").choices
    assert {c.split()[1] for c in CLI} == set(subcommands)


def test_quick_start_is_two_commands() -> None:
    quick_start = README.split("## Quick start")[1].split("```sh")[1].split("```")[0]
    assert [line.split("#")[0].strip() for line in quick_start.strip().splitlines()] == ["make start", "make test"]
