"""The command line (docs/cli.md is its contract): argparse over the services, no Qt."""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

import fertilitytracker
from fertilitytracker.core.errors import InputError
from fertilitytracker.paths import journal_path
from fertilitytracker.storage.database import JournalError
from fertilitytracker.storage.encryption import ENV_PASSPHRASE, looks_encrypted
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


class _VersionAction(argparse.Action):
    """--version: prints the version and exits. The version is read from the package metadata
    only when asked for (importing importlib.metadata costs every other command ~30 ms)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS) -> None:
        super().__init__(
            option_strings, dest, nargs=0, default=argparse.SUPPRESS, help="show the version"
        )

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any) -> None:
        parser._print_message(f"fertilitytracker {fertilitytracker.__version__}\n", sys.stdout)
        parser.exit()


def _add_version(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", action=_VersionAction)


def add_command(subparsers: Any, name: str, help_text: str) -> argparse.ArgumentParser:
    """Add the subcommand `name` (with its own --help and --version) to `subparsers`."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name, help=help_text, description=help_text
    )
    _add_version(parser)
    return parser


# The command modules in the order `--help` lists them, with the commands each adds: a command
# line imports only its own command's module (tests/cli checks this table against the tree).
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "journal_commands": (
        "med",
        "dose",
        "lab",
        "semen",
        "dexa",
        "target",
        "symptom",
        "labs",
        "doses",
        "demo",
    ),
    "reminder_commands": ("reminders",),
    "maintenance_commands": ("backup", "restore", "check", "encrypt", "decrypt"),
    "exchange_commands": ("import", "read-lab", "export"),
    "report_commands": ("report", "profile"),
}
_VALUE_OPTIONS = ("--db", "--passphrase-file")


def _registrars(modules: Sequence[str] = tuple(COMMAND_MODULES)) -> list[Callable[[Any], None]]:
    """The `register(commands)` of each of `modules`."""
    return [
        importlib.import_module(f"fertilitytracker.cli.{module}").register for module in modules
    ]


def _module_of(argv: Sequence[str]) -> str | None:
    """The module of the command `argv` names; None when it names none, or asks for help
    before it (then the whole tree is built, as `--help` and argparse's errors list it)."""
    words = iter(argv)
    for word in words:
        if word.startswith("-h") or word.startswith("--h"):
            return None
        if word in _VALUE_OPTIONS:
            next(words, None)
        elif not word.startswith("-"):
            return next((m for m, names in COMMAND_MODULES.items() if word in names), None)
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole command tree; with `argv`, only the part that parses it (see `run`)."""
    parser = _Parser(
        prog="fertilitytracker",
        description="Journal of hormone therapy for male infertility. No command opens the app.",
    )
    _add_version(parser)
    parser.add_argument("--db", metavar="PATH", help="the journal file to use")
    parser.add_argument(
        "--passphrase-file",
        dest="db_passphrase_file",
        metavar="FILE",
        help="an encrypted journal's passphrase, from the first line of FILE (else"
        f" ${ENV_PASSPHRASE}, the least safe way; else it is asked for without echo)",
    )
    parser.add_argument(
        "--minimized",
        action="store_true",
        help="open the app hidden in the tray (used by start at login)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    module = None if argv is None else _module_of(argv)
    for register in _registrars(tuple(COMMAND_MODULES) if module is None else (module,)):
        register(commands)
    return parser


@contextlib.contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused for the block, then restored as it was.

    A command that reads years of a journal (`labs`, `report`) builds tens of thousands of
    small objects (views, cells, flowables) that live until it has printed or written: the
    collector walked them over and over and found next to nothing to free (some 30 ms of a
    ten-year report). Reference counting still frees them; the few cycles wait for the next
    collection.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def print_json(document: object) -> None:
    """Print exactly one JSON document on stdout (numbers stay numbers).

    Indented for a person at a terminal; on one line for a program reading a pipe, which
    Python's C encoder writes several times faster (it has no indenting).
    """
    indent = 2 if sys.stdout.isatty() else None
    text = json.dumps(document, ensure_ascii=False, indent=indent, allow_nan=False)
    sys.stdout.write(text + "\n")


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
    try:
        try:
            args = build_parser(argv).parse_args(list(argv))
        except _Refused:
            # Said with the whole tree, whatever part of it was built (an option's value may
            # have looked like a command's name).
            args = build_parser().parse_args(list(argv))
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
    # Opening is guarded like the command itself: whatever the path is (/dev/zero, a file
    # SQLite cannot use), the person gets one line, never a traceback.
    opened: list[Journal] = []

    def open_it() -> int:
        opened.append(open_journal(args, path))
        return EXIT_OK

    code = _guarded(open_it)
    if not opened:
        return code
    journal = opened[0]
    try:
        return _guarded(lambda: handler(args, journal))
    finally:
        journal.close()


def read_passphrase(
    passphrase_file: str | None, prompt: str, *, confirm: bool = False, field: str = "passphrase"
) -> str:
    """A passphrase from `passphrase_file`, else $FERTILITYTRACKER_PASSPHRASE, else typed.

    Typed only on a terminal, without echo (`confirm` asks twice). Refused (InputError) when
    none can be had, or when it is empty. Never taken from the command line itself, where
    other users could read it.
    """
    if passphrase_file:
        try:
            text = Path(passphrase_file).expanduser().read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise InputError("passphrase-file", reason) from None
        lines = text.splitlines()
        passphrase = lines[0] if lines else ""
    elif os.environ.get(ENV_PASSPHRASE):
        passphrase = os.environ[ENV_PASSPHRASE]
    elif sys.stdin.isatty():
        import getpass  # here: it loads termios, which every other command can do without

        passphrase = getpass.getpass(f"{prompt}: ")
        if confirm and getpass.getpass("The same passphrase again: ") != passphrase:
            raise InputError(field, "the two passphrases differ; nothing was changed")
    else:
        raise InputError(
            field,
            f"give it with --passphrase-file FILE or ${ENV_PASSPHRASE}"
            " (never on the command line, where others could read it)",
        )
    if not passphrase:
        raise InputError(field, "the passphrase is empty")
    return passphrase


def journal_passphrase(args: argparse.Namespace, path: Path) -> str | None:
    """The passphrase for the journal at `path` when it is encrypted (asked once), else None."""
    cached: str | None = getattr(args, "_journal_passphrase", None)
    chosen_file = getattr(args, "db_passphrase_file", None)
    given = chosen_file or os.environ.get(ENV_PASSPHRASE)
    # Asked for only when the journal is encrypted; a given one is read even for a damaged
    # journal, whose encrypted backups it opens.
    if cached is None and not given and not (sys.stdin.isatty() and looks_encrypted(path)):
        return None  # opening then says, in words, how to give it when it is needed
    if cached is None:
        cached = read_passphrase(
            getattr(args, "db_passphrase_file", None), f"Passphrase of the journal {path.name}"
        )
        args._journal_passphrase = cached
    return cached


def open_journal(args: argparse.Namespace, path: Path, *, create: bool = True) -> Journal:
    """Open the journal for a command, with its passphrase when it is encrypted; read-only for
    a command that only reads (its parser's default `read_only`)."""
    return Journal.open(
        path,
        create=create,
        passphrase=journal_passphrase(args, path),
        read_only=getattr(args, "read_only", False),
    )


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
