"""The points, bands and lines of the chart model, gathered from the history in one pass."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, NamedTuple

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.derived import FREE_T_LABEL, Derived
from fertilitytracker.core.medications import chart_colour
from fertilitytracker.core.ranges import Flag, default_range, dexa_band, dexa_band_label
from fertilitytracker.core.reading import EstradiolState, range_in_force
from fertilitytracker.core.records import DexaScan, History, Regimen, UnitSystem
from fertilitytracker.core.units import convert_for_display
from fertilitytracker.services.chart_data.model import (
    SYMPTOM_SCALE_MAX,
    ChangeKind,
    ChartPoint,
    ChartSeries,
    DoseChange,
    MedicationSpan,
    PointKind,
    ReferenceLine,
    SeriesStyle,
    ShadedBand,
    dose_label,
    format_value,
    unit_value_text,
)
from fertilitytracker.services.formatting import format_range
from fertilitytracker.services.result_words import (
    estradiol_caution,
    estradiol_headline,
    flag_words,
    value_text,
)
from fertilitytracker.services.views import (
    DrawView,
    HistoryViews,
    ResultView,
    dexa_view,
    ratio_shown,
    semen_view,
)


def _display_range(
    analyte_key: str, low: float | None, high: float | None, system: UnitSystem
) -> tuple[float | None, float | None]:
    def convert(bound: float | None) -> float | None:
        return None if bound is None else convert_for_display(analyte_key, bound, system)[0]

    return convert(low), convert(high)


def target_band(
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
    label = f"target {format_range(low, high, unit, format_value)} ({origin})"
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


def _derived_point(
    derived: Derived,
    value: float,
    unit: str,
    day: date,
    text: str | None = None,
    flag: Flag | None = None,
    kind: PointKind = "labs",
    after: str = "",
) -> ChartPoint:
    """A calculated value's point, with its note; `text` words it other than value and unit,
    `after` follows them."""
    shown = unit_value_text(value, unit) + after if text is None else text
    return ChartPoint(day=day, value=value, text=shown, flag=flag, kind=kind, note=derived.note)


def _dexa_point(scan: DexaScan, view: ResultView) -> ChartPoint:
    """A scan's point (`view`: its T-score's), with the site and the WHO band as its note."""
    band = dexa_band(scan.t_score)
    site = f"{scan.site.replace('_', ' ')}; " if scan.site else ""
    return ChartPoint(
        day=scan.date,
        value=view.value,
        text=unit_value_text(scan.t_score, "SD"),
        flag=view.flag,
        kind="dexa",
        note=f"{site}{dexa_band_label(band)}",
    )


LIPIDS = ("total_cholesterol", "hdl", "ldl", "triglycerides")


class _Gathered(NamedTuple):
    """A point as it is plotted, and how to make it with its words (`make(*arguments)`)."""

    day: date
    value: float
    flag: Flag | None
    comparator: str | None
    kind: PointKind
    estradiol_state: EstradiolState | None
    make: Callable[..., ChartPoint]
    arguments: tuple[Any, ...]


class Collector:
    """Points gathered per series key in one pass over the history.

    A point's words (its value text, note, flag words and headline) are made when its series
    is taken, so a reader of a few plots pays for the points it draws only; with `words`
    False they are never made (see `chart_data_of`).
    """

    def __init__(self, words: bool = True) -> None:
        self.words = words
        self.points: dict[str, list[_Gathered]] = {}

    def add_result(self, key: str, view: ResultView, day: date, kind: PointKind) -> None:
        """The point of a result, made by `_result_point`."""
        gathered = _Gathered(
            day,
            view.value,
            view.flag,
            view.comparator,
            kind,
            view.estradiol_state,
            _result_point,
            (view, day, kind),
        )
        self.points.setdefault(key, []).append(gathered)

    def add_derived(
        self,
        key: str,
        derived: Derived,
        value: float,
        unit: str,
        day: date,
        text: str | None = None,
        flag: Flag | None = None,
        kind: PointKind = "labs",
        after: str = "",
    ) -> None:
        """The point of a calculated value, made by `_derived_point`."""
        arguments = (derived, value, unit, day, text, flag, kind, after)
        gathered = _Gathered(day, value, flag, None, kind, None, _derived_point, arguments)
        self.points.setdefault(key, []).append(gathered)

    def add_dexa(self, scan: DexaScan, view: ResultView) -> None:
        """The point of a DEXA scan (`view`: its T-score's view), made by `_dexa_point`."""
        gathered = _Gathered(
            scan.date, view.value, view.flag, None, "dexa", None, _dexa_point, (scan, view)
        )
        self.points.setdefault("dexa_t_score", []).append(gathered)

    def take(self, key: str) -> tuple[ChartPoint, ...]:
        gathered = sorted(self.points.get(key, ()), key=lambda item: item.day)
        if self.words:
            return tuple(item.make(*item.arguments) for item in gathered)
        return tuple(
            ChartPoint(
                item.day,
                item.value,
                "",
                item.flag,
                item.comparator,
                item.kind,
                item.estradiol_state,
            )
            for item in gathered
        )


def judged_free_t(view: DrawView, values: HistoryViews) -> ResultView | None:
    """A blood draw's calculated free testosterone, judged against the free testosterone range
    as a measured one is (`values`: the views of the draw's history); None when it could not
    be calculated."""
    free_t = view.derived.get("free_testosterone_calculated")
    if free_t is None or free_t.value is None:
        return None
    return values.value("free_testosterone", free_t.value, view.date)


def _collect_draw(view: DrawView, free_t: ResultView | None, collector: Collector) -> None:
    day = view.date
    for result in view.results:
        key = "free_testosterone_measured" if result.analyte == "free_testosterone" else None
        collector.add_result(key or result.analyte, result, day, "labs")
    derived = view.derived
    if free_t is not None:
        collector.add_derived(
            "free_testosterone_calculated",
            derived["free_testosterone_calculated"],
            free_t.value,
            free_t.unit,
            day,
            flag=free_t.flag,
            after=f", {FREE_T_LABEL}",
        )
    # docs/clinical.md §3: an SI ratio is never compared with 10, so each system plots its own
    # (the view holds the ratio of the system it was made in).
    t_e = derived["t_e_ratio"]
    if t_e.value is not None:
        shown = ratio_shown(t_e)
        assert shown is not None
        # Never rounded across the threshold (9.997 is not "10").
        collector.add_derived("t_e_ratio", t_e, t_e.value, "", day, f"{shown:g}")
    t_lh = derived["t_lh_ratio"]
    if t_lh.value is not None:
        collector.add_derived("t_lh_ratio", t_lh, t_lh.value, "", day)


def _collect_semen(view: DrawView, collector: Collector) -> None:
    for result in view.results:
        collector.add_result(result.analyte, result, view.date, "semen")
    for key in ("total_sperm_count", "tmsc", "tmsc_progressive"):
        derived = view.derived[key]
        if derived.value is None:
            continue
        # docs/clinical.md §2: the total count has a WHO lower limit of its own, read with the
        # view (the other counts have none).
        flag = view.derived_flags.get(key)
        collector.add_derived(key, derived, derived.value, "10^6", view.date, None, flag, "semen")


def series_of(
    collector: Collector, key: str, system: UnitSystem, style: SeriesStyle = "measured"
) -> ChartSeries:
    analyte = get_analyte(key)
    unit = convert_for_display(key, 0.0, system)[1]
    return ChartSeries(key, analyte.name, unit, collector.take(key), style)


def lower_limit_line(key: str, who_edition: str, series_key: str) -> ReferenceLine | None:
    target = default_range(key, who_edition)
    if target.low is None:
        return None
    name = get_analyte(key).name
    return ReferenceLine(
        target.low,
        f"WHO {who_edition} lower limit, {name.lower()} "
        f"{unit_value_text(target.low, get_analyte(key).canonical_unit)}",
        target.source,
        "lower_limit",
        series_key,
    )


def lipid_lines(history: History, system: UnitSystem) -> list[ReferenceLine]:
    lines: list[ReferenceLine] = []
    for key in LIPIDS:
        band, unit = target_band(key, history, system, "2021")
        if band is None:
            continue
        name = get_analyte(key).name
        for bound, word in ((band.low, "low"), (band.high, "high")):
            if bound is not None:
                label = f"{name} target {word} {format_value(bound)} {unit}"
                lines.append(ReferenceLine(bound, label, band.source, "target_bound", key))
    return lines


def dexa_zones() -> tuple[ShadedBand, ...]:
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


def symptom_series(history: History) -> tuple[ChartSeries, ...]:
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


def spans_and_changes(
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


class ChartReadings(NamedTuple):
    """The views a chart model is drawn from, each made once by `services.views`
    (docs/design.md "one reading computed once"): the report hands in those of its tables.

    `labs` pairs each blood draw with its calculated free testosterone as judged
    (`judged_free_t`); `dexa` pairs each DEXA scan with its view (the site and band are the
    scan's).
    """

    labs: tuple[tuple[DrawView, ResultView | None], ...] = ()
    semen: tuple[DrawView, ...] = ()
    dexa: tuple[tuple[DexaScan, DrawView], ...] = ()


def readings_of(history: History, system: UnitSystem, who_edition: str) -> ChartReadings:
    """The chart's readings of `history` (the Charts screen: no draw contexts needed)."""
    views = HistoryViews(history, system, who_edition)
    labs = [views.draw(draw) for draw in history.draws]
    return ChartReadings(
        labs=tuple((view, judged_free_t(view, views)) for view in labs),
        semen=tuple(semen_view(analysis, who_edition) for analysis in history.semen),
        dexa=tuple((scan, dexa_view(scan, history)) for scan in history.dexa),
    )


def readings_from_views(
    views: Sequence[DrawView], history: History, system: UnitSystem
) -> ChartReadings:
    """The chart's readings from `views`, as `all_draw_views(history, system, ...)` made them.

    Its DEXA views are the scans of `history` in date order (a stable sort, so scans of one
    day keep their order): each is paired with its scan again here.
    """
    scans = sorted(history.dexa, key=lambda scan: scan.date)
    dexa_views = [view for view in views if view.kind == "dexa"]
    if len(scans) != len(dexa_views) or any(
        scan.date != view.date for scan, view in zip(scans, dexa_views, strict=True)
    ):
        raise ValueError("the views are not those of this history")
    values = HistoryViews(history, system)
    return ChartReadings(
        labs=tuple((view, judged_free_t(view, values)) for view in views if view.kind == "labs"),
        semen=tuple(view for view in views if view.kind == "semen"),
        dexa=tuple(zip(scans, dexa_views, strict=True)),
    )


def collect(readings: ChartReadings, words: bool = True) -> Collector:
    """Every lab, semen and DEXA point of `readings`, by series key, in one pass (`words`:
    see `Collector`)."""
    collector = Collector(words)
    for view, free_t in readings.labs:
        _collect_draw(view, free_t, collector)
    for view in readings.semen:
        _collect_semen(view, collector)
    for scan, view in readings.dexa:
        collector.add_dexa(scan, view.results[0])
    return collector


def first_day_of(history: History) -> date | None:
    days = [draw.date for draw in history.draws]
    days += [analysis.date for analysis in history.semen]
    days += [scan.date for scan in history.dexa]
    days += [entry.date for entry in history.symptoms]
    days += [regimen.start for regimen in history.regimens]
    return min(days) if days else None
