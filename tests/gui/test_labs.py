"""The Labs screen driven through its real widgets: draw form, draws table, details, DEXA."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.screens.labs import ANALYTE_KEY_ROLE, LabsScreen, ResultRow
from fertilitytracker.gui.theme import flag_color
from fertilitytracker.services.operations import ResultInput, record_dexa, record_draw
from fertilitytracker.services.settings import set_setting
from fertilitytracker.storage.journal import Journal
from tests.builders import TODAY, draw
from tests.gui._fixtures_labs import column_named, column_texts, edit_result

pytestmark = pytest.mark.gui


@pytest.fixture
def screen(show, context: AppContext) -> LabsScreen:
    return show(LabsScreen(context), 1300, 800)


def choose(row: ResultRow, analyte_key: str, unit: str | None = None) -> None:
    row.analyte_combo.setCurrentIndex(row.analyte_combo.findData(analyte_key, ANALYTE_KEY_ROLE))
    if unit is not None:
        row.unit_combo.setCurrentText(unit)


def type_row(qtbot, row: ResultRow, analyte_key: str, value: str, unit: str) -> None:
    choose(row, analyte_key, unit)
    row.value_edit.clear()
    qtbot.keyClicks(row.value_edit, value)


def first_row_cell(screen: LabsScreen, header: str):
    table_model = screen.draws_table.model()
    return table_model.index(0, column_named(table_model, header))


def test_si_draw_is_shown_in_us_units_with_ratio_and_flags(
    qtbot, screen: LabsScreen, context: AppContext
) -> None:
    form = screen.draw_form
    assert not form.save_button.isEnabled()  # nothing typed yet
    type_row(qtbot, form.rows[0], "total_testosterone", "24", "nmol/L")
    qtbot.mouseClick(form.add_row_button, Qt.MouseButton.LeftButton)
    type_row(qtbot, form.rows[1], "estradiol", "60", "pmol/L")
    assert form.save_button.isEnabled()

    with qtbot.waitSignal(context.journal_changed):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)

    model = screen.draws_table.model()
    assert model.rowCount() == 1
    assert "ng/dL" in model.headerData(column_named(model, "Total T"), Qt.Orientation.Horizontal)
    assert first_row_cell(screen, "Date").data() == "2026-06-01"
    # 24 nmol/L × 28.842 = 692.2 ng/dL; 60 pmol/L × 0.27238 = 16.3 pg/mL; both in range.
    assert first_row_cell(screen, "Total T").data() == "692"
    assert first_row_cell(screen, "E2").data() == "16.3"
    # T/E in US units: 692.2 / 16.34 = 42.4 (an SI ratio would be 0.4).
    assert first_row_cell(screen, "T/E").data() == "42.4"
    assert "US" in model.headerData(column_named(model, "T/E"), Qt.Orientation.Horizontal)
    tooltip = first_row_cell(screen, "Total T").data(Qt.ItemDataRole.ToolTipRole)
    assert "300–1080 ng/dL" in tooltip and "default" in tooltip
    assert "Entered: 24 nmol/L" in tooltip
    # The form is empty again and the details list both results as entered.
    assert form.rows[0].value_edit.text() == ""
    details = column_texts(screen.results_model, screen.results_model.column_of("entered"))
    assert details == ["24 nmol/L", "60 pmol/L"]


def test_flags_show_symbol_and_colour_and_uncomputed_ratio_says_why(
    qtbot, screen: LabsScreen
) -> None:
    form = screen.draw_form
    type_row(qtbot, form.rows[0], "total_testosterone", "8", "nmol/L")
    form.add_row()
    type_row(qtbot, form.rows[1], "estradiol", "<18", "pmol/L")
    form.add_row()
    type_row(qtbot, form.rows[2], "lh", "12", "mIU/mL")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)

    testosterone = first_row_cell(screen, "Total T")
    assert testosterone.data() == "231 ▼"  # 8 × 28.842 = 230.7 ng/dL, below 300
    palette = screen.draws_table.palette()
    assert testosterone.data(Qt.ItemDataRole.ForegroundRole) == flag_color(palette, "low")
    assert "below target range" in testosterone.data(Qt.ItemDataRole.ToolTipRole)
    assert first_row_cell(screen, "LH").data() == "12 ▲"
    assert first_row_cell(screen, "LH").data(Qt.ItemDataRole.ForegroundRole) == flag_color(
        palette, "high"
    )
    estradiol = first_row_cell(screen, "E2")
    assert estradiol.data() == "<4.9 ▼"  # <18 pmol/L is <4.9 pg/mL, surely below 10
    ratio = first_row_cell(screen, "T/E")
    assert ratio.data() == "—"
    assert "below detection" in ratio.data(Qt.ItemDataRole.ToolTipRole)
    flags = column_texts(screen.results_model, screen.results_model.column_of("flag"))
    assert flags == ["▼ low", "▼ low", "▲ high"]


def test_si_unit_system_shows_si_values(qtbot, journal: Journal, context: AppContext) -> None:
    set_setting(journal, "unit_system", "si")
    record_draw(
        journal,
        TODAY,
        [
            ResultInput("total_testosterone", "692.2", "ng/dL"),
            ResultInput("estradiol", "16.3", "pg/mL"),
        ],
    )
    screen = LabsScreen(context)
    qtbot.addWidget(screen)
    model = screen.draws_table.model()
    assert "nmol/L" in model.headerData(column_named(model, "Total T"), Qt.Orientation.Horizontal)
    assert first_row_cell(screen, "Total T").data() == "24"
    assert first_row_cell(screen, "E2").data() == "59.8"
    # New rows default to the SI unit of their analyte.
    assert screen.draw_form.rows[0].unit_combo.currentText() == "nmol/L"


def test_unit_list_holds_only_the_analytes_units(screen: LabsScreen) -> None:
    row = screen.draw_form.rows[0]
    choose(row, "lh")
    assert [row.unit_combo.itemText(i) for i in range(row.unit_combo.count())] == [
        "IU/L",
        "mIU/mL",
    ]
    choose(row, "estradiol")
    units = [row.unit_combo.itemText(i) for i in range(row.unit_combo.count())]
    assert units == ["pg/mL", "pmol/L", "ng/L", "ng/dL"]
    assert row.unit_combo.currentText() == "pg/mL"  # the US default
    analytes = {
        row.analyte_combo.itemData(i, ANALYTE_KEY_ROLE) for i in range(row.analyte_combo.count())
    }
    assert "sperm_concentration" not in analytes and "dexa_t_score" not in analytes
    assert {"total_testosterone", "hematocrit", "ldl"} <= analytes


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "'abc' is not a number"),
        ("-3", "below any plausible"),
        ("99999", "beyond any plausible"),
        ("<", "needs a number"),
    ],
)
def test_bad_value_shows_reason_and_disables_save(
    qtbot, screen: LabsScreen, journal: Journal, value: str, message: str
) -> None:
    row = screen.draw_form.rows[0]
    type_row(qtbot, row, "total_testosterone", value, "ng/dL")
    assert row.error_label.isVisible()
    assert message in row.error_label.text()
    assert not screen.draw_form.save_button.isEnabled()
    screen.draw_form.save()  # even a forced save writes nothing
    assert journal.history().draws == ()
    row.value_edit.clear()
    qtbot.keyClicks(row.value_edit, "450")
    assert not row.error_label.isVisible()
    assert screen.draw_form.save_button.isEnabled()


def test_bad_lab_range_and_duplicates_are_refused(
    qtbot, screen: LabsScreen, journal: Journal, context: AppContext
) -> None:
    record_draw(journal, TODAY, [ResultInput("lh", "4", "IU/L")])
    context.reload()  # written behind the screen's back: re-read
    form = screen.draw_form
    type_row(qtbot, form.rows[0], "total_testosterone", "450", "ng/dL")
    qtbot.keyClicks(form.rows[0].low_edit, "900")
    qtbot.keyClicks(form.rows[0].high_edit, "300")
    assert "Lab range" in form.rows[0].error_label.text()
    assert not form.save_button.isEnabled()
    form.rows[0].low_edit.clear()
    assert form.save_button.isEnabled()
    form.add_row()
    type_row(qtbot, form.rows[1], "total_testosterone", "500", "ng/dL")
    assert "given twice" in form.rows[1].error_label.text()
    choose(form.rows[1], "lh", "IU/L")
    assert "already recorded for 2026-06-01" in form.rows[1].error_label.text()
    assert not form.save_button.isEnabled()
    # Another date has no LH yet.
    form.date_edit.set_value(date(2026, 5, 30))
    assert form.save_button.isEnabled()


def test_blank_rows_are_skipped_and_time_is_kept(
    qtbot, screen: LabsScreen, journal: Journal
) -> None:
    screen.open_new_draw(["total_testosterone", "estradiol", "lh"])
    form = screen.draw_form
    assert [row.analyte_key() for row in form.rows] == ["total_testosterone", "estradiol", "lh"]
    assert form.rows[0].value_edit.hasFocus() or not screen.isActiveWindow()
    qtbot.keyClicks(form.rows[0].value_edit, "510")
    form.time_check.setChecked(True)
    form.time_edit.setTime(form.time_edit.time().fromString("07:30", "HH:mm"))
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    draws = journal.history().draws
    assert [result.analyte for result in draws[0].results] == ["total_testosterone"]
    assert first_row_cell(screen, "Date").data() == "2026-06-01"
    assert (
        first_row_cell(screen, "Date").data(Qt.ItemDataRole.ToolTipRole) == "Drawn 2026-06-01 07:30"
    )
    assert "Results of 2026-06-01 07:30" in screen.details_title.text()


def test_delete_result_then_undo(
    qtbot, screen: LabsScreen, journal: Journal, context: AppContext
) -> None:
    draw(journal, TODAY, ("total_testosterone", "450", "ng/dL"), ("estradiol", "30", "pg/mL"))
    context.reload()
    assert first_row_cell(screen, "T/E").data() == "15"  # docs/clinical.md: 450 / 30 = 15.0
    screen.results_table.selectRow(1)
    assert screen.delete_button.isEnabled()
    qtbot.mouseClick(screen.delete_button, Qt.MouseButton.LeftButton)

    assert [r.analyte for r in journal.history().draws[0].results] == ["total_testosterone"]
    assert screen.undo_bar.isVisible()
    assert screen.undo_bar.message.text() == "Estradiol result deleted."
    assert first_row_cell(screen, "E2").data() == ""
    assert first_row_cell(screen, "T/E").data() == "—"

    qtbot.mouseClick(screen.undo_bar.undo_button, Qt.MouseButton.LeftButton)
    assert not screen.undo_bar.isVisible()
    assert sorted(r.analyte for r in journal.history().draws[0].results) == [
        "estradiol",
        "total_testosterone",
    ]
    assert first_row_cell(screen, "E2").data() == "30"
    assert first_row_cell(screen, "T/E").data() == "15"


def test_edit_result_replaces_it(
    qtbot, screen: LabsScreen, journal: Journal, context: AppContext
) -> None:
    record_draw(
        journal,
        TODAY,
        [ResultInput("estradiol", "60", "pmol/L", lab_low="40", lab_high="160", method="LC-MS/MS")],
    )
    context.reload()
    dialog = edit_result(screen, 0)
    row = dialog.row
    assert row.value_edit.text() == "60"
    assert row.unit_combo.currentText() == "pmol/L"
    assert (row.low_edit.text(), row.high_edit.text()) == ("40", "160")
    assert row.method_edit.text() == "LC-MS/MS"
    row.value_edit.clear()
    qtbot.keyClicks(row.value_edit, "x")
    assert not dialog.save_button.isEnabled()
    assert "not a number" in row.error_label.text()
    row.value_edit.clear()
    qtbot.keyClicks(row.value_edit, "200")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    result = journal.history().draws[0].results[0]
    assert (result.entered_value, result.entered_unit) == (200.0, "pmol/L")
    # 200 pmol/L = 54.5 pg/mL, above the lab's own range (40–160 pmol/L = 10.9–43.6 pg/mL).
    assert first_row_cell(screen, "E2").data() == "54.5 ▲"
    assert "lab" in first_row_cell(screen, "E2").data(Qt.ItemDataRole.ToolTipRole)


def test_dexa_entry_is_listed_with_its_who_band(
    qtbot, screen: LabsScreen, journal: Journal, context: AppContext
) -> None:
    form = screen.dexa_form
    assert not form.save_button.isEnabled()
    qtbot.keyClicks(form.t_score_edit, "-12")
    assert "at least -10" in form.t_score_error.text()
    assert not form.save_button.isEnabled()
    form.t_score_edit.clear()
    form.t_score_edit.setText("−2.6")  # pasted from a report, with a typographic minus
    qtbot.keyClicks(form.bmd_edit, "0.81")
    form.site_combo.setCurrentText("Femur neck")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)

    scan = journal.history().dexa[0]
    assert (scan.t_score, scan.site, scan.bmd_g_cm2) == (-2.6, "femur_neck", 0.81)
    model = screen.dexa_table.model()
    assert column_texts(model, 1) == ["−2.6 ▼"]
    assert "osteoporosis" in column_texts(model, 2)[0]
    record_dexa(journal, date(2026, 5, 1), "-1.4")
    context.reload()
    assert "osteopenia" in column_texts(model, 2)[1]
    assert column_texts(model, 0) == ["2026-06-01", "2026-05-01"]  # newest first


def test_delete_dexa_then_undo(
    qtbot, screen: LabsScreen, journal: Journal, context: AppContext
) -> None:
    record_dexa(journal, TODAY, "-0.6", "spine")
    context.reload()
    screen.dexa_table.selectRow(0)
    qtbot.mouseClick(screen.delete_dexa_button, Qt.MouseButton.LeftButton)
    assert journal.history().dexa == ()
    assert screen.undo_bar.message.text() == "DEXA scan of 2026-06-01 deleted."
    qtbot.mouseClick(screen.undo_bar.undo_button, Qt.MouseButton.LeftButton)
    assert [s.t_score for s in journal.history().dexa] == [-0.6]


def test_draws_table_sorts_by_value(
    qtbot, screen: LabsScreen, journal: Journal, context: AppContext
) -> None:
    for day, value in ((date(2026, 3, 1), "900"), (date(2026, 4, 1), "95"), (TODAY, "450")):
        record_draw(journal, day, [ResultInput("total_testosterone", value, "ng/dL")])
    context.reload()
    model = screen.draws_table.model()
    column = column_named(model, "Total T")
    assert column_texts(model, column) == ["450", "95 ▼", "900"]  # newest first
    screen.draws_table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
    assert column_texts(model, column) == ["95 ▼", "450", "900"]  # numbers, not text


def test_empty_analyte_columns_are_hidden(
    qtbot, screen: LabsScreen, journal: Journal, context: AppContext
) -> None:
    record_draw(journal, TODAY, [ResultInput("total_testosterone", "450", "ng/dL")])
    context.reload()
    model = screen.draws_table.model()
    assert not screen.draws_table.isColumnHidden(column_named(model, "Total T"))
    assert screen.draws_table.isColumnHidden(column_named(model, "PSA"))
    assert not screen.draws_table.isColumnHidden(column_named(model, "T/E"))


def test_a_dexa_t_score_recorded_as_a_lab_result_is_listed_as_a_dexa_scan(
    qtbot, screen: LabsScreen, journal: Journal, context: AppContext
) -> None:
    record_dexa(journal, date(2026, 1, 10), "-1.4")
    context.reload()
    model = screen.dexa_table.model()
    assert column_texts(model, 0) == ["2026-01-10"]

    # The same T-score typed as a draw's result (`lab`, pasted text, CSV or FHIR).
    record_draw(journal, date(2026, 5, 1), [ResultInput("dexa_t_score", "-2.6", "SD")])
    context.reload()
    qtbot.waitUntil(lambda: column_texts(model, 0) == ["2026-05-01", "2026-01-10"])
    assert column_texts(model, 1)[0] == "−2.6 ▼"
    assert "osteoporosis" in column_texts(model, 2)[0]
    # It is deleted as the draw's result, not from the DEXA table.
    screen.dexa_table.selectRow(0)
    assert not screen.delete_dexa_button.isEnabled()
    screen.dexa_table.selectRow(1)
    assert screen.delete_dexa_button.isEnabled()
