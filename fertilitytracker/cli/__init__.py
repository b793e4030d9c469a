"""The command line (docs/cli.md is its contract): argparse over the services, no Qt."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from fertilitytracker import __version__
from fertilitytracker.core.errors import InputError
from fertilitytracker.paths import journal_path
from fertilitytracker.storage.database import JournalError
from fertilitytracker.storage.journal import Journal

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_REFUSED = 2


class _Refused(Exception):
    """Argument parsing refused the command line."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line and exit 2, as docs/cli.md promises."""

    def error(self, message: str) -> NoReturn:
        raise _Refused(f"{self.prog}: {message}")


def _add_version(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", action="version", version=f"fertilitytracker {__version__}")


def add_command(subparsers: Any, name: str, help_text: str) -> argparse.ArgumentParser:
    """Add the subcommand `name` (with its own --help and --version) to `subparsers`."""
    parser = subparsers.add_parser(name, help=help_text, description=help_text)
    _add_version(parser)
    return parser


def _registrars() -> list[Callable[[Any], None]]:
    """Each command module's `register(commands)`, in the order `--help` lists them."""
    from fertilitytracker.cli import (
        exchange_commands,
        journal_commands,
        maintenance_commands,
        reminder_commands,
        report_commands,
    )

    return [
        journal_commands.register,
        reminder_commands.register,
        maintenance_commands.register,
        exchange_commands.register,
        report_commands.register,
    ]


def build_parser() -> argparse.ArgumentParser:
    """The whole command tree."""
    parser = _Parser(
        prog="fertilitytracker",
        description="Journal of hormone therapy for male infertility. No command opens the app.",
    )
    _add_version(parser)
    parser.add_argument("--db", metavar="PATH", help="the journal file to use")
    parser.add_argument(
        "--minimized",
        action="store_true",
        help="open the app hidden in the tray (used by start at login)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    for register in _registrars():
        register(commands)
    return parser


def print_json(document: object) -> None:
    """Print exactly one JSON document on stdout (numbers stay numbers)."""
    json.dump(document, sys.stdout, ensure_ascii=False, indent=2, allow_nan=False)
    sys.stdout.write("\n")


def _fail(code: int, message: str) -> int:
    print(message, file=sys.stderr)
    return code


def run(argv: Sequence[str], open_app: Callable[..., int] | None = None) -> int:
    """Parse `argv` and run the command; returns the exit code (docs/cli.md).

    Without a command the desktop app opens through `open_app(journal_path)`, handed in by the
    entry point so that the command line itself never imports Qt. Most commands get the open
    journal; a few (restore, encrypt, decrypt) get its path, since they must work on a journal
    that will not open.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv))
    except _Refused as refusal:
        return _fail(EXIT_REFUSED, str(refusal))
    handler: Callable[[argparse.Namespace, Journal], int] | None = getattr(args, "handler", None)
    path_handler: Callable[[argparse.Namespace, Path], int] | None = getattr(
        args, "journal_free_handler", None
    )
    path = journal_path(args.db)
    if path_handler is not None:
        return _guarded(lambda: path_handler(args, path))
    if handler is None:
        if open_app is None:
            return _fail(EXIT_REFUSED, "fertilitytracker: no command given (see --help)")
        return open_app(path, minimized=args.minimized)
    try:
        journal = Journal.open(path)
    except JournalError as error:
        return _fail(EXIT_FAILED, f"fertilitytracker: {error}")
    try:
        return _guarded(lambda: handler(args, journal))
    finally:
        journal.close()


def _guarded(command: Callable[[], int]) -> int:
    """Run one command, turning every error into one line on stderr and its exit code."""
    try:
        return command()
    except InputError as error:
        return _fail(EXIT_REFUSED, f"fertilitytracker: {error.where}: {error.reason}")
    except JournalError as error:
        return _fail(EXIT_FAILED, f"fertilitytracker: {error}")
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: not an error worth a message.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps Python's exit flush quiet
        return EXIT_OK
    except Exception as error:  # the last guard: a user never sees a traceback
        if os.environ.get("FERTILITYTRACKER_DEBUG"):
            raise
        return _fail(
            EXIT_FAILED,
            f"fertilitytracker: unexpected error ({type(error).__name__}: {error});"
            " set FERTILITYTRACKER_DEBUG=1 for details",
        )
