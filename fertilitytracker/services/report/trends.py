"""The report's trend charts, read from the Charts screen's model (services/chart_data.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from fertilitytracker.services.chart_data import ChartData
from fertilitytracker.services.chart_data import MedicationSpan as ScreenSpan
from fertilitytracker.services.report.model import (
    ChartPoint,
    ChartSeries,
    MedicationSpan,
    OverSuppression,
    Period,
    ValueFlag,
)

CHART_MARKERS: tuple[str, ...] = ("total_testosterone", "estradiol", "t_e_ratio", "lh", "fsh")
_CHARTED = (*CHART_MARKERS, "tmsc")
_LABELS = {"tmsc": "TMSC (total motile sperm count)"}


def plots_read(sparkline_keys: Sequence[str]) -> frozenset[str]:
    """The Charts screen's plots the report reads: those of its trend charts and of the
    sparklines of `sparkline_keys` (the others, symptoms among them, are never built for it)."""
    return frozenset(
        (*_CHARTED, *(_SPARK_SOURCES.get(key, (key, ()))[0] for key in sparkline_keys))
    )


def chart_series(
    data: ChartData, period: Period, over_suppression: Sequence[OverSuppression] = ()
) -> tuple[ChartSeries, ...]:
    """The key markers' series in the period, with the band and line the screen draws."""
    # The most prominent warning shows on the chart too, beside the estradiol point.
    # Only the most recent episode is labelled; the earlier ones show as ▼ markers.
    suppressed_on = {episode.day: episode for episode in over_suppression[-1:]}
    found = []
    for key in _CHARTED:
        plot = data.plot(key)
        source = plot.series_by_key(key)
        band = next((band for band in plot.bands if band.kind == "target"), None)
        line = next(
            (line for line in plot.lines if line.kind == "threshold" and line.series_key == key),
            None,
        )
        points = []
        for point in source.points:
            if not period.contains(point.day):
                continue
            flag: ValueFlag = point.flag or "none"
            if line is not None:
                # A ratio has a reference line, not a range: below it is drawn as ▼.
                flag = "below_reference" if point.value < line.value else "none"
            annotation = ""
            if key == "estradiol" and point.day in suppressed_on:
                annotation = "on " + " and ".join(suppressed_on[point.day].inhibitors)
            points.append(ChartPoint(point.day, point.value, point.censored, flag, annotation))
        found.append(
            ChartSeries(
                key=key,
                label=_LABELS.get(key, plot.title),
                unit=plot.unit,
                points=tuple(points),
                band_low=band.low if band else None,
                band_high=band.high if band else None,
                reference=line.value if line else None,
                reference_label=f"{line.value:g} reference" if line else "",
                band_label="target range" if band else "",
            )
        )
    return tuple(found)


def medication_spans(data: ChartData, period: Period) -> tuple[MedicationSpan, ...]:
    """The screen's medication spans in the period, each with its labelled dose steps."""
    spans = []
    for span in sorted(data.spans, key=lambda s: (s.start, s.name)):
        if span.start > period.end or (not span.ongoing and span.end <= period.start):
            continue
        if not span.ongoing and span.end <= span.start:
            continue  # stopped before its first day: never taken
        spans.append(
            MedicationSpan(
                span.name, span.start, None if span.ongoing else span.end, _steps(data, span)
            )
        )
    return tuple(spans)


def _steps(data: ChartData, span: ScreenSpan) -> tuple[tuple[date, str], ...]:
    return tuple(
        (change.day, change.label)
        for change in data.changes
        if change.regimen_index == span.regimen_index
        and change.kind in ("start", "change")
        and (span.ongoing or change.day < span.end)
    )


# Where each page-1 marker's values are on the Charts screen: (plot, series).
_SPARK_SOURCES: dict[str, tuple[str, tuple[str, ...]]] = {
    "free_testosterone": (
        "free_testosterone",
        ("free_testosterone_measured", "free_testosterone_calculated"),
    ),
    "total_motility": ("motility", ("total_motility",)),
}


def sparklines(
    data: ChartData, period: Period, keys: Sequence[str]
) -> dict[str, tuple[tuple[date, float], ...]]:
    """Each marker's values in the period, oldest first, from the screen's series."""
    found: dict[str, tuple[tuple[date, float], ...]] = {}
    plot_keys = {plot.key for plot in data.plots}
    for key in keys:
        plot_key, series_keys = _SPARK_SOURCES.get(key, (key, (key,)))
        if plot_key not in plot_keys:
            continue
        plot = data.plot(plot_key)
        points = sorted(
            (point.day, point.value)
            for series in plot.series
            if series.key in series_keys
            for point in series.points
            if period.contains(point.day)
        )
        found[key] = tuple(points)
    return found
