"""Commands that look after the journal file itself: `backup`, `restore`, `check` (docs/cli.md)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fertilitytracker.cli import (
    EXIT_FAILED,
    EXIT_OK,
    add_command,
    journal_passphrase,
    open_journal,
    print_json,
    read_passphrase,
)
from fertilitytracker.core.errors import InputError
from fertilitytracker.storage.backup import (
    ConversionOutcome,
    backup_now,
    backup_to,
    convert_journal,
    list_backups,
    newest_good_backup,
    plaintext_copies,
    restore_journal,
    verify_journal_file,
)
from fertilitytracker.storage.database import (
    DamagedJournalError,
    JournalError,
    SchemaMismatchError,
)
from fertilitytracker.storage.encryption import (
    ENV_PASSPHRASE,
    LOST_PASSPHRASE_WARNING,
    encryption_available,
    is_encrypted_connection,
    looks_encrypted,
)
from fertilitytracker.storage.journal import Journal
from fertilitytracker.storage.migrations import known_migration_names


def register(commands: Any) -> None:
    """Add the backup, restore and check commands to the command tree."""
    backup = add_command(
        commands, "backup", "a verified copy of the journal (default: into its backups folder)"
    )
    backup.add_argument("out", nargs="?", metavar="OUT", help="file or folder to write the copy to")
    backup.set_defaults(handler=_backup)

    restore = add_command(
        commands,
        "restore",
        "replace the journal by a backup (the journal as it was is backed up first)",
    )
    restore.add_argument("file", metavar="FILE", help="the backup to restore")
    # `journal_free_handler` lets the dispatcher restore over a journal that will not open
    # (it is then moved aside, never overwritten); `handler` serves the usual path.
    restore.set_defaults(handler=_restore, journal_free_handler=restore_at_path)

    check = add_command(
        commands, "check", "integrity, foreign keys, schema version and record counts, in words"
    )
    check.add_argument("--json", action="store_true")
    # `journal_free_handler`: a journal that will not open (damaged, a foreign schema) is
    # still reported in check's own words and JSON.
    check.set_defaults(handler=_check, journal_free_handler=_check_at_path)

    for name, help_text, handler in (
        ("encrypt", "encrypt the journal and its backups with a passphrase", _encrypt),
        ("decrypt", "store the journal and its backups unencrypted again", _decrypt),
    ):
        command = add_command(commands, name, help_text)
        command.add_argument(
            "--passphrase-file",
            metavar="FILE",
            help="read the passphrase from the first line of FILE (else"
            f" ${ENV_PASSPHRASE}, else it is asked for without echo)",
        )
        command.set_defaults(
            handler=lambda args, journal, run_it=handler: _closing(journal, args, run_it),
            journal_free_handler=handler,
        )


def _now() -> Any:
    from fertilitytracker.core import clock

    return clock.now()


def _backup(args: argparse.Namespace, journal: Journal) -> int:
    if args.out:
        try:
            # The text as typed: a trailing slash says "a folder", which Path would drop.
            target = backup_to(journal.db.conn, journal.path, args.out, _now())
        except JournalError as error:
            raise InputError("out", str(error)) from None
    else:
        target = backup_now(journal.db.conn, journal.path, _now())
    print(f"Backup written to {target} and verified (integrity check passed).")
    return EXIT_OK


def _restore(args: argparse.Namespace, journal: Journal) -> int:
    return restore_at_path(args, journal.path)


def restore_at_path(args: argparse.Namespace, journal_path: Path) -> int:
    """`restore FILE` for the journal at `journal_path`, whether or not it opens."""
    source = Path(args.file).expanduser()
    passphrase = journal_passphrase(args, journal_path) if journal_path.exists() else None
    if passphrase is None and source.is_file() and looks_encrypted(source):
        passphrase = journal_passphrase(args, source)
    try:
        verify_journal_file(source, passphrase)
    except JournalError as error:
        raise InputError("file", f"{error}; nothing was changed") from None
    outcome = restore_journal(journal_path, source, _now(), passphrase)
    print(f"{journal_path} restored from {source}.")
    if outcome.safety_backup is not None:
        print(f"The journal as it was before is saved in {outcome.safety_backup}.")
    if outcome.damaged_moved_to is not None:
        print(f"The damaged journal was moved, unchanged, to {outcome.damaged_moved_to}.")
    return EXIT_OK


def _print_found(problems: list[str], heading: str, healthy: str) -> None:
    """The `heading` and one indented line a problem, or the `healthy` line when none."""
    if not problems:
        print(healthy)
        return
    print(heading)
    for problem in problems:
        print(f"  {problem}")


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _check_at_path(args: argparse.Namespace, path: Path) -> int:
    try:
        journal = open_journal(args, path)
    except DamagedJournalError as error:
        return _report_unopenable(args, path, error)
    try:
        return _check(args, journal)
    finally:
        journal.close()


def _report_unopenable(args: argparse.Namespace, path: Path, error: DamagedJournalError) -> int:
    schema = list(error.differences) if isinstance(error, SchemaMismatchError) else []
    if args.json:
        print_json(
            {
                "journal": str(path),
                "healthy": False,
                "opened": False,
                "problem": error.problem,
                "schema_problems": schema,
                "newest_good_backup": str(error.newest_backup) if error.newest_backup else None,
            }
        )
        return EXIT_FAILED
    print(f"Journal: {path}")
    if schema:
        print("Schema: not the one this version creates; the journal was not opened:")
        for problem in schema:
            print(f"  {problem}")
    else:
        print(f"Integrity: the journal {error.problem}; it was not opened.")
    if error.newest_backup is not None:
        print(f"Backups: the newest good one is {error.newest_backup}.")
    else:
        print("Backups: none that passes its check.")
    print(
        "The journal has problems. It was not changed. Restore a good backup with"
        " 'fertilitytracker restore FILE' (the journal as it is will be kept)."
    )
    return EXIT_FAILED


def _check(args: argparse.Namespace, journal: Journal) -> int:
    problems = journal.check()
    integrity = [p for p in problems if " points to a missing " not in p]
    foreign = [p for p in problems if " points to a missing " in p]
    applied = journal.schema()
    unknown_to_us = sorted(known_migration_names() - set(applied))
    history = journal.history()
    counts = {
        "regimens": len(history.regimens),
        "doses": len(history.doses),
        "draws": len(history.draws),
        "lab_results": sum(len(draw.results) for draw in history.draws),
        "semen_analyses": len(history.semen),
        "dexa_scans": len(history.dexa),
        "symptoms": len(history.symptoms),
        "target_ranges": len(history.targets),
    }
    backups = list_backups(journal.path)
    passphrase = journal_passphrase(args, journal.path)
    newest = newest_good_backup(journal.path, passphrase)
    readable = (
        [str(path) for path in plaintext_copies(journal.path)]
        if is_encrypted_connection(journal.db.conn)
        else []
    )
    if args.json:
        print_json(
            {
                "journal": str(journal.path),
                "healthy": not problems,
                "integrity": integrity,
                "foreign_keys": foreign,
                "schema": applied,
                "schema_current": not unknown_to_us,
                "counts": counts,
                "backups": len(backups),
                "newest_good_backup": str(newest.path) if newest else None,
                "plaintext_copies": readable,
            }
        )
        return EXIT_FAILED if problems else EXIT_OK

    print(f"Journal: {journal.path}")
    _print_found(
        integrity,
        f"Integrity: {_plural(len(integrity), 'problem', 'problems')} found by SQLite:",
        "Integrity: no problem found (SQLite integrity check).",
    )
    _print_found(
        foreign,
        f"Links: {_plural(len(foreign), 'record points', 'records point')} to nothing:",
        "Links: every record points to an existing one (foreign-key check).",
    )
    state = "current for this version" if not unknown_to_us else "older than this version"
    print(f"Schema: {applied[-1] if applied else 'none'} ({state}; {len(applied)} applied).")
    print(
        "Records: "
        + ", ".join(
            (
                _plural(counts["regimens"], "regimen", "regimens"),
                _plural(counts["doses"], "dose", "doses"),
                _plural(counts["draws"], "blood draw", "blood draws")
                + f" ({_plural(counts['lab_results'], 'result', 'results')})",
                _plural(counts["semen_analyses"], "semen analysis", "semen analyses"),
                _plural(counts["dexa_scans"], "DEXA scan", "DEXA scans"),
                _plural(counts["symptoms"], "symptom", "symptoms"),
                _plural(counts["target_ranges"], "target range", "target ranges"),
            )
        )
        + "."
    )
    if newest:
        print(
            f"Backups: {len(backups)}; the newest good one is {newest.path}"
            f" ({newest.taken:%Y-%m-%d %H:%M})."
        )
    else:
        print("Backups: none that passes its check yet (run: fertilitytracker backup).")
    if readable:
        print(
            f"Warning: the journal is encrypted but {_plural(len(readable), 'copy', 'copies')}"
            " of it can be read without the passphrase (run encrypt again, or delete them):"
        )
        for path in readable:
            print(f"  {path}")
    if problems:
        print(
            "The journal has problems. It was not changed. Restore a good backup with"
            " 'fertilitytracker restore FILE' (the journal as it is will be kept)."
        )
        return EXIT_FAILED
    print("The journal is healthy.")
    return EXIT_OK


# --- encryption --------------------------------------------------------------------------------

MIN_PASSPHRASE_LENGTH = 8


def _closing(
    journal: Journal, args: argparse.Namespace, handler: Callable[[argparse.Namespace, Path], int]
) -> int:
    # The file is rewritten: the dispatcher's own connection must not hold it open.
    path = journal.path
    journal.close()
    return handler(args, path)


def _passphrase(args: argparse.Namespace, prompt: str, *, confirm: bool) -> str:
    """From --passphrase-file, else the environment, else asked without echo on a terminal."""
    chosen = args.passphrase_file or getattr(args, "db_passphrase_file", None)
    return read_passphrase(chosen, prompt, confirm=confirm)


def _report(outcome: ConversionOutcome, verb: str) -> None:
    print(
        f"{outcome.journal} {verb}, with"
        f" {_plural(len(outcome.converted_backups), 'backup', 'backups')}."
    )
    for path, reason in outcome.unconverted_backups:
        print(f"  not {verb}: {path} ({reason})")


def _encrypt(args: argparse.Namespace, journal_path: Path) -> int:
    if not encryption_available():
        raise InputError(
            "encrypt", "encryption is not installed (pip install 'fertilitytracker[encryption]')"
        )
    print(LOST_PASSPHRASE_WARNING, file=sys.stderr)
    passphrase = _passphrase(args, "New passphrase", confirm=True)
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise InputError(
            "passphrase", f"use at least {MIN_PASSPHRASE_LENGTH} characters; nothing was changed"
        )
    outcome = convert_journal(journal_path, None, passphrase)
    _report(outcome, "encrypted")
    print(LOST_PASSPHRASE_WARNING)
    if outcome.unconverted_backups:
        print(
            "Encryption is not finished: the copies listed above can still be read without"
            " the passphrase. Move or delete them, then run encrypt again.",
            file=sys.stderr,
        )
        return EXIT_FAILED
    print(f"From now on give the passphrase to every command (for scripts: ${ENV_PASSPHRASE}).")
    return EXIT_OK


def _decrypt(args: argparse.Namespace, journal_path: Path) -> int:
    passphrase = _passphrase(args, "Passphrase of the journal", confirm=False)
    outcome = convert_journal(journal_path, passphrase, None)
    _report(outcome, "decrypted")
    print("The journal and the backups listed are now readable without a passphrase.")
    return EXIT_OK
