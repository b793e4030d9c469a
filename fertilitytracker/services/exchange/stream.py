"""A big import, streamed: read, plan and write a chunk at a time inside ONE transaction.

Plain lab results (the bulk of a big lab CSV) are planned CHUNK at a time against the journal
as it stands, earlier chunks of the file included, and written at once, so that the memory an
import takes does not grow with the file. The rest (regimens and the doses naming them, FHIR
results that may supersede an earlier version, semen analyses gathered from several rows) is
planned together at the end, exactly as `plan_import` plans a whole file. Any error rolls the
one transaction back: a failed import changes nothing (README, "Your data is safe").

The desktop previews a file with a dry run of this same stream (every entry counted, the first
ones listed, nothing kept), then imports it with `expected` set to the preview's outcome: an
import whose entries would fare otherwise than previewed (the journal or the file changed
meanwhile) writes nothing. `cancelled` is asked between entries; a cancelled import rolls back.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from fertilitytracker.core.errors import InputError
from fertilitytracker.services.exchange.apply import apply_plan
from fertilitytracker.services.exchange.plan import (
    ImportPlan,
    Item,
    JournalSnapshot,
    LabItem,
    ParsedImport,
    Replacement,
    Skipped,
    plan_import,
)
from fertilitytracker.services.operations import Change
from fertilitytracker.storage.journal import Journal

# Lab results planned and written together: enough to make the per-chunk reads negligible,
# few enough that a chunk's records are a few megabytes.
CHUNK = 5000
# Entries of each outcome (added, already present, skipped) listed by line; the counts cover
# every entry (a file of a million conflicting rows must not hold a million messages).
SHOWN_ENTRIES = 1000
# Every kind of record but the draws, which each chunk reads for its own dates only.
_OTHER_KINDS = ("regimens", "doses", "semen", "dexa", "symptoms", "targets")


# Entries read between two looks at `cancelled` and two progress reports.
ASK_EVERY = 1000


class _DryRun(Exception):
    """Raised to roll the transaction back after a dry run has been counted."""


class ImportCancelled(Exception):
    """The import was cancelled before it was written: nothing was."""


def _never() -> bool:
    return False


def _quiet(_entries: int) -> None:
    pass


@dataclass
class _Account:
    """What the chunks of one import did, with the first entries of each outcome listed."""

    source: str
    format: str
    to_add: list[Item] = field(default_factory=list)
    present: list[tuple[Item, str]] = field(default_factory=list)
    replacing: list[Replacement] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    settings: list[tuple[str, Any]] = field(default_factory=list)
    unlisted_new: int = 0
    unlisted_present: int = 0
    unlisted_skipped: int = 0
    unlisted_notices: int = 0
    kinds: set[str] = field(default_factory=set)
    # Every entry's outcome, in order, folded into one digest (the listed ones and the rest).
    outcome: Any = field(default_factory=hashlib.sha256)

    def add(self, read_skipped: list[Skipped], plan: ImportPlan, change: Change) -> None:
        """Count one chunk: the entries its reading skipped, then what its plan did."""
        skipped = (*read_skipped, *plan.skipped)
        self._fold(plan, skipped)
        self.unlisted_new += _keep_first(self.to_add, plan.to_add)
        self.unlisted_present += _keep_first(self.present, plan.present)
        self.unlisted_skipped += _keep_first(self.skipped, skipped)
        self.unlisted_notices += _keep_first(self.notices, plan.notices)
        self.replacing += plan.replacing
        self.settings += plan.settings
        self.kinds |= change.kinds

    def _fold(self, plan: ImportPlan, skipped: Sequence[Skipped]) -> None:
        lines = [f"add {item.where}" for item in plan.to_add]
        lines += [f"replace {r.item.where}" for r in plan.replacing]
        lines += [f"present {item.where}: {why}" for item, why in plan.present]
        lines += [f"skip {entry.where}: {entry.reason}" for entry in skipped]
        lines += [f"set {key}" for key, _ in plan.settings]
        self.outcome.update("".join(f"{line}\n" for line in lines).encode("utf-8", "surrogatepass"))

    def plan(self, read_notices: list[str]) -> ImportPlan:
        """The whole import as one plan (the reader's notices first)."""
        notices = [*read_notices, *self.notices]
        if self.unlisted_notices:
            notices.append(f"{self.unlisted_notices} more notes, not listed")
        return ImportPlan(
            source=self.source,
            format=self.format,
            to_add=tuple(self.to_add),
            replacing=tuple(self.replacing),
            present=tuple(self.present),
            skipped=tuple(self.skipped),
            notices=tuple(notices),
            settings=tuple(self.settings),
            unlisted_new=self.unlisted_new,
            unlisted_present=self.unlisted_present,
            unlisted_skipped=self.unlisted_skipped,
            outcome=self.outcome.hexdigest(),
        )


def _keep_first(kept: list[Any], more: Sequence[Any]) -> int:
    """Keep entries of `more` up to SHOWN_ENTRIES in all; return how many were not kept."""
    room = max(0, SHOWN_ENTRIES - len(kept))
    kept += more[:room]
    return len(more) - min(room, len(more))


@contextlib.contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Pause the cycle collector while a file is read and imported: its records hold no
    reference cycles (reference counting frees them), and the collector's passes over a parsed
    50 MB document and its records took half the time of the import."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def stream_import(
    journal: Journal,
    source: str,
    parsed: ParsedImport,
    items: Iterable[Item],
    *,
    dry_run: bool = False,
    expected: str | None = None,
    cancelled: Callable[[], bool] = _never,
    progress: Callable[[int], None] = _quiet,
) -> tuple[ImportPlan, Change | None]:
    """Plan and write `items` (a reader's stream; `parsed` gathers its skipped rows and
    notices meanwhile) in one transaction; a dry run counts the same and rolls it back.

    `expected`: the `outcome` of the plan previewed; when the import's differs, nothing is
    written (InputError). `cancelled()` is asked every ASK_EVERY entries and before the commit
    (ImportCancelled, nothing written); `progress(entries read)` is told as often.
    """
    account = _Account(source, parsed.format)

    def write(chunk: list[Item], file_settings: dict[str, Any]) -> None:
        days = {item.day for item in chunk if isinstance(item, LabItem)}
        # The rest of a FHIR file can span more days than one query may name: read every draw.
        draws = journal.labs.on_dates(days) if len(days) <= CHUNK else journal.labs.all()
        history = replace(base, draws=tuple(draws))
        part = ParsedImport(parsed.format, chunk, settings=file_settings)
        snapshot = JournalSnapshot(history, settings)
        plan = plan_import(part, snapshot, source, written_after=written_after)
        read_skipped, parsed.skipped = parsed.skipped, []
        account.add(read_skipped, plan, apply_plan(journal, plan))

    try:
        with journal.transaction():
            # Read inside the transaction: no other writer comes between reading and writing.
            base = journal.history(_OTHER_KINDS)
            settings = journal.settings.all()
            written_after = journal.labs.last_result_id()
            labs: list[Item] = []
            rest: list[Item] = []
            for read, item in enumerate(items, 1):
                if read % ASK_EVERY == 0:
                    _ask(cancelled)
                    progress(read)
                if isinstance(item, LabItem) and item.source_id is None:
                    labs.append(item)
                    if len(labs) == CHUNK:
                        write(labs, {})
                        labs = []
                else:
                    rest.append(item)
            write([*labs, *rest], parsed.settings)
            if expected is not None and account.outcome.hexdigest() != expected:
                raise InputError(
                    "journal",
                    "the journal or the file changed since the import was previewed; import again",
                )
            _ask(cancelled)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    plan = account.plan(parsed.notices)
    if dry_run:
        return plan, None
    return plan, Change(frozenset(account.kinds), f"imported {source}: {plan.summary()}")


def _ask(cancelled: Callable[[], bool]) -> None:
    if cancelled():
        raise ImportCancelled
