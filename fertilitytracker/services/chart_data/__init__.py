"""The Charts screen's data: per-plot series, target bands, medication spans and dose changes.

No Qt here. Every number comes from the core (units, ranges, derived) or from `views`; this
package only sorts the core's answers into plots: `model` (what a plot holds and its texts),
`points` (gathered from the history in one pass), `plots` (one builder per kind of plot).
Values are in the unit system asked for; dates are plain `date`s (the plotting layer turns
them into axis coordinates). The Charts screen and the report both draw this one model.
"""

from fertilitytracker.services.chart_data.model import (
    PLOT_KEYS,
    PLOTS,
    ChartData,
    ChartPoint,
    ChartSeries,
    DoseChange,
    MedicationSpan,
    PlotData,
    PlotSpec,
    ReferenceLine,
    ShadedBand,
    dose_label,
    flag_text,
    format_value,
    hover_text,
)
from fertilitytracker.services.chart_data.plots import (
    RANGE_PRESETS,
    chart_data,
    chart_data_of,
    range_start,
)
from fertilitytracker.services.chart_data.points import (
    ChartReadings,
    judged_free_t,
    readings_from_views,
)

__all__ = [
    "PLOTS",
    "PLOT_KEYS",
    "RANGE_PRESETS",
    "ChartData",
    "ChartPoint",
    "ChartReadings",
    "ChartSeries",
    "DoseChange",
    "MedicationSpan",
    "PlotData",
    "PlotSpec",
    "ReferenceLine",
    "ShadedBand",
    "chart_data",
    "chart_data_of",
    "dose_label",
    "flag_text",
    "format_value",
    "hover_text",
    "judged_free_t",
    "range_start",
    "readings_from_views",
]
