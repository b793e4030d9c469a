"""The tests' one set of builders: the pinned clock, a journal file, and records made through
the app's own operations (services/operations.py), so that each one passes the validation a
user's entry passes (docs/design.md, "one builder per record kind"); and the few file helpers
the storage, CLI and GUI tests share (a digest, a dead process id, a umask)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date, datetime, time
from pathlib import Path
from typing import IO

import pytest

from fertilitytracker.services import operations
from fertilitytracker.services.operations import Change, ResultInput
from fertilitytracker.storage.journal import Journal

# The tests' clock: what an AppContext is handed as today/now in place of core/clock.py.
TODAY = date(2026, 6, 1)
NOW = datetime(2026, 6, 1, 9, 0)
DRAW_TIME = time(8, 0)


def d(text: str) -> date:
    """A date from ISO text: d("2026-01-05")."""
    return date.fromisoformat(text)


def at(text: str) -> datetime:
    """A moment from ISO text: at("2026-06-01T08:00")."""
    return datetime.fromisoformat(text)


class Clock:
    """A pinned clock a test can move: hand its today/now to an AppContext, set `moment`."""

    def __init__(self, now: datetime) -> None:
        self.moment = now

    def now(self) -> datetime:
        return self.moment

    def today(self) -> date:
        return self.moment.date()


@contextmanager
def open_journal(path: Path, create: bool = True) -> Iterator[Journal]:
    """A journal file at `path` (created when missing unless `create` is false), closed
    afterwards."""
    opened = Journal.open(path, create=create)
    try:
        yield opened
    finally:
        opened.close()


def symptom_names(path: Path) -> set[str]:
    """The symptom names in an existing journal file (a backup, a restored copy)."""
    with open_journal(path, create=False) as opened:
        return {entry.name for entry in opened.symptoms.all()}


def result(analyte: str, value: str, unit: str) -> ResultInput:
    """One result as a user types it: ("estradiol", "<5", "pg/mL")."""
    return ResultInput(analyte, value, unit)


def draw(
    journal: Journal,
    day: date,
    *entries: tuple[str, str, str],
    at: time | None = DRAW_TIME,
    fasting: bool | None = None,
) -> Change:
    """One blood draw on `day` at 08:00 with results given as (analyte, value, unit)."""
    return operations.record_draw(journal, day, [result(*entry) for entry in entries], at, fasting)


def panel(
    journal: Journal,
    day: date,
    testosterone: str,
    estradiol: str,
    *more: tuple[str, str, str],
    at: time | None = DRAW_TIME,
) -> Change:
    """A hormone panel: total testosterone in ng/dL and estradiol in pg/mL, then `more` results
    as (analyte, value, unit), drawn at 08:00 unless said."""
    return draw(
        journal,
        day,
        ("total_testosterone", testosterone, "ng/dL"),
        ("estradiol", estradiol, "pg/mL"),
        *more,
        at=at,
    )


def regimen(
    journal: Journal,
    name: str,
    start: date,
    dose: str = "1",
    unit: str = "mg",
    schedule: str = "daily",
    at: time | None = DRAW_TIME,
) -> Change:
    """A regimen of `name` from `start` (1 mg daily at 08:00 unless said)."""
    return operations.start_regimen(journal, name, dose, unit, schedule, start, at)


def dose(journal: Journal, name: str, at: datetime, skipped: bool = False) -> Change:
    """One dose of the regimen of `name` taken (or skipped) at `at`."""
    return operations.log_dose(journal, name, at, skipped=skipped)


def semen(
    journal: Journal,
    day: date,
    volume: str = "3.0",
    concentration: str = "20",
    total_motility: str = "50",
    progressive: str = "40",
    morphology: str | None = "3",
    abstinence: str | None = "3",
) -> Change:
    """A semen analysis (docs/clinical.md §3 example by default: total count 60 M)."""
    return operations.record_semen(
        journal,
        operations.build_semen(
            day, volume, concentration, total_motility, progressive, morphology, abstinence
        ),
    )


def symptom(
    journal: Journal, day: date, name: str, severity: int, note: str | None = None
) -> Change:
    """A symptom rated 0 to 10."""
    return operations.record_symptom(journal, day, name, severity, note)


def dexa(journal: Journal, day: date, t_score: str, site: str | None = "spine") -> Change:
    """A bone density scan."""
    return operations.record_dexa(journal, day, t_score, site, None)


# --- files ------------------------------------------------------------------------------------


def digest(path: Path) -> str:
    """The file's SHA-256: to show a file was left byte for byte as it was."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dead_pid() -> int:
    """The id of a process that has ended (the owner of a temporary file left behind)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@contextmanager
def umask(mask: int) -> Iterator[None]:
    """Run the block under `mask` (privacy must not depend on a strict one), then restore it."""
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


def broken_off_write(
    folder: Path, writer: Callable[[Path], AbstractContextManager[IO[str]]]
) -> tuple[str, list[str]]:
    """Writes half of out.txt over an earlier one ("old") through `writer`, then fails as a full
    disk would: what out.txt then holds, and the names left in `folder`."""
    target = folder / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), writer(target) as stream:
        stream.write("half")
        raise RuntimeError("disk full")
    return target.read_text(encoding="utf-8"), sorted(p.name for p in folder.iterdir())
