"""Symptoms over the period: mean, first and latest severity, trend and notes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from fertilitytracker.core.records import (
    SymptomEntry,
)
from fertilitytracker.services.report.model import (
    SymptomSummary,
)


def symptom_summaries(entries: Sequence[SymptomEntry]) -> tuple[SymptomSummary, ...]:
    by_name: dict[str, list[SymptomEntry]] = {}
    for entry in sorted(entries, key=lambda e: (e.date, e.id or 0)):
        by_name.setdefault(entry.name, []).append(entry)
    summaries = []
    for name in sorted(by_name, key=str.casefold):
        own = by_name[name]
        notes: dict[str, list[date]] = {}
        for entry in own:
            if entry.note and entry.note.strip():
                notes.setdefault(entry.note.strip(), []).append(entry.date)
        summaries.append(
            SymptomSummary(
                name=name,
                count=len(own),
                mean=sum(e.severity for e in own) / len(own),
                first=(own[0].date, own[0].severity),
                latest=(own[-1].date, own[-1].severity),
                slope_per_30_days=_slope_per_30_days(own),
                notes=tuple((text, tuple(days)) for text, days in notes.items()),
            )
        )
    return tuple(summaries)


def _slope_per_30_days(entries: Sequence[SymptomEntry]) -> float | None:
    """Least-squares slope of severity against days, per 30 days (None for one day only)."""
    origin = entries[0].date
    xs = [(e.date - origin).days for e in entries]
    ys = [float(e.severity) for e in entries]
    mean_x = sum(xs) / len(xs)
    mean_y = sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    return slope * 30
