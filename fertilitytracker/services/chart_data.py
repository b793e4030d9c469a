"""The Charts screen's data: per-plot series, target bands, medication spans and dose changes.

No Qt here. Every number comes from the core (units, ranges, derived) or from `views`; this
module only sorts the core's answers into plots. Values are in the unit system asked for;
dates are plain `date`s (the plotting layer turns them into axis coordinates).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.derived import (
    FREE_T_LABEL,
    T_E_THRESHOLD_SI,
    T_E_THRESHOLD_SI_SOURCE,
    T_E_THRESHOLD_US,
    T_E_THRESHOLD_US_SOURCE,
    T_LH_REFERENCE,
    T_LH_REFERENCE_SOURCE,
    Derived,
    derive_draw,
    t_e_ratio_si,
)
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.medications import chart_colour
from fertilitytracker.core.ranges import Flag, default_range, dexa_band, dexa_band_label
from fertilitytracker.core.reading import EstradiolState, range_in_force
from fertilitytracker.core.records import History, LabDraw, Regimen, UnitSystem
from fertilitytracker.core.schedules import parse_schedule
from fertilitytracker.core.units import convert_for_display
from fertilitytracker.services.views import (
    DrawView,
    ResultView,
    dexa_view,
    estradiol_caution,
    estradiol_headline,
    flag_words,
    ratio_shown,
    result_view,
    semen_view,
    value_text,
    value_view,
)

PointKind = Literal["labs", "semen", "dexa", "symptoms"]
SeriesStyle = Literal["measured", "calculated", "symptom"]
LineKind = Literal["threshold", "reference", "lower_limit", "target_bound", "action"]
ChangeKind = Literal["start", "change", "stop"]

SYMPTOM_SCALE_MAX = 10
SIGNIFICANT_FIGURES = 3


@dataclass(frozen=True)
class PlotSpec:
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

_SINGLE_ANALYTE_PLOTS = ("total_testosterone", "estradiol", "lh", "fsh", "shbg", "hematocrit")
_LIPIDS = ("total_cholesterol", "hdl", "ldl", "triglycerides")
_MOTILITY = ("total_motility", "progressive_motility")


@dataclass(frozen=True)
class ChartPoint:
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


@dataclass(frozen=True)
class ChartSeries:
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


@dataclass(frozen=True)
class ShadedBand:
    """A shaded horizontal band; None is an open end (shaded to the edge of the plot)."""

    low: float | None
    high: float | None
    label: str
    source: str
    kind: Literal["target", "zone"] = "target"


@dataclass(frozen=True)
class ReferenceLine:
    """A labelled horizontal line (threshold, reference, WHO lower limit, action level)."""

    value: float
    label: str
    source: str
    kind: LineKind
    series_key: str | None = None  # the series it belongs to, on plots with several


@dataclass(frozen=True)
class PlotData:
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


@dataclass(frozen=True)
class MedicationSpan:
    """A regimen's period: from its start up to its stop (exclusive) or up to today."""

    regimen_index: int  # position among the journal's regimens
    name: str
    med_class: str
    start: date
    end: date
    ongoing: bool
    colour: str = ""  # the medication's Okabe-Ito colour name, the same in every journal


@dataclass(frozen=True)
class DoseChange:
    """A start, dose or schedule change, or stop of a regimen, labelled for a marker."""

    day: date
    regimen_index: int
    name: str
    kind: ChangeKind
    label: str  # "0.5 mg every 2 days" (the new dose), "stopped"
    description: str  # "anastrozole changed to 0.5 mg every 2 days"
    colour: str = ""  # the medication's Okabe-Ito colour name, the same in every journal


@dataclass(frozen=True)
class ChartData:
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


def _value_text(value: float, unit: str, comparator: str | None = None) -> str:
    unit_part = f" {unit}" if unit else ""
    return f"{comparator or ''}{format_value(value)}{unit_part}"


def dose_label(dose: float, unit: str, schedule: str) -> str:
    """A dose as the markers show it: "0.5 mg every other day" (the schedule's one spelling)."""
    try:
        words = parse_schedule(schedule).describe()
    except InputError:
        words = schedule
    return f"{dose:g} {unit} {words}"


def _display_range(
    analyte_key: str, low: float | None, high: float | None, system: UnitSystem
) -> tuple[float | None, float | None]:
    def convert(bound: float | None) -> float | None:
        return None if bound is None else convert_for_display(analyte_key, bound, system)[0]

    return convert(low), convert(high)


def _range_text(low: float | None, high: float | None, unit: str) -> str:
    if low is not None and high is not None:
        return f"{format_value(low)}–{format_value(high)} {unit}"
    if low is not None:
        return f"≥ {format_value(low)} {unit}"
    if high is not None:
        return f"≤ {format_value(high)} {unit}"
    return "no range"  # pragma: no cover - a catalogue range always has an end


def _target_band(
    analyte_key: str, history: History, system: UnitSystem, who_edition: str
) -> tuple[ShadedBand | None, str]:
    """The band of the range in force (clinician's target, else the default) and the unit.

    A lab's own range belongs to one result and is not drawn as the plot's band.
    """
    analyte = get_analyte(analyte_key)
    unit = convert_for_display(analyte_key, 0.0, system)[1]
    target = range_in_force(analyte_key, history.targets, who_edition=who_edition)
    origin = "WHO" if analyte.is_semen else target.origin
    if target.low is None and target.high is None:
        return None, unit
    low, high = _display_range(analyte_key, target.low, target.high, system)
    label = f"target {_range_text(low, high, unit)} ({origin})"
    return ShadedBand(low, high, label, target.source or origin), unit


def _result_point(view: ResultView, day: date, kind: PointKind) -> ChartPoint:
    note = estradiol_caution(view)
    if view.comparator is not None:
        side = "below detection" if view.comparator in ("<", "<=") else "above reporting limit"
        note = f"{side}; {note}" if note else side
    return ChartPoint(
        day=day,
        value=view.value,
        # Never rounded across the range it is flagged against (299.91 is not "300").
        text=f"{value_text(view)} {view.unit}".strip(),
        flag=view.flag,
        comparator=view.comparator,
        kind=kind,
        estradiol_state=view.estradiol_state,
        note=note,
        flag_text=flag_words(view),
        headline=estradiol_headline(view),
    )


def _derived_point(derived: Derived, value: float, unit: str, day: date) -> ChartPoint:
    return ChartPoint(day=day, value=value, text=_value_text(value, unit), note=derived.note)


class _Collector:
    """Points gathered per series key in one pass over the history."""

    def __init__(self) -> None:
        self.points: dict[str, list[ChartPoint]] = {}

    def add(self, key: str, point: ChartPoint) -> None:
        self.points.setdefault(key, []).append(point)

    def take(self, key: str) -> tuple[ChartPoint, ...]:
        return tuple(sorted(self.points.get(key, ()), key=lambda point: point.day))


def _collect_draw(
    draw: LabDraw, history: History, system: UnitSystem, who_edition: str, collector: _Collector
) -> None:
    for result in draw.results:
        view = result_view(result, draw.date, history, system, who_edition)
        key = "free_testosterone_measured" if result.analyte == "free_testosterone" else None
        collector.add(key or result.analyte, _result_point(view, draw.date, "labs"))
    derived = derive_draw(draw)
    free_t = derived["free_testosterone_calculated"]
    if free_t.value is not None:
        # The calculated value is judged against the same free T range as a measured one.
        judged = value_view("free_testosterone", free_t.value, draw.date, history, system)
        point = _derived_point(free_t, judged.value, judged.unit, draw.date)
        collector.add(
            "free_testosterone_calculated",
            ChartPoint(
                day=point.day,
                value=point.value,
                text=f"{point.text}, {FREE_T_LABEL}",
                flag=judged.flag,
                note=point.note,
            ),
        )
    # docs/clinical.md §3: an SI ratio is never compared with 10, so each system plots its own.
    t_e = t_e_ratio_si(draw) if system == "si" else derived["t_e_ratio"]
    if t_e.value is not None:
        shown = ratio_shown(t_e)
        assert shown is not None
        collector.add(
            "t_e_ratio",
            ChartPoint(
                day=draw.date,
                value=t_e.value,
                # Never rounded across the threshold (9.997 is not "10").
                text=f"{shown:g}",
                note=t_e.note,
            ),
        )
    t_lh = derived["t_lh_ratio"]
    if t_lh.value is not None:
        collector.add("t_lh_ratio", _derived_point(t_lh, t_lh.value, "", draw.date))


def _collect_semen(
    view: DrawView, history: History, who_edition: str, collector: _Collector
) -> None:
    for result in view.results:
        collector.add(result.analyte, _result_point(result, view.date, "semen"))
    for key in ("total_sperm_count", "tmsc", "tmsc_progressive"):
        derived = view.derived[key]
        if derived.value is None:
            continue
        point = _derived_point(derived, derived.value, "10^6", view.date)
        flag: Flag | None = None
        if key == "total_sperm_count":
            flag = value_view(key, derived.value, view.date, history, "us", who_edition).flag
        collector.add(
            key,
            ChartPoint(day=point.day, value=point.value, text=point.text, flag=flag, kind="semen"),
        )


def _collect_dexa(history: History, collector: _Collector) -> None:
    for scan in history.dexa:
        view = dexa_view(scan, history).results[0]
        band = dexa_band(scan.t_score)
        site = f"{scan.site.replace('_', ' ')}; " if scan.site else ""
        point = _result_point(view, scan.date, "dexa")
        collector.add(
            "dexa_t_score",
            ChartPoint(
                day=point.day,
                value=point.value,
                text=_value_text(scan.t_score, "SD"),
                flag=point.flag,
                kind="dexa",
                note=f"{site}{dexa_band_label(band)}",
            ),
        )


def _series(
    collector: _Collector, key: str, system: UnitSystem, style: SeriesStyle = "measured"
) -> ChartSeries:
    analyte = get_analyte(key)
    unit = convert_for_display(key, 0.0, system)[1]
    return ChartSeries(key, analyte.name, unit, collector.take(key), style)


def _lower_limit_line(key: str, who_edition: str, series_key: str) -> ReferenceLine | None:
    target = default_range(key, who_edition)
    if target.low is None:
        return None
    name = get_analyte(key).name
    return ReferenceLine(
        target.low,
        f"WHO {who_edition} lower limit, {name.lower()} "
        f"{_value_text(target.low, get_analyte(key).canonical_unit)}",
        target.source,
        "lower_limit",
        series_key,
    )


def _lipid_lines(history: History, system: UnitSystem) -> list[ReferenceLine]:
    lines: list[ReferenceLine] = []
    for key in _LIPIDS:
        band, unit = _target_band(key, history, system, "2021")
        if band is None:
            continue
        name = get_analyte(key).name
        for bound, word in ((band.low, "low"), (band.high, "high")):
            if bound is not None:
                label = f"{name} target {word} {format_value(bound)} {unit}"
                lines.append(ReferenceLine(bound, label, band.source, "target_bound", key))
    return lines


def _dexa_zones() -> tuple[ShadedBand, ...]:
    """The WHO bands of the catalogue as shaded zones: osteopenia band, osteoporosis band."""
    zones: list[ShadedBand] = []
    analyte = get_analyte("dexa_t_score")
    at_or_below = [band.at_or_below for band in analyte.bands if band.at_or_below is not None]
    for band in analyte.bands:
        if band.at_or_below is not None:
            zones.append(
                ShadedBand(None, band.at_or_below, band.label, analyte.range_source, "zone")
            )
        elif band.below is not None:
            # The band below −1.0 reaches down to where the more severe band begins.
            floor = max((limit for limit in at_or_below if limit < band.below), default=None)
            zones.append(ShadedBand(floor, band.below, band.label, analyte.range_source, "zone"))
    return tuple(zones)


def _symptom_series(history: History) -> tuple[ChartSeries, ...]:
    by_name: dict[str, list[ChartPoint]] = {}
    for entry in history.symptoms:
        by_name.setdefault(entry.name, []).append(
            ChartPoint(
                day=entry.date,
                value=float(entry.severity),
                text=f"{entry.severity}/{SYMPTOM_SCALE_MAX}",
                kind="symptoms",
                note=entry.note,
            )
        )
    return tuple(
        ChartSeries(
            f"symptom:{name}",
            name,
            f"0–{SYMPTOM_SCALE_MAX}",
            tuple(sorted(points, key=lambda point: point.day)),
            "symptom",
        )
        for name, points in sorted(by_name.items(), key=lambda item: item[0].casefold())
    )


def _spans_and_changes(
    regimens: Sequence[Regimen], today: date
) -> tuple[tuple[MedicationSpan, ...], tuple[DoseChange, ...]]:
    spans: list[MedicationSpan] = []
    changes: list[DoseChange] = []
    for index, regimen in enumerate(regimens):
        end = regimen.stop if regimen.stop is not None else max(today, regimen.start)
        colour = chart_colour(regimen.name)
        spans.append(
            MedicationSpan(
                index,
                regimen.name,
                regimen.med_class,
                regimen.start,
                end,
                regimen.stop is None,
                colour,
            )
        )
        for position, step in enumerate(regimen.steps):
            label = dose_label(step.dose, step.unit, step.schedule)
            if position == 0:
                description = f"{regimen.name} started at {label}"
                kind: ChangeKind = "start"
            else:
                description = f"{regimen.name} changed to {label}"
                kind = "change"
            changes.append(
                DoseChange(step.date, index, regimen.name, kind, label, description, colour)
            )
        if regimen.stop is not None:
            changes.append(
                DoseChange(
                    regimen.stop,
                    index,
                    regimen.name,
                    "stop",
                    "stopped",
                    f"{regimen.name} stopped",
                    colour,
                )
            )
    changes.sort(key=lambda change: (change.day, change.regimen_index))
    return tuple(spans), tuple(changes)


def _first_day(history: History) -> date | None:
    days = [draw.date for draw in history.draws]
    days += [analysis.date for analysis in history.semen]
    days += [scan.date for scan in history.dexa]
    days += [entry.date for entry in history.symptoms]
    days += [regimen.start for regimen in history.regimens]
    return min(days) if days else None


def chart_data(history: History, system: UnitSystem, who_edition: str, today: date) -> ChartData:
    """Every plot of the Charts screen for `history`, in `system`, WHO limits of `who_edition`."""
    collector = _Collector()
    for draw in history.draws:
        _collect_draw(draw, history, system, who_edition, collector)
    for analysis in history.semen:
        _collect_semen(semen_view(analysis, who_edition), history, who_edition, collector)
    _collect_dexa(history, collector)

    plots: list[PlotData] = []
    for spec in PLOTS:
        plots.append(_plot(spec, collector, history, system, who_edition))
    spans, changes = _spans_and_changes(history.regimens, today)
    return ChartData(
        plots=tuple(plots),
        spans=spans,
        changes=changes,
        unit_system=system,
        who_edition=who_edition,
        today=today,
        first_day=_first_day(history),
    )


def _over_suppression_warning(series: ChartSeries) -> str | None:
    """docs/clinical.md §4: the latest estradiol below the floor, or that cannot tell, while an
    aromatase inhibitor is active (as `core.reading` decided it for that result)."""
    if not series.points:
        return None
    latest = series.points[-1]
    if latest.estradiol_state is None:
        return None
    # Short enough for one title line: the hover and the tooltip carry the full caution.
    return f"⚠ Latest estradiol ({latest.text}, {latest.day.isoformat()}) {latest.headline}"


def _plot(
    spec: PlotSpec,
    collector: _Collector,
    history: History,
    system: UnitSystem,
    who_edition: str,
) -> PlotData:
    key = spec.key
    if key in _SINGLE_ANALYTE_PLOTS:
        band, unit = _target_band(key, history, system, who_edition)
        lines: tuple[ReferenceLine, ...] = ()
        analyte = get_analyte(key)
        if analyte.action_high is not None:
            action = convert_for_display(key, analyte.action_high, system)[0]
            label = f"action level {_value_text(action, unit)}"
            lines = (ReferenceLine(action, label, analyte.action_source, "action", key),)
        series = _series(collector, key, system)
        return PlotData(
            key,
            spec.title,
            unit,
            (series,),
            bands=(band,) if band else (),
            lines=lines,
            warning=_over_suppression_warning(series),
        )
    if key == "free_testosterone":
        band, unit = _target_band(key, history, system, who_edition)
        measured = ChartSeries(
            "free_testosterone_measured",
            "Free testosterone (measured)",
            unit,
            collector.take("free_testosterone_measured"),
            "measured",
        )
        calculated = ChartSeries(
            "free_testosterone_calculated",
            f"Free testosterone ({FREE_T_LABEL})",
            unit,
            collector.take("free_testosterone_calculated"),
            "calculated",
        )
        return PlotData(key, spec.title, unit, (measured, calculated), (band,) if band else ())
    if key == "t_e_ratio":
        if system == "si":
            unit, threshold, source = "nmol/L per pmol/L", T_E_THRESHOLD_SI, T_E_THRESHOLD_SI_SOURCE
        else:
            unit, threshold, source = "ng/dL per pg/mL", T_E_THRESHOLD_US, T_E_THRESHOLD_US_SOURCE
        series = ChartSeries(
            "t_e_ratio", "T/E ratio", unit, collector.take("t_e_ratio"), "calculated"
        )
        line = ReferenceLine(
            threshold,
            f"T/E {format_value(threshold)} (Pavlovich 2001; Raman & Schlegel 2002)",
            source,
            "threshold",
            "t_e_ratio",
        )
        return PlotData(key, spec.title, unit, (series,), lines=(line,))
    if key == "t_lh_ratio":
        unit = "ng/dL per IU/L"
        series = ChartSeries(
            "t_lh_ratio", "T/LH ratio", unit, collector.take("t_lh_ratio"), "calculated"
        )
        line = ReferenceLine(
            T_LH_REFERENCE,
            f"T/LH {format_value(T_LH_REFERENCE)} (Lundy et al., Fertil Steril 2023)",
            T_LH_REFERENCE_SOURCE,
            "reference",
            "t_lh_ratio",
        )
        return PlotData(key, spec.title, unit, (series,), lines=(line,))
    if key == "sperm_concentration":
        band, unit = _target_band(key, history, system, who_edition)
        if band is not None:
            band = ShadedBand(
                band.low,
                band.high,
                f"WHO {who_edition} lower limit {_value_text(band.low or 0.0, unit)}",
                band.source,
            )
        return PlotData(
            key,
            spec.title,
            unit,
            (_series(collector, key, system),),
            bands=(band,) if band else (),
        )
    if key == "motility":
        series = tuple(_series(collector, analyte, system) for analyte in _MOTILITY)
        lines = tuple(
            line
            for analyte in _MOTILITY
            if (line := _lower_limit_line(analyte, who_edition, analyte)) is not None
        )
        return PlotData(key, spec.title, "%", series, lines=lines)
    if key == "tmsc":
        total = ChartSeries(
            "total_sperm_count",
            "Total sperm count",
            "10^6",
            collector.take("total_sperm_count"),
        )
        tmsc = ChartSeries(
            "tmsc", "TMSC (total motile)", "10^6", collector.take("tmsc"), "calculated"
        )
        progressive = ChartSeries(
            "tmsc_progressive",
            "Progressive TMSC",
            "10^6",
            collector.take("tmsc_progressive"),
            "calculated",
        )
        # WHO sets a lower limit for the total count only; TMSC has none in docs/clinical.md.
        limit = _lower_limit_line("total_sperm_count", who_edition, "total_sperm_count")
        return PlotData(
            key,
            spec.title,
            "10^6",
            (total, tmsc, progressive),
            lines=(limit,) if limit else (),
        )
    if key == "lipids":
        series = tuple(_series(collector, analyte, system) for analyte in _LIPIDS)
        unit = series[0].unit
        return PlotData(key, spec.title, unit, series, lines=tuple(_lipid_lines(history, system)))
    if key == "dexa_t_score":
        band, unit = _target_band(key, history, system, who_edition)
        bands = ((band,) if band else ()) + _dexa_zones()
        return PlotData(key, spec.title, unit, (_series(collector, key, "us"),), bands=bands)
    if key == "symptoms":
        return PlotData(key, spec.title, f"0–{SYMPTOM_SCALE_MAX}", _symptom_series(history))
    raise KeyError(key)  # pragma: no cover - PLOTS and this function list the same keys


RANGE_PRESETS: dict[str, int | None] = {"3m": 91, "6m": 182, "1y": 365, "all": None}


def range_start(preset: str, today: date, first_day: date | None) -> date:
    """The first day a range preset shows: 3m, 6m, 1y back from today; all from the first record."""
    if preset not in RANGE_PRESETS:
        raise InputError("range", f"unknown range '{preset}' (use 3m, 6m, 1y or all)")
    days = RANGE_PRESETS[preset]
    if days is None:
        if first_day is not None and first_day < today:
            return first_day
        days = RANGE_PRESETS["3m"]
        assert days is not None
    return today - timedelta(days=days)
