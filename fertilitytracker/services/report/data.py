"""The clinician report as plain frozen data, built from a History: every number from the core.

Nothing here opens a file, a database or a window, and nothing reads the clock, so
`build_report_data` can run in any thread once the History and settings have been read.
"""

from __future__ import annotations

from datetime import date, datetime, time

from fertilitytracker.core.analytes import get_analyte, who_edition_sources
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.monitoring import (
    due_tests,
    offsets_with,
)
from fertilitytracker.core.ranges import (
    semen_lower_limit,
)
from fertilitytracker.core.records import (
    History,
    UnitSystem,
)
from fertilitytracker.services.chart_data import chart_data_of, readings_from_views
from fertilitytracker.services.report.cells import (
    ResultCells,
    calculated_free_t,
    change_between,
    marker_cells,
)
from fertilitytracker.services.report.lab_table import draw_contexts, lab_grid, lab_rows_of
from fertilitytracker.services.report.markers import (
    KEY_MARKERS,
    LIPIDS,
    flagged_lipids,
    key_markers,
    over_suppression_episodes,
)
from fertilitytracker.services.report.model import (
    ChangeCell,
    ChartPoint,
    ChartSeries,
    DrawContextRow,
    LabRow,
    MarkerSummary,
    MedicationSpan,
    OverSuppression,
    Period,
    ProgressCallback,
    RangeUsed,
    RegimenSummary,
    ReportData,
    ReportSettings,
    ResponseSummary,
    RuleUsed,
    SymptomSummary,
    TreatmentRow,
    ValueCell,
)
from fertilitytracker.services.report.period import age_on, history_as_of, resolve_period
from fertilitytracker.services.report.regimens import regimen_summaries
from fertilitytracker.services.report.responses import (
    RESPONSE_MARKERS,
    current_course_start,
    response_summary,
)
from fertilitytracker.services.report.sources import ranges_used, references_used, rules_used
from fertilitytracker.services.report.symptoms import symptom_summaries
from fertilitytracker.services.report.text import clinician_text
from fertilitytracker.services.report.trends import (
    chart_series,
    medication_spans,
    plots_read,
    sparklines,
)
from fertilitytracker.services.views import (
    SemenRow,
    all_draw_views,
    semen_view,
)


def _is_empty(history: History) -> bool:
    return not (
        history.regimens or history.draws or history.semen or history.dexa or history.symptoms
    )


def baseline_rule(course_start: date | None, gap_days: int) -> str:
    """How the baseline was chosen, in words, with the course start it used."""
    if course_start is None:
        return "Baseline: no hormone medication recorded, so the first value in the period."
    return (
        f"Baseline: the last value on or before {course_start.isoformat()}, when the current "
        f"course of hormone medication began (after {gap_days} days or more without any)."
    )


def _doses_in(history: History, period: Period) -> int:
    """How many doses were logged in the period (compared as moments: years of doses)."""
    first = datetime.combine(period.start, time.min)
    last = datetime.combine(period.end, time.max)
    return sum(1 for dose in history.doses if first <= dose.at <= last)


def _check_settings(settings: ReportSettings) -> UnitSystem:
    if settings.unit_system not in ("us", "si"):
        raise InputError("units", f"unknown unit system '{settings.unit_system}' (use us or si)")
    if settings.who_edition not in who_edition_sources():
        raise InputError("who_edition", f"unknown WHO edition '{settings.who_edition}'")
    return settings.unit_system


# ---------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------


def build_report_data(
    history: History,
    settings: ReportSettings,
    *,
    today: date,
    start: date | None = None,
    end: date | None = None,
    progress: ProgressCallback | None = None,
) -> ReportData:
    """The report of `history` over [start, end] (defaults: first record to `today`).

    Pure: safe to call from a worker thread with a History read elsewhere. Raises InputError
    ("from", "units", "who_edition" or a rule offset name) for refused parameters.
    """
    system = _check_settings(settings)
    period = resolve_period(history, today, start, end)
    as_of = min(period.end, today)
    if period.end < today:
        # A past period says nothing of what came after it: the journal as it stood at its end.
        history = history_as_of(history, period.end)
    rules = rules_used(settings.rule_offsets)
    base = ReportData(
        patient_name=settings.patient_name.strip(),
        patient_birth_date=settings.patient_birth_date.strip(),
        generated_on=today,
        period=period,
        unit_system=system,
        who_edition=settings.who_edition,
        is_empty=_is_empty(history),
        as_of=as_of,
        age=age_on(settings.patient_birth_date, as_of),
        rules=rules,
        references=references_used(system),
    )
    if base.is_empty:
        return base
    if progress is not None:
        progress(0.05, "reading the journal")
    # Every view, whatever the period, for baselines; the period's views for everything shown.
    all_views = all_draw_views(history, system, settings.who_edition)
    views = [view for view in all_views if period.contains(view.date)]
    semen_rows = tuple(
        SemenRow(analysis, semen_view(analysis, settings.who_edition))
        for analysis in sorted(history.semen, key=lambda a: a.date)
        if period.contains(analysis.date)
    )
    who_limits = tuple(
        (key, get_analyte(key).name, semen_lower_limit(key, settings.who_edition), unit)
        for key, unit in (
            ("semen_volume", "mL"),
            ("sperm_concentration", "10^6/mL"),
            ("total_motility", "%"),
            ("progressive_motility", "%"),
            ("normal_morphology", "%"),
            ("total_sperm_count", "10^6"),
        )
    )
    offsets = offsets_with(settings.rule_offsets)
    # The same views are the charts' readings (docs/design.md "one reading computed once"),
    # with each draw's calculated free T judged once for the lab table, page 1 and the charts.
    readings = readings_from_views(all_views, history, system)
    free_t = calculated_free_t(readings.labs)
    result_cells = ResultCells()
    lab_rows = lab_rows_of(history, views, system, free_t, result_cells)
    # Each marker's values over the whole journal, read once for page 1 and the responses.
    every = marker_cells(
        (*KEY_MARKERS, *LIPIDS, *RESPONSE_MARKERS), all_views, free_t, system, result_cells
    )
    # The trends are the Charts screen's own series, spans and bands.
    screen = chart_data_of(
        readings,
        history,
        system,
        settings.who_edition,
        as_of,
        plots_read(KEY_MARKERS),
        words=False,
    )
    course_start = current_course_start(history, as_of, offsets.course_gap_days)
    over_suppression = over_suppression_episodes(history, views, system)
    symptoms = [entry for entry in history.symptoms if period.contains(entry.date)]
    if progress is not None:
        progress(0.15, "computing the summary")
    return ReportData(
        patient_name=base.patient_name,
        patient_birth_date=base.patient_birth_date,
        generated_on=today,
        period=period,
        unit_system=system,
        who_edition=settings.who_edition,
        is_empty=False,
        as_of=as_of,
        age=base.age,
        regimens=regimen_summaries(history, period, today),
        markers=key_markers(history, every, period, course_start),
        baseline_rule=baseline_rule(course_start, offsets.course_gap_days),
        flagged_lipids=flagged_lipids(every, period),
        sparklines=sparklines(screen, period, KEY_MARKERS),
        over_suppression=over_suppression,
        due=tuple(sorted(due_tests(history, as_of, offsets), key=lambda t: (t.due, t.opens))),
        charts=chart_series(screen, period, over_suppression),
        spans=medication_spans(screen, period),
        responses=response_summary(history, every, period, course_start),
        lab_rows=lab_rows,
        lab_grid=lab_grid(lab_rows, system),
        draw_contexts=draw_contexts(views),
        semen=semen_rows,
        who_limits=who_limits,
        who_source=clinician_text(who_edition_sources()[settings.who_edition]),
        symptoms=symptom_summaries(symptoms),
        ranges=ranges_used(history, views, system),
        references=base.references,
        rules=rules,
        counts={
            "draws": sum(1 for v in views if v.kind == "labs"),
            "results": sum(len(v.results) for v in views if v.kind == "labs"),
            "semen": len(semen_rows),
            # One scan a day, whichever way it came in (docs/clinical.md §6): a DEXA form
            # entry or a draw's dexa_t_score result.
            "dexa": len(
                {
                    v.date
                    for v in views
                    if v.kind == "dexa" or any(r.analyte == "dexa_t_score" for r in v.results)
                }
            ),
            "symptoms": len(symptoms),
            "doses": _doses_in(history, period),
        },
    )


__all__ = [
    "KEY_MARKERS",
    "ChangeCell",
    "ChartPoint",
    "ChartSeries",
    "DrawContextRow",
    "LabRow",
    "MarkerSummary",
    "MedicationSpan",
    "OverSuppression",
    "Period",
    "ProgressCallback",
    "RangeUsed",
    "RegimenSummary",
    "ReportData",
    "ReportSettings",
    "ResponseSummary",
    "RuleUsed",
    "SemenRow",
    "SymptomSummary",
    "TreatmentRow",
    "ValueCell",
    "build_report_data",
    "change_between",
    "resolve_period",
]
