"""The trend charts' series for the report."""

from __future__ import annotations

from collections.abc import Sequence

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.ranges import (
    default_range,
    range_in_force,
)
from fertilitytracker.core.records import (
    History,
    LabResult,
    UnitSystem,
)
from fertilitytracker.core.units import convert_for_display
from fertilitytracker.services.report.cells import (
    display_bound,
    marker_cells,
    marker_label,
    t_e_threshold,
)
from fertilitytracker.services.report.model import (
    ChartPoint,
    ChartSeries,
    OverSuppression,
)
from fertilitytracker.services.views import (
    DrawView,
)

CHART_MARKERS: tuple[str, ...] = ("total_testosterone", "estradiol", "t_e_ratio", "lh", "fsh")


def chart_series(
    history: History,
    views: Sequence[DrawView],
    system: UnitSystem,
    over_suppression: Sequence[OverSuppression] = (),
) -> tuple[ChartSeries, ...]:
    # The most prominent warning shows on the chart too, beside the estradiol point.
    # Only the most recent episode is labelled; the earlier ones show as ▼ markers.
    suppressed_on = {episode.day: episode for episode in over_suppression[-1:]}
    series = []
    for key in CHART_MARKERS:
        cells = marker_cells(key, views, history, system)
        points = tuple(
            ChartPoint(
                cell.day,
                cell.value,
                cell.comparator is not None,
                cell.flag,
                annotation=(
                    "on " + " and ".join(suppressed_on[cell.day].inhibitors)
                    if key == "estradiol" and cell.day in suppressed_on
                    else ""
                ),
            )
            for cell in cells
            if cell.value is not None and cell.day is not None
        )
        if key == "t_e_ratio":
            threshold = t_e_threshold(system)
            series.append(
                ChartSeries(
                    key=key,
                    label="T/E ratio",
                    unit="nmol/L ÷ pmol/L" if system == "si" else "ng/dL ÷ pg/mL",
                    points=points,
                    band_low=None,
                    band_high=None,
                    reference=threshold,
                    reference_label=f"{threshold:g} reference",
                )
            )
            continue
        band = default_range(key)
        clinician = [t for t in history.targets if t.analyte == key]
        if clinician:
            pseudo = LabResult(key, 0.0, 0.0, get_analyte(key).canonical_unit)
            band, _origin = range_in_force(pseudo, history.targets)
        low = display_bound(key, band.low, system)
        high = display_bound(key, band.high, system)
        unit = convert_for_display(key, 1.0, system)[1]
        series.append(
            ChartSeries(
                key=key,
                label=marker_label(key),
                unit=unit,
                points=points,
                band_low=low,
                band_high=high,
                band_label="target range",
            )
        )
    tmsc_cells = marker_cells("tmsc", views, history, system)
    series.append(
        ChartSeries(
            key="tmsc",
            label="TMSC (total motile sperm count)",
            unit="10^6",
            points=tuple(
                ChartPoint(cell.day, cell.value, False, "none")
                for cell in tmsc_cells
                if cell.value is not None and cell.day is not None
            ),
            band_low=None,
            band_high=None,
        )
    )
    return tuple(series)
