"""The chart model of a journal: one small builder per kind of plot, in a registry."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date, timedelta
from typing import NamedTuple

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.derived import (
    FREE_T_LABEL,
    T_E_THRESHOLD_SI,
    T_E_THRESHOLD_SI_SOURCE,
    T_E_THRESHOLD_US,
    T_E_THRESHOLD_US_SOURCE,
    T_LH_REFERENCE,
    T_LH_REFERENCE_SOURCE,
)
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.records import History, UnitSystem
from fertilitytracker.core.units import convert_for_display
from fertilitytracker.services.chart_data.model import (
    PLOTS,
    SYMPTOM_SCALE_MAX,
    ChartData,
    ChartSeries,
    PlotData,
    PlotSpec,
    ReferenceLine,
    ShadedBand,
    format_value,
    unit_value_text,
)
from fertilitytracker.services.chart_data.points import (
    LIPIDS,
    ChartReadings,
    Collector,
    collect,
    dexa_zones,
    first_day_of,
    lipid_lines,
    lower_limit_line,
    readings_of,
    series_of,
    spans_and_changes,
    symptom_series,
    target_band,
)

SINGLE_ANALYTE_PLOTS = ("total_testosterone", "estradiol", "lh", "fsh", "shbg", "hematocrit")
MOTILITY = ("total_motility", "progressive_motility")


class PlotInputs(NamedTuple):
    """What a plot builder reads: its spec, the points gathered and the journal's settings."""

    spec: PlotSpec
    collector: Collector
    history: History
    system: UnitSystem
    who_edition: str


PlotBuilder = Callable[[PlotInputs], PlotData]


def chart_data(history: History, system: UnitSystem, who_edition: str, today: date) -> ChartData:
    """Every plot of the Charts screen for `history`, in `system`, WHO limits of `who_edition`."""
    readings = readings_of(history, system, who_edition)
    return chart_data_of(readings, history, system, who_edition, today)


def chart_data_of(
    readings: ChartReadings,
    history: History,
    system: UnitSystem,
    who_edition: str,
    today: date,
    plots: Collection[str] | None = None,
    words: bool = True,
) -> ChartData:
    """As `chart_data`, from readings already made of `history` (the report's views, read
    once for its tables and its charts: `readings_from_views`), with only the plots keyed in
    `plots` when given (in the stack's order).

    `words` False: the points of `readings` carry what is drawn (day, value, flag,
    comparator, estradiol state) and no words (text "", no note, flag words or headline,
    hence no plot warning), for a reader that draws them and never hovers them, as the
    report does (symptom ratings, read from `history`, keep theirs).
    """
    collector = collect(readings, words)
    built = tuple(
        BUILDERS[spec.key](PlotInputs(spec, collector, history, system, who_edition))
        for spec in PLOTS
        if plots is None or spec.key in plots
    )
    spans, changes = spans_and_changes(history.regimens, today)
    return ChartData(
        plots=built,
        spans=spans,
        changes=changes,
        unit_system=system,
        who_edition=who_edition,
        today=today,
        first_day=first_day_of(history),
    )


def _over_suppression_warning(series: ChartSeries) -> str | None:
    """docs/clinical.md §4: the latest estradiol below the floor, or that cannot tell, while an
    aromatase inhibitor is active (as `core.reading` decided it for that result)."""
    if not series.points:
        return None
    latest = series.points[-1]
    # A point has a headline exactly when it has an estradiol state, and made without its
    # words (`chart_data_of`), neither.
    if latest.headline is None:
        return None
    # Short enough for one title line: the hover and the tooltip carry the full caution.
    return f"⚠ Latest estradiol ({latest.text}, {latest.day.isoformat()}) {latest.headline}"


def _bands(band: ShadedBand | None) -> tuple[ShadedBand, ...]:
    return (band,) if band else ()


def _single_analyte(given: PlotInputs) -> PlotData:
    key = given.spec.key
    band, unit = target_band(key, given.history, given.system, given.who_edition)
    lines: tuple[ReferenceLine, ...] = ()
    analyte = get_analyte(key)
    if analyte.action_high is not None:
        action = convert_for_display(key, analyte.action_high, given.system)[0]
        label = f"action level {unit_value_text(action, unit)}"
        lines = (ReferenceLine(action, label, analyte.action_source, "action", key),)
    series = series_of(given.collector, key, given.system)
    return PlotData(
        key,
        given.spec.title,
        unit,
        (series,),
        bands=_bands(band),
        lines=lines,
        warning=_over_suppression_warning(series),
    )


def _free_testosterone(given: PlotInputs) -> PlotData:
    key = given.spec.key
    band, unit = target_band(key, given.history, given.system, given.who_edition)
    take = given.collector.take
    measured = ChartSeries(
        "free_testosterone_measured",
        "Free testosterone (measured)",
        unit,
        take("free_testosterone_measured"),
        "measured",
    )
    calculated = ChartSeries(
        "free_testosterone_calculated",
        f"Free testosterone ({FREE_T_LABEL})",
        unit,
        take("free_testosterone_calculated"),
        "calculated",
    )
    return PlotData(key, given.spec.title, unit, (measured, calculated), _bands(band))


def _t_e_ratio(given: PlotInputs) -> PlotData:
    if given.system == "si":
        unit, threshold, source = "nmol/L per pmol/L", T_E_THRESHOLD_SI, T_E_THRESHOLD_SI_SOURCE
    else:
        unit, threshold, source = "ng/dL per pg/mL", T_E_THRESHOLD_US, T_E_THRESHOLD_US_SOURCE
    cited = f"T/E {format_value(threshold)} (Pavlovich 2001; Raman & Schlegel 2002)"
    line = ReferenceLine(threshold, cited, source, "threshold", "t_e_ratio")
    return _ratio_plot(given, "T/E ratio", unit, line)


def _t_lh_ratio(given: PlotInputs) -> PlotData:
    cited = f"T/LH {format_value(T_LH_REFERENCE)} (Lundy et al., Fertil Steril 2023)"
    line = ReferenceLine(T_LH_REFERENCE, cited, T_LH_REFERENCE_SOURCE, "reference", "t_lh_ratio")
    return _ratio_plot(given, "T/LH ratio", "ng/dL per IU/L", line)


def _ratio_plot(given: PlotInputs, label: str, unit: str, line: ReferenceLine) -> PlotData:
    """A calculated ratio (the plot's key is its series') against its one cited line."""
    key = given.spec.key
    series = ChartSeries(key, label, unit, given.collector.take(key), "calculated")
    return PlotData(key, given.spec.title, unit, (series,), lines=(line,))


def _sperm_concentration(given: PlotInputs) -> PlotData:
    key = given.spec.key
    band, unit = target_band(key, given.history, given.system, given.who_edition)
    if band is not None:
        band = ShadedBand(
            band.low,
            band.high,
            f"WHO {given.who_edition} lower limit {unit_value_text(band.low or 0.0, unit)}",
            band.source,
        )
    series = series_of(given.collector, key, given.system)
    return PlotData(key, given.spec.title, unit, (series,), bands=_bands(band))


def _motility(given: PlotInputs) -> PlotData:
    series = tuple(series_of(given.collector, analyte, given.system) for analyte in MOTILITY)
    lines = tuple(
        line
        for analyte in MOTILITY
        if (line := lower_limit_line(analyte, given.who_edition, analyte)) is not None
    )
    return PlotData(given.spec.key, given.spec.title, "%", series, lines=lines)


def _tmsc(given: PlotInputs) -> PlotData:
    take = given.collector.take
    total = ChartSeries("total_sperm_count", "Total sperm count", "10^6", take("total_sperm_count"))
    tmsc = ChartSeries("tmsc", "TMSC (total motile)", "10^6", take("tmsc"), "calculated")
    progressive = ChartSeries(
        "tmsc_progressive", "Progressive TMSC", "10^6", take("tmsc_progressive"), "calculated"
    )
    # WHO sets a lower limit for the total count only; TMSC has none in docs/clinical.md.
    limit = lower_limit_line("total_sperm_count", given.who_edition, "total_sperm_count")
    return PlotData(
        given.spec.key,
        given.spec.title,
        "10^6",
        (total, tmsc, progressive),
        lines=(limit,) if limit else (),
    )


def _lipids(given: PlotInputs) -> PlotData:
    series = tuple(series_of(given.collector, analyte, given.system) for analyte in LIPIDS)
    lines = tuple(lipid_lines(given.history, given.system))
    return PlotData(given.spec.key, given.spec.title, series[0].unit, series, lines=lines)


def _dexa_t_score(given: PlotInputs) -> PlotData:
    key = given.spec.key
    band, unit = target_band(key, given.history, given.system, given.who_edition)
    series = series_of(given.collector, key, "us")
    return PlotData(key, given.spec.title, unit, (series,), bands=_bands(band) + dexa_zones())


def _symptoms(given: PlotInputs) -> PlotData:
    unit = f"0–{SYMPTOM_SCALE_MAX}"
    return PlotData(given.spec.key, given.spec.title, unit, symptom_series(given.history))


# One builder per kind of plot; every key of PLOTS has one (tests/services/test_chart_data.py).
BUILDERS: dict[str, PlotBuilder] = {
    **{key: _single_analyte for key in SINGLE_ANALYTE_PLOTS},
    "free_testosterone": _free_testosterone,
    "t_e_ratio": _t_e_ratio,
    "t_lh_ratio": _t_lh_ratio,
    "sperm_concentration": _sperm_concentration,
    "motility": _motility,
    "tmsc": _tmsc,
    "lipids": _lipids,
    "dexa_t_score": _dexa_t_score,
    "symptoms": _symptoms,
}


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
