"""The Charts screen's data: series, bands, lines, spans and changes for a known journal."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.records import History
from fertilitytracker.services.chart_data import (
    PLOT_KEYS,
    ChartData,
    chart_data,
    format_value,
    hover_text,
    range_start,
)
from fertilitytracker.services.operations import (
    build_semen,
    change_regimen,
    record_dexa,
    record_semen,
    record_symptom,
    set_target,
    start_regimen,
    stop_regimen,
)
from fertilitytracker.storage.journal import Journal
from tests.builders import TODAY, panel
from tests.builders import draw as _draw


@pytest.fixture
def journal(journal: Journal) -> Journal:
    """A known course: anastrozole from 01-10, lowered 03-01, stopped 05-01; clomiphene 04-01."""
    opened = journal
    panel(
        opened,
        date(2026, 1, 5),
        "450",
        "30",
        ("lh", "4.5", "IU/L"),
        ("shbg", "30", "nmol/L"),
        ("hematocrit", "45", "%"),
        ("total_cholesterol", "190", "mg/dL"),
        ("hdl", "38", "mg/dL"),
    )
    panel(
        opened,
        date(2026, 2, 20),
        "500",
        "<8",
        ("shbg", "30", "nmol/L"),
        ("albumin", "4.3", "g/dL"),
        ("free_testosterone", "95", "pg/mL"),
    )
    _draw(opened, date(2026, 4, 20), ("total_testosterone", "1200", "ng/dL"))
    record_semen(opened, build_semen(date(2026, 1, 8), "3.0", "20", "50", "40"))
    record_semen(opened, build_semen(date(2026, 5, 8), "2.0", "15.5", "41", "31"))
    record_dexa(opened, date(2026, 1, 12), "-1.8", "spine")
    start_regimen(opened, "anastrozole", "1", "mg", "eod", date(2026, 1, 10))
    change_regimen(opened, "anastrozole", date(2026, 3, 1), dose="0.5")
    stop_regimen(opened, "anastrozole", date(2026, 5, 1))
    start_regimen(opened, "clomiphene", "25", "mg", "daily", date(2026, 4, 1))
    record_symptom(opened, date(2026, 1, 6), "libido", 6, "low")
    record_symptom(opened, date(2026, 2, 6), "libido", 4)
    record_symptom(opened, date(2026, 2, 6), "fatigue", 7)
    return opened


@pytest.fixture
def data(journal: Journal) -> ChartData:
    return chart_data(journal.history(), "us", "2021", TODAY)


def test_every_plot_is_listed_in_stack_order(data: ChartData) -> None:
    assert tuple(plot.key for plot in data.plots) == PLOT_KEYS
    assert PLOT_KEYS[0] == "total_testosterone" and PLOT_KEYS[-1] == "symptoms"
    assert not data.is_empty


def test_total_testosterone_points_flags_and_band(data: ChartData) -> None:
    plot = data.plot("total_testosterone")
    series = plot.series_by_key("total_testosterone")
    assert series.days == (date(2026, 1, 5), date(2026, 2, 20), date(2026, 4, 20))
    assert series.values == (450.0, 500.0, 1200.0)
    assert [point.flag for point in series.points] == ["in_range", "in_range", "high"]
    assert series.points[0].text == "450 ng/dL"
    (band,) = plot.bands
    assert (band.low, band.high) == (300.0, 1080.0)
    assert "AUA 2018" in band.source
    assert plot.unit == "ng/dL"


def test_units_convert_values_and_bands_in_si(journal: Journal) -> None:
    si = chart_data(journal.history(), "si", "2021", TODAY)
    plot = si.plot("total_testosterone")
    assert plot.unit == "nmol/L"
    assert plot.series[0].values[0] == pytest.approx(450 / 28.842)
    (band,) = plot.bands
    assert band.low == pytest.approx(300 / 28.842)
    assert band.high == pytest.approx(1080 / 28.842)
    estradiol = si.plot("estradiol")
    assert estradiol.unit == "pmol/L"
    assert estradiol.series[0].values[0] == pytest.approx(30 / 0.27238)
    lipids = si.plot("lipids")
    assert lipids.unit == "mmol/L"
    cholesterol_line = next(line for line in lipids.lines if line.series_key == "total_cholesterol")
    assert cholesterol_line.value == pytest.approx(200 / 38.67)


def test_censored_estradiol_is_drawn_at_its_limit_and_over_suppression_marked(
    data: ChartData,
) -> None:
    series = data.plot("estradiol").series[0]
    censored = series.points[1]
    assert censored.value == 8.0
    assert censored.comparator == "<"
    assert censored.censored
    assert censored.text == "<8 pg/mL"
    # "<8" is below the 10 pg/mL floor whatever its true value, and anastrozole was active.
    assert censored.flag == "low"
    assert censored.over_suppressed
    assert "below detection" in (censored.note or "")
    assert not series.points[0].over_suppressed


def test_free_testosterone_measured_and_calculated_are_separate_series(data: ChartData) -> None:
    plot = data.plot("free_testosterone")
    measured = plot.series_by_key("free_testosterone_measured")
    calculated = plot.series_by_key("free_testosterone_calculated")
    assert measured.style == "measured" and calculated.style == "calculated"
    assert measured.values == (95.0,)
    # docs/clinical.md §3 example: T 500 ng/dL, SHBG 30 nmol/L, albumin 4.3 g/dL → 110.9 pg/mL.
    by_day = dict(zip(calculated.days, calculated.points, strict=True))
    assert by_day[date(2026, 2, 20)].value == pytest.approx(110.9, abs=0.05)
    assert "calculated (Vermeulen)" in by_day[date(2026, 2, 20)].text
    # Without albumin in the draw the calculation says it assumed 43 g/L.
    assert "albumin assumed" in (by_day[date(2026, 1, 5)].note or "")


def test_free_testosterone_calculated_in_si(journal: Journal) -> None:
    si = chart_data(journal.history(), "si", "2021", TODAY)
    calculated = si.plot("free_testosterone").series_by_key("free_testosterone_calculated")
    assert dict(zip(calculated.days, calculated.values, strict=True))[
        date(2026, 2, 20)
    ] == pytest.approx(384.3, abs=0.3)


def test_t_e_ratio_and_its_threshold_per_unit_system(journal: Journal, data: ChartData) -> None:
    plot = data.plot("t_e_ratio")
    # T 450 ng/dL ÷ E2 30 pg/mL = 15.0; the "<8" draw gives no ratio.
    assert plot.series[0].days == (date(2026, 1, 5),)
    assert plot.series[0].values == (pytest.approx(15.0),)
    (line,) = plot.lines
    assert line.value == 10.0 and "Pavlovich 2001" in line.source
    si = chart_data(journal.history(), "si", "2021", TODAY).plot("t_e_ratio")
    assert si.lines[0].value == 0.0944
    assert si.series[0].values[0] == pytest.approx((450 / 28.842) / (30 / 0.27238))


def test_t_lh_reference_line_is_labelled_with_its_source(data: ChartData) -> None:
    plot = data.plot("t_lh_ratio")
    assert plot.series[0].values == (pytest.approx(100.0),)
    (line,) = plot.lines
    assert line.value == 100.0
    assert line.kind == "reference"
    assert "Lundy" in line.label and "Lundy" in line.source
    assert plot.series[0].points[0].flag is None  # a reference line, not a flag


def test_semen_limits_follow_the_who_edition(journal: Journal, data: ChartData) -> None:
    concentration = data.plot("sperm_concentration")
    assert concentration.bands[0].low == 16.0 and concentration.bands[0].high is None
    assert [p.flag for p in concentration.series[0].points] == ["in_range", "low"]
    older = chart_data(journal.history(), "us", "2010", TODAY).plot("sperm_concentration")
    assert older.bands[0].low == 15.0
    assert [p.flag for p in older.series[0].points] == ["in_range", "in_range"]
    motility = data.plot("motility")
    assert {line.series_key: line.value for line in motility.lines} == {
        "total_motility": 42.0,
        "progressive_motility": 30.0,
    }


def test_tmsc_worked_example(data: ChartData) -> None:
    plot = data.plot("tmsc")
    # 3.0 mL × 20 M/mL, 50 % total, 40 % progressive → total 60, TMSC 30, progressive 24.
    assert plot.series_by_key("total_sperm_count").values[0] == pytest.approx(60.0)
    assert plot.series_by_key("tmsc").values[0] == pytest.approx(30.0)
    assert plot.series_by_key("tmsc_progressive").values[0] == pytest.approx(24.0)
    assert [line.series_key for line in plot.lines] == ["total_sperm_count"]
    assert plot.lines[0].value == 39.0


def test_hematocrit_action_line_and_lipid_bounds(data: ChartData) -> None:
    hematocrit = data.plot("hematocrit")
    assert (hematocrit.bands[0].low, hematocrit.bands[0].high) == (38.8, 50.0)
    assert [(line.kind, line.value) for line in hematocrit.lines] == [("action", 54.0)]
    lipids = data.plot("lipids")
    bounds = {(line.series_key, line.value) for line in lipids.lines}
    assert bounds == {
        ("total_cholesterol", 200.0),
        ("hdl", 40.0),
        ("ldl", 100.0),
        ("triglycerides", 150.0),
    }
    hdl = lipids.series_by_key("hdl")
    assert hdl.points[0].flag == "low"


def test_dexa_target_and_who_zones(data: ChartData) -> None:
    plot = data.plot("dexa_t_score")
    target = [band for band in plot.bands if band.kind == "target"]
    zones = [band for band in plot.bands if band.kind == "zone"]
    assert [(band.low, band.high) for band in target] == [(-1.0, None)]
    assert sorted((band.low, band.high) for band in zones if band.low is not None) == [(-2.5, -1.0)]
    assert [(band.low, band.high) for band in zones if band.low is None] == [(None, -2.5)]
    point = plot.series[0].points[0]
    assert point.value == -1.8 and point.flag == "low"
    assert "osteopenia" in (point.note or "")


def test_clinician_target_replaces_the_default_band(journal: Journal) -> None:
    set_target(journal, "estradiol", "15", "35", "pg/mL", TODAY)
    plot = chart_data(journal.history(), "us", "2021", TODAY).plot("estradiol")
    assert (plot.bands[0].low, plot.bands[0].high) == (15.0, 35.0)
    assert "clinician" in plot.bands[0].label


def test_medication_spans_end_at_stop_or_today(data: ChartData) -> None:
    spans = {span.name: span for span in data.spans}
    assert spans["anastrozole"].start == date(2026, 1, 10)
    assert spans["anastrozole"].end == date(2026, 5, 1)
    assert not spans["anastrozole"].ongoing
    assert spans["clomiphene"].end == TODAY
    assert spans["clomiphene"].ongoing
    assert spans["anastrozole"].regimen_index != spans["clomiphene"].regimen_index


def test_dose_changes_are_labelled_with_the_new_dose(data: ChartData) -> None:
    changes = [(c.day, c.kind, c.name, c.label) for c in data.changes]
    assert changes == [
        (date(2026, 1, 10), "start", "anastrozole", "1 mg every other day"),
        (date(2026, 3, 1), "change", "anastrozole", "0.5 mg every other day"),
        (date(2026, 4, 1), "start", "clomiphene", "25 mg daily"),
        (date(2026, 5, 1), "stop", "anastrozole", "stopped"),
    ]


def test_days_after_the_latest_change(data: ChartData) -> None:
    assert data.since_change_text(date(2026, 1, 5)) is None
    assert (
        data.since_change_text(date(2026, 3, 15))
        == "14 days after anastrozole changed to 0.5 mg every other day on 2026-03-01"
    )
    assert data.since_change_text(date(2026, 4, 2)) == (
        "1 day after clomiphene started at 25 mg daily on 2026-04-01"
    )


def test_hover_text_has_date_value_flag_and_change(data: ChartData) -> None:
    series = data.plot("estradiol").series[0]
    text = hover_text(data, series, series.points[1])
    assert text.startswith("2026-02-20 · Estradiol: <8 pg/mL · ▼ below target range")
    assert "below the floor of 10 pg/mL while an aromatase inhibitor (anastrozole)" in text
    assert "41 days after anastrozole started at 1 mg every other day on 2026-01-10" in text
    semen = data.plot("sperm_concentration").series[0]
    assert "▼ below WHO lower reference limit" in hover_text(data, semen, semen.points[1])


def test_symptom_series_per_name(data: ChartData) -> None:
    plot = data.plot("symptoms")
    assert [series.label for series in plot.series] == ["fatigue", "libido"]
    libido = plot.series_by_key("symptom:libido")
    assert libido.values == (6.0, 4.0)
    assert libido.points[0].note == "low"
    assert not libido.points[0].opens_draw


def test_estradiol_warning_names_the_latest_over_suppressed_result(tmp_path: Path) -> None:
    journal = Journal.open(tmp_path / "warning.sqlite3")
    start_regimen(journal, "anastrozole", "1", "mg", "daily", date(2026, 5, 1))
    _draw(journal, date(2026, 5, 20), ("estradiol", "7", "pg/mL"))
    plot = chart_data(journal.history(), "us", "2021", TODAY).plot("estradiol")
    journal.close()
    assert plot.warning is not None
    assert "7 pg/mL" in plot.warning and "aromatase inhibitor" in plot.warning


def test_empty_history_is_empty() -> None:
    data = chart_data(History(), "us", "2021", TODAY)
    assert data.is_empty
    assert data.first_day is None
    assert all(not plot.has_points for plot in data.plots)
    assert data.spans == () and data.changes == ()


def test_range_presets() -> None:
    first = date(2020, 3, 1)
    assert range_start("3m", TODAY, first) == TODAY - timedelta(days=91)
    assert range_start("6m", TODAY, first) == TODAY - timedelta(days=182)
    assert range_start("1y", TODAY, first) == TODAY - timedelta(days=365)
    assert range_start("all", TODAY, first) == first
    assert range_start("all", TODAY, None) == TODAY - timedelta(days=91)
    with pytest.raises(InputError) as refused:
        range_start("2w", TODAY, first)
    assert refused.value.field == "range"


def test_value_extent_covers_points_bands_and_lines(data: ChartData) -> None:
    assert data.plot("total_testosterone").value_extent() == (300.0, 1200.0)
    assert data.plot("hematocrit").value_extent() == (38.8, 54.0)
    assert data.plot("shbg").value_extent() == (17.0, 56.0)


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).filter(lambda v: v != 0))
def test_format_value_keeps_three_significant_figures(value: float) -> None:
    text = format_value(value)
    assert "e" not in text
    parsed = float(text.replace("−", "-"))
    assert parsed == pytest.approx(value, rel=5e-3, abs=5e-3 * abs(value) + 1e-12)


def test_chart_data_does_not_load_qt() -> None:
    code = (
        "import sys, fertilitytracker.services.chart_data as m;"
        "assert 'PySide6' not in sys.modules and 'pyqtgraph' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_plot_of_the_stack_has_a_builder() -> None:
    from fertilitytracker.services.chart_data.plots import BUILDERS

    assert set(BUILDERS) == set(PLOT_KEYS)
