"""What a write changed: the record kinds and dates each recording operation returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# The kinds of record a Change names. "settings" (units, WHO edition, patient details) and
# "all" (another process wrote, an import) change what every record looks like.
RECORD_KINDS = frozenset({"regimens", "doses", "labs", "semen", "dexa", "symptoms", "targets"})
EVERYTHING = "all"


@dataclass(frozen=True)
class Change:
    """What one operation changed: the kinds of record touched, on which dates, and a sentence
    for the user.

    `dates` bounds the change: only records of those dates (a draw's date, a dose's day) of the
    kinds named were written or deleted, so a reader re-reads those dates and keeps the rest.
    None means any date: the kinds are re-read whole. This is what lets a save cost the same on
    a ten-year journal as on a new one (docs/design.md, "A write says what it changed").
    """

    kinds: frozenset[str]
    summary: str
    ids: tuple[int, ...] = ()
    dates: frozenset[date] | None = None

    def touches(self, *kinds: str) -> bool:
        """Whether records of any of `kinds` may have changed (always, for "all")."""
        return EVERYTHING in self.kinds or not self.kinds.isdisjoint(kinds)

    @property
    def is_bounded(self) -> bool:
        """Whether only known dates of known record kinds changed (no settings, no "all")."""
        return self.dates is not None and self.kinds <= RECORD_KINDS
