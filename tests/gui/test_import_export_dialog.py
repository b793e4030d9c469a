"""The import preview dialog and the export helper, driven as a person would."""

from __future__ import annotations

import json
import stat
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.dialogs import import_export
from fertilitytracker.gui.dialogs.import_export import (
    ImportDialog,
    PreviewModel,
    export_target,
    run_export_dialog,
    run_import_dialog,
    start_export,
)
from fertilitytracker.services.exchange import JournalSnapshot, export_journal, plan_file
from fertilitytracker.services.operations import ResultInput, record_draw, record_symptom
from fertilitytracker.storage.journal import Journal

pytestmark = pytest.mark.gui

LAB_CSV = (
    "date,test,value,unit,lab\n"
    "2026-01-05,LH,3,IU/L,Quest\n"
    "2026-01-05,Ferritin,80,ng/mL,Quest\n"
    "2026-01-05,FSH,NA,IU/L,Quest\n"
)


def _cells(dialog: ImportDialog) -> list[list[str]]:
    model = dialog.model
    return [
        [model.index(row, column).data() for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def _lab_csv(tmp_path: Path, text: str = LAB_CSV) -> Path:
    """A lab CSV file as a person picks it in the file dialog."""
    path = tmp_path / "lab.csv"
    path.write_text(text)
    return path


def _open(qtbot, context: AppContext, path: Path, format: str | None = None) -> ImportDialog:  # type: ignore[no-untyped-def]
    dialog = ImportDialog(context, path, format)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.plan is not None or dialog.error_label.text() != "")
    return dialog


def test_preview_shows_what_is_added_and_skipped_and_why(
    qtbot, context: AppContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = _lab_csv(tmp_path)
    dialog = _open(qtbot, context, path)
    assert dialog.summary_label.text() == "1 new, 0 already present, 2 skipped"
    assert _cells(dialog) == [
        ["＋ add", "line 2", "2026-01-05 LH 3 IU/L", "new"],
        ["✕ skip", "line 3", "Ferritin", "unknown analyte 'Ferritin' (not in the catalogue)"],
        ["✕ skip", "line 4", "FSH", "no value (empty or NA)"],
    ]
    assert dialog.notices_label.text() == "Note: columns ignored: lab"
    assert dialog.import_button.isEnabled()
    assert context.journal.is_empty()  # the preview writes nothing


def test_import_writes_and_notifies(qtbot, context: AppContext, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _lab_csv(tmp_path)
    dialog = _open(qtbot, context, path)
    with qtbot.waitSignal(context.journal_changed, timeout=5000) as changed:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert "labs" in changed.args[0].kinds
    assert dialog.result() == ImportDialog.DialogCode.Accepted
    (draw,) = context.history().draws
    assert draw.results[0].analyte == "lh"


def test_a_repeat_import_has_nothing_to_import(qtbot, context: AppContext, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _lab_csv(tmp_path, "date,analyte,value,unit\n2026-01-05,LH,3,IU/L\n")
    first = _open(qtbot, context, path)
    with qtbot.waitSignal(first.imported, timeout=5000):
        first.import_button.click()
    again = _open(qtbot, context, path)
    assert again.summary_label.text() == "0 new, 1 already present, 0 skipped: nothing to import."
    assert _cells(again)[0][0] == "= already present"
    assert not again.import_button.isEnabled()


def test_a_refused_file_shows_the_line_and_reason(
    qtbot, context: AppContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = _lab_csv(
        tmp_path, "date,analyte,value,unit\n2026-01-05,LH,3,IU/L\n2026-01-06,LH,3,ng/dL\n"
    )
    dialog = _open(qtbot, context, path)
    assert dialog.error_label.isVisibleTo(dialog)
    assert dialog.error_label.text().startswith("⚠ line 3: lh unit:")
    assert dialog.summary_label.text() == "The file is not imported; nothing was written."
    assert not dialog.import_button.isEnabled()
    assert dialog.model.rowCount() == 0


def test_choosing_another_format_plans_again(qtbot, context: AppContext, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _lab_csv(tmp_path, "date,analyte,value,unit\n2026-01-05,LH,3,IU/L\n")
    dialog = _open(qtbot, context, path)
    with qtbot.waitSignal(dialog.plan_refused, timeout=5000) as refused:
        dialog.format_box.setCurrentText("JSON backup")
    assert "not valid JSON" in refused.args[0]
    with qtbot.waitSignal(dialog.plan_ready, timeout=5000):
        dialog.format_box.setCurrentText("CSV")
    assert dialog.import_button.isEnabled()


def test_an_import_that_conflicts_after_the_preview_writes_nothing(
    qtbot, context: AppContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "b.json"
    other = Journal.open(tmp_path / "source.sqlite3")
    record_symptom(other, date(2026, 1, 5), "mood", 2)
    record_draw(other, date(2026, 1, 5), [ResultInput("lh", "3", "IU/L")])
    export_journal(other, path)
    other.close()
    dialog = _open(qtbot, context, path)
    record_draw(context.journal, date(2026, 1, 5), [ResultInput("lh", "4", "IU/L")])
    with qtbot.waitSignal(dialog.import_failed, timeout=5000) as failed:
        dialog.import_button.click()
    assert "changed since the import was previewed" in failed.args[0]
    assert not context.journal.history().symptoms


def test_preview_model_passes_the_model_tester(
    qtmodeltester, context: AppContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = _lab_csv(tmp_path)
    model = PreviewModel()
    model.set_rows(plan_file(path, JournalSnapshot.of(context.journal)).rows())
    qtmodeltester.check(model)


def test_run_import_dialog_asks_for_a_file(
    qtbot, context: AppContext, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    path = _lab_csv(tmp_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kw: (str(path), ""))

    def exec_and_import(dialog: ImportDialog) -> int:
        qtbot.waitUntil(lambda: dialog.plan is not None)
        with qtbot.waitSignal(dialog.imported, timeout=5000):
            dialog.import_button.click()
        return 1

    monkeypatch.setattr(ImportDialog, "exec", exec_and_import)
    change = run_import_dialog(None, context)
    assert change is not None and "labs" in change.kinds
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kw: ("", ""))
    assert run_import_dialog(None, context) is None


@pytest.mark.parametrize(
    ("name", "chosen", "expected", "format"),
    [
        ("out", "CSV, every record (*.csv)", "out.csv", "csv"),
        ("out", "FHIR R4 Bundle (*.fhir.json)", "out.fhir.json", "fhir"),
        ("out.json", "Full JSON backup (*.json)", "out.json", "json"),
        ("out.fhir.json", "", "out.fhir.json", "fhir"),
    ],
)
def test_export_target(name: str, chosen: str, expected: str, format: str) -> None:
    assert export_target(name, chosen) == (Path(expected), format)


def test_export_writes_in_the_background(
    qtbot, demo_context: AppContext, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "journal"
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda *args, **kw: (str(target), "Full JSON backup (*.json)"),
    )
    task = run_export_dialog(None, demo_context)
    assert task is not None
    qtbot.waitUntil(lambda: (tmp_path / "journal.json").exists(), timeout=5000)
    qtbot.waitUntil(lambda: task not in import_export._RUNNING_EXPORTS, timeout=5000)
    written = tmp_path / "journal.json"
    assert json.loads(written.read_text(encoding="utf-8"))["format"] == "fertilitytracker-backup"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600


def test_a_failed_export_warns(qtbot, context: AppContext, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warnings.append(text))
    task = start_export(context, tmp_path / "missing" / "out.csv", "csv")
    with qtbot.waitSignal(task.failed, timeout=5000):
        pass
    qtbot.waitUntil(lambda: bool(warnings))
    assert "was not written" in warnings[0]


def test_the_export_dialog_refuses_the_journal_itself(
    qtbot, context: AppContext, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    journal = context.journal.path
    before = journal.read_bytes()
    alias = tmp_path / "records.csv"
    alias.symlink_to(journal)
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warnings.append(text))
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda *args, **kw: (str(alias), "CSV, every record (*.csv)"),
    )
    assert run_export_dialog(None, context) is None
    assert warnings and "is the journal or one of its backups" in warnings[0]
    assert journal.read_bytes() == before


def test_preview_notes_a_value_that_fits_another_unit(
    qtbot, context: AppContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = _lab_csv(tmp_path, "date,test,value,unit\n2026-01-05,Total testosterone,14.1,ng/dL\n")
    dialog = _open(qtbot, context, path)
    note = (
        "14.1 ng/dL is far below usual adult male values of total testosterone. "
        "Did you mean 14.1 nmol/L?"
    )
    assert dialog.notices_label.text() == f"Note: line 2: {note}"
    assert _cells(dialog)[0][3] == f"new; check the unit: {note}"
