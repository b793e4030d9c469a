"""Page 1 key markers with baseline and change, and estradiol over-suppression episodes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.attribution import t_lh_confounders
from fertilitytracker.core.ranges import dexa_band, dexa_band_label
from fertilitytracker.core.records import (
    History,
    UnitSystem,
)
from fertilitytracker.services.report.cells import (
    MarkerCells,
    cell_from_result,
    change_between,
    latest_on_or_before,
    latest_within,
    marker_label,
)
from fertilitytracker.services.report.model import (
    MarkerSummary,
    OverSuppression,
    Period,
    ValueCell,
)
from fertilitytracker.services.result_words import estradiol_caution
from fertilitytracker.services.views import DrawView

SEMEN_KEYS = frozenset({"sperm_concentration", "total_motility"})
WHO_LOW_WORDS = "▼ below WHO limit"
KEY_MARKERS: tuple[str, ...] = (
    "total_testosterone",
    "free_testosterone",
    "shbg",
    "estradiol",
    "t_e_ratio",
    "lh",
    "fsh",
    "hematocrit",
    "sperm_concentration",
    "total_motility",
    "tmsc",
    "dexa_t_score",
)
# Shown on page 1 only when a result in the period is flagged.
LIPIDS: tuple[str, ...] = ("total_cholesterol", "ldl", "hdl", "triglycerides")


def key_markers(
    history: History,
    every: MarkerCells,
    period: Period,
    course_start: date | None,
) -> tuple[MarkerSummary, ...]:
    """Latest value in the period, the baseline of the current course, and the change.

    `every` holds each key marker's values over the whole journal (for the baseline).
    """
    markers = []
    for key in KEY_MARKERS:
        cells = every[key]
        latest = latest_within(cells, period.start, period.end)
        if course_start is not None:
            baseline = latest_on_or_before(cells, course_start)
        else:
            in_period = [c for c in cells if c.day is not None and period.contains(c.day)]
            baseline = in_period[0] if in_period else None
        if latest is None and baseline is None and key in ("hematocrit", "dexa_t_score"):
            continue  # not part of every work-up: left out when never measured
        markers.append(
            MarkerSummary(
                key=key,
                label=marker_label(key),
                latest=latest,
                baseline=baseline,
                change=change_between(baseline, latest),
                flag_text=_flag_text(key, latest, history),
            )
        )
    return tuple(markers)


def _flag_text(key: str, latest: ValueCell | None, history: History) -> str:
    """The flag in words where the target-range words would mislead ("" keeps them)."""
    if latest is None or latest.value is None or latest.day is None:
        return ""
    if key in SEMEN_KEYS:
        return WHO_LOW_WORDS if latest.flag == "low" else "≥ WHO limit"
    if key == "dexa_t_score":
        # The band's name; its bounds are on the ranges page.
        band = dexa_band(latest.value)
        return dexa_band_label(band).split(" (")[0]
    if key == "hematocrit":
        action = get_analyte("hematocrit").action_high
        on = t_lh_confounders(history.regimens, latest.day)
        if action is not None and on and latest.value > action:
            return f"▲ above the {action:g} % action level on {' and '.join(on)}"
    return ""


def flagged_lipids(every: MarkerCells, period: Period) -> tuple[tuple[str, ValueCell], ...]:
    """The latest value of each lipid in the period, when it is flagged."""
    found = []
    for key in LIPIDS:
        latest = latest_within(every[key], period.start, period.end)
        if latest is not None and latest.flag in ("low", "high"):
            found.append((marker_label(key), latest))
    return tuple(found)


def over_suppression_episodes(
    history: History, views: Sequence[DrawView], system: UnitSystem
) -> tuple[OverSuppression, ...]:
    """Estradiol below the floor, or that cannot tell, while an inhibitor was active
    (docs/clinical.md §4), oldest first: read from each result's view, never decided here."""
    with_e2 = [
        (view, result)
        for view in views
        if view.kind == "labs"
        for result in view.results
        if result.analyte == "estradiol"
    ]
    found = []
    for index, (view, result) in enumerate(with_e2):
        if result.estradiol_state is None or result.floor is None:
            continue
        found.append(
            OverSuppression(
                day=view.date,
                value=cell_from_result(result, view.date),
                floor=result.floor,
                unit=result.unit,
                inhibitors=result.inhibitors,
                is_latest=index == len(with_e2) - 1,
                state=result.estradiol_state,
                floor_origin=result.floor_origin or "default",
                caution=estradiol_caution(result) or "",
            )
        )
    return tuple(found)
