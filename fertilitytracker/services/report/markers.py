"""Page 1 key markers with baseline and change, and estradiol over-suppression episodes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from fertilitytracker.core.monitoring import (
    AROMATASE_INHIBITOR_CLASSES,
)
from fertilitytracker.core.records import (
    History,
    UnitSystem,
)
from fertilitytracker.services.report.cells import (
    cell_from_result,
    change_between,
    first_hormone_start,
    latest_on_or_before,
    latest_within,
    marker_cells,
    marker_label,
)
from fertilitytracker.services.report.model import (
    MarkerSummary,
    OverSuppression,
    Period,
)
from fertilitytracker.services.views import (
    DrawView,
)

KEY_MARKERS: tuple[str, ...] = (
    "total_testosterone",
    "free_testosterone",
    "estradiol",
    "t_e_ratio",
    "lh",
    "fsh",
    "tmsc",
)


def key_markers(
    history: History,
    all_views: Sequence[DrawView],
    period: Period,
    system: UnitSystem,
) -> tuple[MarkerSummary, ...]:
    first_start = first_hormone_start(history)
    markers = []
    for key in KEY_MARKERS:
        cells = marker_cells(key, all_views, history, system)
        latest = latest_within(cells, period.start, period.end)
        if first_start is not None:
            baseline = latest_on_or_before(cells, first_start)
        else:
            in_period = [c for c in cells if c.day is not None and period.contains(c.day)]
            baseline = in_period[0] if in_period else None
        markers.append(
            MarkerSummary(
                key=key,
                label=marker_label(key),
                latest=latest,
                baseline=baseline,
                change=change_between(baseline, latest),
            )
        )
    return tuple(markers)


def _inhibitors_on(history: History, day: date) -> tuple[str, ...]:
    return tuple(
        sorted(
            {
                r.name
                for r in history.regimens
                if r.med_class in AROMATASE_INHIBITOR_CLASSES and r.steps and r.is_active_on(day)
            }
        )
    )


def over_suppression_episodes(
    history: History, views: Sequence[DrawView], system: UnitSystem
) -> tuple[OverSuppression, ...]:
    """Estradiol below the floor while an inhibitor was active (docs/clinical.md §4), oldest first.

    Judged exactly as the displayed flag: the low bound of the range in force for that result.
    """
    with_e2 = [
        (view, result)
        for view in views
        if view.kind == "labs"
        for result in view.results
        if result.analyte == "estradiol"
    ]
    found = []
    for index, (view, result) in enumerate(with_e2):
        inhibitors = _inhibitors_on(history, view.date)
        if not inhibitors or result.flag != "low" or result.target_low is None:
            continue
        found.append(
            OverSuppression(
                day=view.date,
                value=cell_from_result(result, view.date),
                floor=result.target_low,
                unit=result.unit,
                inhibitors=inhibitors,
                is_latest=index == len(with_e2) - 1,
            )
        )
    return tuple(found)
