"""The report model: every figure of the known journal, periods, units and refused parameters."""

from __future__ import annotations

from datetime import date

import pytest

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.records import History, LabDraw, LabResult, Regimen, RegimenStep
from fertilitytracker.services.report import ReportSettings, build_report_data, report_settings
from fertilitytracker.services.report.data import ChangeCell, ValueCell, change_between
from fertilitytracker.storage.journal import Journal
from tests.report.conftest import TODAY


def _marker(data, key):  # type: ignore[no-untyped-def]
    return next(marker for marker in data.markers if marker.key == key)


def test_period_runs_from_first_record_to_today(history: History, settings: ReportSettings) -> None:
    data = build_report_data(history, settings, today=TODAY)
    assert (data.period.start, data.period.end) == (date(2025, 1, 5), TODAY)
    assert data.generated_on == TODAY
    assert not data.is_empty
    assert data.patient_name == "José Ñúñez"


def test_key_markers_latest_baseline_and_change(history: History, settings: ReportSettings) -> None:
    data = build_report_data(history, settings, today=TODAY)
    testosterone = _marker(data, "total_testosterone")
    assert testosterone.latest is not None and testosterone.baseline is not None
    assert (testosterone.latest.value, testosterone.latest.day) == (520.0, date(2025, 3, 20))
    # Baseline: the last value on or before the first hormone medication (2025-01-10).
    assert (testosterone.baseline.value, testosterone.baseline.flag) == (250.0, "low")
    assert testosterone.change == ChangeCell(270.0, pytest.approx(108.0))

    estradiol = _marker(data, "estradiol")
    assert estradiol.latest is not None
    assert (estradiol.latest.value, estradiol.latest.flag) == (8.0, "low")

    ratio = _marker(data, "t_e_ratio")
    assert ratio.baseline is not None and ratio.latest is not None
    # 250 / 30: below the historical reference of 10, a reference and not a range flag.
    assert ratio.baseline.value == pytest.approx(8.3333, rel=1e-4)
    assert ratio.baseline.flag == "below_reference"
    assert ratio.latest.value == pytest.approx(65.0)
    assert ratio.latest.flag == "none"

    tmsc = _marker(data, "tmsc")
    assert tmsc.baseline is not None and tmsc.latest is not None
    # docs/clinical.md §3: 3.0 mL × 20 M/mL × 50 % = 30 million; then 2.0 × 10 × 30 % = 6.
    assert (tmsc.baseline.value, tmsc.latest.value) == (pytest.approx(30.0), pytest.approx(6.0))

    free = _marker(data, "free_testosterone")
    assert free.latest is not None
    assert free.latest.note is not None and "calculated (Vermeulen)" in free.latest.note
    assert "albumin assumed" in free.latest.note
    # The only draw with SHBG is the baseline itself: no change to show.
    assert free.change is None


def test_over_suppression_found_for_each_low_estradiol_on_the_inhibitor(
    history: History, settings: ReportSettings
) -> None:
    data = build_report_data(history, settings, today=TODAY)
    episodes = [
        (e.day, e.value.comparator, e.value.value, e.is_latest) for e in data.over_suppression
    ]
    assert episodes == [
        (date(2025, 2, 10), "<", 5.0, False),
        (date(2025, 3, 20), None, 8.0, True),
    ]
    assert data.over_suppression[-1].floor == 10.0
    assert data.over_suppression[-1].inhibitors == ("anastrozole",)
    # The chart labels the most recent one beside its estradiol point.
    estradiol = next(series for series in data.charts if series.key == "estradiol")
    annotated = [(point.day, point.annotation) for point in estradiol.points if point.annotation]
    assert annotated == [(date(2025, 3, 20), "on anastrozole")]


def test_estradiol_low_without_an_inhibitor_is_no_over_suppression(
    settings: ReportSettings,
) -> None:
    draw = LabDraw(date(2025, 1, 6), (LabResult("estradiol", 8.0, 8.0, "pg/mL"),))
    data = build_report_data(History(draws=(draw,)), settings, today=TODAY)
    assert data.over_suppression == ()
    assert data.lab_rows[0].value.flag == "low"


def test_regimen_and_adherence_over_the_period(history: History, settings: ReportSettings) -> None:
    data = build_report_data(history, settings, today=TODAY)
    (regimen,) = data.regimens
    assert regimen.name == "anastrozole"
    assert regimen.class_label == "aromatase inhibitor"
    assert (regimen.dose_text, regimen.schedule_text) == ("0.5 mg", "daily")
    assert regimen.steps == (
        (date(2025, 1, 10), "1 mg daily"),
        (date(2025, 2, 15), "0.5 mg daily"),
    )
    # 2025-01-10 .. 2025-04-09 are 90 days; today's dose is not missed yet; 3 forgotten.
    assert (regimen.adherence.expected, regimen.adherence.taken) == (90, 87)
    assert regimen.adherence.missed == 3

    march = build_report_data(
        history, settings, today=TODAY, start=date(2025, 3, 1), end=date(2025, 3, 31)
    )
    (in_march,) = march.regimens
    assert (in_march.adherence.expected, in_march.adherence.missed) == (31, 1)


def test_tests_due_come_from_the_monitoring_rules(
    history: History, settings: ReportSettings
) -> None:
    data = build_report_data(history, settings, today=TODAY)
    due = {(test.test, test.status) for test in data.due}
    assert ("lipid_panel", "overdue") in due
    assert ("hormone_panel", "upcoming") in due
    # A clinician's offset is used, and the rules section says so.
    custom = ReportSettings(rule_offsets={"hormone_on_therapy_interval_days": 60})
    changed = build_report_data(history, custom, today=TODAY)
    panel = next(test for test in changed.due if test.test == "hormone_panel")
    assert panel.due == date(2025, 5, 19)
    rule = next(rule for rule in changed.rules if rule.rule_id == "Hormone panel on therapy")
    assert ("hormone_on_therapy_interval_days", 60, True) in rule.offsets


def test_response_rows_per_combination_in_force(history: History, settings: ReportSettings) -> None:
    data = build_report_data(history, settings, today=TODAY)
    summary = data.responses
    assert summary is not None
    keys = [key for key, _label in summary.columns]
    assert keys == ["total_testosterone", "estradiol", "t_e_ratio", "lh", "fsh", "tmsc"]
    assert [(row.label, row.start) for row in summary.rows] == [
        ("anastrozole 1 mg", date(2025, 1, 10)),
        ("anastrozole 0.5 mg", date(2025, 2, 15)),
    ]
    first, second = summary.rows
    estradiol = keys.index("estradiol")
    first_e2, second_e2 = first.values[estradiol], second.values[estradiol]
    assert first_e2 is not None and (first_e2.comparator, first_e2.value) == ("<", 5.0)
    assert second_e2 is not None and second_e2.value == 8.0
    # A ratio with a censored input is not computed: "—" and the reason.
    ratio_first = first.values[keys.index("t_e_ratio")]
    assert ratio_first is not None and ratio_first.value is None
    assert ratio_first.note is not None and "below detection" in ratio_first.note
    # Testosterone typed in nmol/L is converted: 15.6 × 28.842 = 449.9 ng/dL.
    testosterone_first = first.values[keys.index("total_testosterone")]
    assert testosterone_first is not None
    assert testosterone_first.value == pytest.approx(449.94, abs=0.01)
    # The 2025-04-01 semen is 45 days after the change to 0.5 mg: too early to reflect it.
    assert second.values[keys.index("tmsc")] is None
    assert second.semen_note == "too early: day 45 of 74"
    assert summary.course_start == date(2025, 1, 10)


def test_lab_rows_show_entered_and_converted_values(
    history: History, settings: ReportSettings
) -> None:
    data = build_report_data(history, settings, today=TODAY)
    testosterone = next(row for row in data.lab_rows if row.entered == "15.6 nmol/L")
    assert testosterone.value.value == pytest.approx(449.94, abs=0.01)
    assert testosterone.value.unit == "ng/dL"
    censored = next(row for row in data.lab_rows if row.entered == "<5 pg/mL")
    assert censored.value.flag == "low"
    ldl = next(row for row in data.lab_rows if row.name == "LDL cholesterol")
    assert (ldl.value.flag, ldl.range_high) == ("high", 100.0)
    dexa = next(row for row in data.lab_rows if row.kind == "dexa")
    assert dexa.value.flag == "low"
    assert "osteopenia band" in dexa.range_from
    derived = [row.name for row in data.lab_rows if row.kind == "derived"]
    assert derived.count("T/E ratio") == 3  # each draw with testosterone and estradiol


def test_si_units_convert_values_ranges_and_ratio_threshold(history: History) -> None:
    data = build_report_data(history, ReportSettings(unit_system="si"), today=TODAY)
    testosterone = _marker(data, "total_testosterone")
    assert testosterone.latest is not None
    assert testosterone.latest.unit == "nmol/L"
    assert testosterone.latest.value == pytest.approx(520 / 28.842, rel=1e-6)
    ratio = _marker(data, "t_e_ratio")
    # In SI the reference is 0.0944, never 10: 8.67 nmol/L ÷ 110.1 pmol/L = 0.0787 is below it.
    assert ratio.baseline is not None and ratio.baseline.value == pytest.approx(0.0787, abs=1e-4)
    assert ratio.baseline.flag == "below_reference"
    chart = next(series for series in data.charts if series.key == "t_e_ratio")
    assert chart.reference == 0.0944
    band = next(series for series in data.charts if series.key == "total_testosterone")
    assert band.band_low == pytest.approx(300 / 28.842, rel=1e-6)


def test_period_filters_what_is_shown_but_keeps_the_baseline(
    history: History, settings: ReportSettings
) -> None:
    data = build_report_data(history, settings, today=TODAY, start=date(2025, 3, 1))
    assert {row.day for row in data.lab_rows} == {date(2025, 3, 20)}
    testosterone = _marker(data, "total_testosterone")
    assert testosterone.baseline is not None
    assert testosterone.baseline.day == date(2025, 1, 6)  # baseline from before the period
    assert [s.name for s in data.symptoms] == ["joint pain", "libido"]
    assert data.semen[0].analysis.date == date(2025, 4, 1)


def test_symptom_summary_mean_trend_and_grouped_notes(
    history: History, settings: ReportSettings
) -> None:
    data = build_report_data(history, settings, today=TODAY)
    libido = next(s for s in data.symptoms if s.name == "libido")
    assert (libido.count, libido.mean) == (4, 5.5)
    # 7, 6, 5, 4 thirty days apart: one point less per 30 days.
    assert libido.slope_per_30_days == pytest.approx(-1.0)
    joints = next(s for s in data.symptoms if s.name == "joint pain")
    assert joints.notes == (("knees ache in the morning", (date(2025, 3, 1), date(2025, 3, 8))),)


def test_clinician_target_is_used_and_reported(filled: Journal) -> None:
    from fertilitytracker.services.operations import set_target

    set_target(filled, "estradiol", "15", "40", "pg/mL", date(2025, 3, 1))
    data = build_report_data(filled.history(), report_settings(filled), today=TODAY)
    used = next(r for r in data.ranges if r.analyte == "estradiol")
    assert (used.low, used.high) == (15.0, 40.0)
    assert used.origin.startswith("clinician")
    baseline_draw = next(
        row for row in data.lab_rows if row.name == "Estradiol" and row.day == date(2025, 1, 6)
    )
    assert baseline_draw.range_low == 15.0


def test_empty_history_gives_an_empty_report() -> None:
    data = build_report_data(History(), ReportSettings(), today=TODAY)
    assert data.is_empty
    assert data.period.start == data.period.end == TODAY
    assert data.markers == () and data.lab_rows == ()
    assert data.rules  # the rules are printed even then


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        (ReportSettings(unit_system="metric"), "units"),  # type: ignore[arg-type]
        (ReportSettings(who_edition="1999"), "who_edition"),
        (ReportSettings(rule_offsets={"no_such_offset": 3}), "offsets"),
    ],
)
def test_bad_settings_are_refused(settings: ReportSettings, field: str) -> None:
    with pytest.raises(InputError) as refused:
        build_report_data(History(), settings, today=TODAY)
    assert refused.value.field == field


def test_start_after_end_is_refused(history: History, settings: ReportSettings) -> None:
    with pytest.raises(InputError) as refused:
        build_report_data(
            history, settings, today=TODAY, start=date(2025, 3, 1), end=date(2025, 2, 1)
        )
    assert refused.value.field == "from"


def test_change_between_censored_missing_and_same_value() -> None:
    day1, day2 = date(2025, 1, 1), date(2025, 2, 1)
    assert change_between(None, ValueCell(1.0, "x", day2)) is None
    same = ValueCell(5.0, "x", day1)
    assert change_between(same, same) is None
    censored = change_between(ValueCell(5.0, "x", day1, comparator="<"), ValueCell(8.0, "x", day2))
    assert censored is not None and censored.absolute is None and censored.reason
    from_zero = change_between(ValueCell(0.0, "x", day1), ValueCell(8.0, "x", day2))
    assert from_zero == ChangeCell(8.0, None)


def test_stopped_regimen_outside_the_period_is_left_out(settings: ReportSettings) -> None:
    old = Regimen(
        "clomiphene",
        "serm",
        (RegimenStep(date(2024, 1, 1), 25, "mg", "daily"),),
        stop=date(2024, 2, 1),
        id=1,  # type: ignore[arg-type]
    )
    draw = LabDraw(date(2025, 1, 6), (LabResult("lh", 3.0, 3.0, "IU/L"),))
    data = build_report_data(
        History(regimens=(old,), draws=(draw,)), settings, today=TODAY, start=date(2025, 1, 1)
    )
    assert data.regimens == () and data.responses is None and data.spans == ()


def test_trends_are_the_charts_screens_series(history: History, settings: ReportSettings) -> None:
    from fertilitytracker.services.chart_data import chart_data

    data = build_report_data(history, settings, today=TODAY)
    screen = chart_data(history, "us", "2021", TODAY)
    for series in data.charts:
        shown = screen.plot(series.key).series_by_key(series.key)
        assert [(p.day, p.value) for p in series.points] == [(p.day, p.value) for p in shown.points]
    estradiol = next(series for series in data.charts if series.key == "estradiol")
    assert (estradiol.band_low, estradiol.band_high) == (10.0, 42.0)
    assert [p.flag for p in estradiol.points] == ["in_range", "low", "low"]
    ratio = next(series for series in data.charts if series.key == "t_e_ratio")
    assert ratio.reference == 10.0 and ratio.points[0].flag == "below_reference"
    (span,) = data.spans
    assert span.steps == ((date(2025, 1, 10), "1 mg daily"), (date(2025, 2, 15), "0.5 mg daily"))


def test_page_one_trend_lines_hold_each_markers_values(
    history: History, settings: ReportSettings
) -> None:
    data = build_report_data(history, settings, today=TODAY)
    testosterone = data.sparklines["total_testosterone"]
    assert [day for day, _value in testosterone] == [
        date(2025, 1, 6),
        date(2025, 2, 10),
        date(2025, 3, 20),
    ]
    assert testosterone[-1][1] == 520.0
    assert [value for _day, value in data.sparklines["tmsc"]] == [30.0, 6.0]
    # Within a shorter period, only its own values.
    march = build_report_data(history, settings, today=TODAY, start=date(2025, 3, 1))
    assert [day for day, _value in march.sparklines["total_testosterone"]] == [date(2025, 3, 20)]


def test_a_dexa_t_score_recorded_as_a_lab_result_counts_as_a_scan(
    history: History, settings: ReportSettings
) -> None:
    before = build_report_data(history, settings, today=TODAY).counts["dexa"]
    day = TODAY.replace(day=1)
    draw = LabDraw(day, (LabResult("dexa_t_score", -2.6, -2.6, "SD"),))
    more = History(**{**history.__dict__, "draws": (*history.draws, draw)})
    assert build_report_data(more, settings, today=TODAY).counts["dexa"] == before + 1
