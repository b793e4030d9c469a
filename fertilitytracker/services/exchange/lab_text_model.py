"""Lab report text: what was read from it (results, lines not read, proposed draws)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from fertilitytracker.core.records import Comparator
from fertilitytracker.services.exchange.lab_text_dates import _SLASHED_DATE
from fertilitytracker.services.operations import ResultInput


@dataclass(frozen=True)
class ReadResult:
    """One result as printed: what the line says, before any validation."""

    line_number: int
    line: str
    analyte: str
    value: float
    comparator: Comparator | None
    unit: str  # as printed ("" when none was printed)
    lab_low: float | None = None  # the lab's range, in the printed unit
    lab_high: float | None = None
    flag: str | None = None  # the lab's own mark beside the value (L, H, *), as printed
    method: str | None = None
    problem: str | None = None  # why it cannot be stored as printed (a unit of another analyte)

    def entry(self) -> ResultInput:
        """The result as the recording services take it (the `lab` command's builder)."""
        comparator = self.comparator or ""
        return ResultInput(
            analyte=self.analyte,
            value=f"{comparator}{self.value!r}",
            unit=self.unit,
            lab_low=self.lab_low,
            lab_high=self.lab_high,
            method=self.method,
        )


@dataclass(frozen=True)
class NotRead:
    """A line that looks like a result but could not be read exactly."""

    line_number: int
    line: str
    reason: str


@dataclass(frozen=True)
class ProposedDraw:
    """The results printed under one collection date (date None when none was printed)."""

    date: date | None
    time: time | None
    results: tuple[ReadResult, ...]
    not_read: tuple[NotRead, ...] = ()
    fasting: bool | None = None
    date_text: str | None = None  # the collection date as printed
    date_problem: str | None = None  # why `date` is None although a date was printed


@dataclass(frozen=True)
class LabText:
    """Everything read from one text."""

    draws: tuple[ProposedDraw, ...]

    @property
    def results(self) -> tuple[ReadResult, ...]:
        return tuple(result for draw in self.draws for result in draw.results)

    @property
    def not_read(self) -> tuple[NotRead, ...]:
        return tuple(line for draw in self.draws for line in draw.not_read)

    @property
    def needs_date_order(self) -> bool:
        """A printed date such as 03/04/2026 cannot be read without knowing the date order."""
        return any(
            draw.date is None and _SLASHED_DATE.fullmatch(draw.date_text or "")
            for draw in self.draws
        )
