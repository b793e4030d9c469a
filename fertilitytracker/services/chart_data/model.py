"""The chart model: plots, series, points, bands, lines and the treatment, with their texts.

Immutable records, as named tuples: the app and the report make the classes at every start,
and thousands of points at a time, and Python does both several times faster for a named
tuple than for a frozen dataclass.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Literal, NamedTuple

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.ranges import Flag
from fertilitytracker.core.reading import EstradiolState
from fertilitytracker.core.records import UnitSystem
from fertilitytracker.core.schedules import parse_schedule

PointKind = Literal["labs", "semen", "dexa", "symptoms"]
SeriesStyle = Literal["measured", "calculated", "symptom"]
LineKind = Literal["threshold", "reference", "lower_limit", "target_bound", "action"]
ChangeKind = Literal["start", "change", "stop"]

SYMPTOM_SCALE_MAX = 10
SIGNIFICANT_FIGURES = 3


class PlotSpec(NamedTuple):
    """One plot of the stack: its key, its title and what it draws."""

    key: str
    title: str


# The stack, top to bottom (the order). Keys are stable: the visible choice is stored.
PLOTS: tuple[PlotSpec, ...] = (
    PlotSpec("total_testosterone", "Total testosterone"),
    PlotSpec("free_testosterone", "Free testosterone"),
    PlotSpec("estradiol", "Estradiol"),
    PlotSpec("lh", "LH"),
    PlotSpec("fsh", "FSH"),
    PlotSpec("shbg", "SHBG"),
    PlotSpec("t_e_ratio", "T/E ratio"),
    PlotSpec("t_lh_ratio", "T/LH ratio"),
    PlotSpec("sperm_concentration", "Sperm concentration"),
    PlotSpec("motility", "Motility"),
    PlotSpec("tmsc", "Total sperm count and TMSC"),
    PlotSpec("lipids", "Lipids"),
    PlotSpec("hematocrit", "Hematocrit"),
    PlotSpec("dexa_t_score", "DEXA T-score"),
    PlotSpec("symptoms", "Symptom scores"),
)
PLOT_KEYS: tuple[str, ...] = tuple(spec.key for spec in PLOTS)


class ChartPoint(NamedTuple):
    """One plotted value: where it goes, how it is flagged and what the hover says."""

    day: date
    value: float  # in the plot's unit (for a censored result: the limit)
    text: str  # the value as printed, with comparator and unit: "<29.4 pmol/L"
    flag: Flag | None = None  # None where the plot has no range to judge against
    comparator: str | None = None  # "<" etc.: the value is a limit, drawn with an open marker
    kind: PointKind = "labs"
    # docs/clinical.md §4, as `core.reading` decided it: "below_floor" or "cannot_tell".
    estradiol_state: EstradiolState | None = None
    note: str | None = None  # "albumin assumed 43 g/L", a DEXA band, a symptom note
    flag_text: str | None = None  # the flag in words, as every surface words it
    headline: str | None = None  # the estradiol state in a few words, for the plot's title

    @property
    def over_suppressed(self) -> bool:
        """Estradiol below the floor while an aromatase inhibitor is active (§4)."""
        return self.estradiol_state == "below_floor"

    @property
    def cannot_tell(self) -> bool:
        """A censored estradiol that cannot be placed against the floor (§4)."""
        return self.estradiol_state == "cannot_tell"

    @property
    def censored(self) -> bool:
        """True when the value is a detection or reporting limit, not a measured value."""
        return self.comparator is not None

    @property
    def opens_draw(self) -> bool:
        """Whether clicking the point opens a draw (lab, semen or DEXA), not a symptom."""
        return self.kind != "symptoms"


class ChartSeries(NamedTuple):
    """The points of one quantity on a plot."""

    key: str
    label: str
    unit: str
    points: tuple[ChartPoint, ...]
    style: SeriesStyle = "measured"

    @property
    def days(self) -> tuple[date, ...]:
        return tuple(point.day for point in self.points)

    @property
    def values(self) -> tuple[float, ...]:
        return tuple(point.value for point in self.points)


class ShadedBand(NamedTuple):
    """A shaded horizontal band; None is an open end (shaded to the edge of the plot)."""

    low: float | None
    high: float | None
    label: str
    source: str
    kind: Literal["target", "zone"] = "target"


class ReferenceLine(NamedTuple):
    """A labelled horizontal line (threshold, reference, WHO lower limit, action level)."""

    value: float
    label: str
    source: str
    kind: LineKind
    series_key: str | None = None  # the series it belongs to, on plots with several


class PlotData(NamedTuple):
    """Everything one plot draws, in the chosen unit system."""

    key: str
    title: str
    unit: str
    series: tuple[ChartSeries, ...]
    bands: tuple[ShadedBand, ...] = ()
    lines: tuple[ReferenceLine, ...] = ()
    warning: str | None = None  # shown prominently above the plot (docs/clinical.md §4)

    @property
    def has_points(self) -> bool:
        return any(series.points for series in self.series)

    def series_by_key(self, key: str) -> ChartSeries:
        """The series `key` of this plot (KeyError when the plot has none)."""
        for series in self.series:
            if series.key == key:
                return series
        raise KeyError(key)

    def value_extent(self) -> tuple[float, float] | None:
        """The lowest and highest value the plot must show: points, closed bands and lines."""
        values = [point.value for series in self.series for point in series.points]
        if not values:
            return None
        values += [line.value for line in self.lines]
        for band in self.bands:
            values += [bound for bound in (band.low, band.high) if bound is not None]
        return min(values), max(values)


class MedicationSpan(NamedTuple):
    """A regimen's period: from its start up to its stop (exclusive) or up to today."""

    regimen_index: int  # position among the journal's regimens
    name: str
    med_class: str
    start: date
    end: date
    ongoing: bool
    colour: str = ""  # the medication's Okabe-Ito colour name, the same in every journal


class DoseChange(NamedTuple):
    """A start, dose or schedule change, or stop of a regimen, labelled for a marker."""

    day: date
    regimen_index: int
    name: str
    kind: ChangeKind
    label: str  # "0.5 mg every 2 days" (the new dose), "stopped"
    description: str  # "anastrozole changed to 0.5 mg every 2 days"
    colour: str = ""  # the medication's Okabe-Ito colour name, the same in every journal


class ChartData(NamedTuple):
    """All plots of the Charts screen plus the treatment drawn behind every plot."""

    plots: tuple[PlotData, ...]
    spans: tuple[MedicationSpan, ...]
    changes: tuple[DoseChange, ...]
    unit_system: UnitSystem
    who_edition: str
    today: date
    first_day: date | None = None  # the earliest dated record (for the "all" range)

    @property
    def is_empty(self) -> bool:
        """True when no plot has a point (no result, analysis, scan or symptom yet)."""
        return not any(plot.has_points for plot in self.plots)

    def plot(self, key: str) -> PlotData:
        """The plot `key` (KeyError for an unknown key)."""
        for plot in self.plots:
            if plot.key == key:
                return plot
        raise KeyError(key)

    def latest_change_on_or_before(self, day: date) -> DoseChange | None:
        """The newest start, change or stop on or before `day`, if any."""
        latest: DoseChange | None = None
        for change in self.changes:
            if change.day <= day and (latest is None or change.day >= latest.day):
                latest = change
        return latest

    def since_change_text(self, day: date) -> str | None:
        """ "N days after anastrozole changed to 0.5 mg every 2 days on 2026-07-27", or None."""
        change = self.latest_change_on_or_before(day)
        if change is None:
            return None
        days = (day - change.day).days
        unit = "day" if days == 1 else "days"
        return f"{days} {unit} after {change.description} on {change.day.isoformat()}"


def flag_text(point: ChartPoint) -> str | None:
    """The flag in words with a symbol, so that it never relies on colour alone."""
    if point.flag == "low":
        if point.kind == "semen":
            return "▼ below WHO lower reference limit"
        return "▼ below target range"
    if point.flag == "high":
        return "▲ above target range"
    if point.flag == "in_range":
        return "● in range"
    if point.flag == "indeterminate":
        return f"◆ {point.flag_text or 'cannot tell'}"
    return None


def hover_text(data: ChartData, series: ChartSeries, point: ChartPoint) -> str:
    """The hover read-out of a point: date, value with unit, flag, note, time since a change."""
    parts = [point.day.isoformat(), f"{series.label}: {point.text}"]
    flag = flag_text(point)
    if flag is not None:
        parts.append(flag)
    if point.note:
        parts.append(point.note)
    since = data.since_change_text(point.day)
    if since is not None:
        parts.append(since)
    return " · ".join(parts)


def format_value(value: float) -> str:
    """A value rounded to three significant figures, never in exponent notation."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    decimals = max(0, SIGNIFICANT_FIGURES - 1 - math.floor(math.log10(abs(value))))
    text = f"{round(value, decimals):.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    # A true minus sign, as the catalogue writes "−1.0".
    return text.replace("-", "−")


def unit_value_text(value: float, unit: str, comparator: str | None = None) -> str:
    unit_part = f" {unit}" if unit else ""
    return f"{comparator or ''}{format_value(value)}{unit_part}"


def dose_label(dose: float, unit: str, schedule: str) -> str:
    """A dose as the markers show it: "0.5 mg every other day" (the schedule's one spelling)."""
    try:
        words = parse_schedule(schedule).describe()
    except InputError:
        words = schedule
    return f"{dose:g} {unit} {words}"
