"""File › Export report… writes the clinician PDF in the background and says where."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.dialogs.report_dialog import ReportDialog
from fertilitytracker.gui.main_window import MainWindow
from fertilitytracker.gui.ui_state import UiState

pytestmark = pytest.mark.gui


def test_export_report_from_the_file_menu_writes_the_pdf(
    qtbot, demo_context: AppContext, ui_state: UiState, tmp_path: Path
) -> None:
    window = MainWindow(ui_state, demo_context)
    qtbot.addWidget(window)
    window.export_report()
    dialog = window.report_dialog
    target = tmp_path / "for the clinic.pdf"
    dialog.path.setText(str(target))
    dialog.units.setCurrentIndex(dialog.units.findData("si"))
    with qtbot.waitSignal(dialog.exported, timeout=60_000):
        dialog.export_button.click()
    # From Python, the child is this interpreter running the package.
    assert dialog.process.program() == sys.executable
    assert dialog.process.arguments()[:2] == ["-m", "fertilitytracker"]
    assert "pages" in dialog.message.text()
    assert window.statusBar().currentMessage().startswith("Report saved to")
    reader = PdfReader(target)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert f"page 1 of {len(reader.pages)}" in text
    assert "nmol/L" in text
    dialog.close()


def test_a_missing_folder_is_refused_in_words_and_nothing_written(
    qtbot, demo_context: AppContext, tmp_path: Path
) -> None:
    dialog = ReportDialog(demo_context)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / "no such folder" / "report.pdf"))
    with qtbot.waitSignal(dialog.failed, timeout=30_000) as refused:
        dialog.export_button.click()
    assert refused.args[0].startswith("output:")
    assert dialog.message.text().startswith("⚠")
    assert dialog.export_button.isEnabled()
    assert not (tmp_path / "no such folder").exists()


def test_a_reversed_period_is_refused(qtbot, demo_context: AppContext, tmp_path: Path) -> None:
    dialog = ReportDialog(demo_context)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / "r.pdf"))
    dialog.whole_history.setChecked(False)
    dialog.start.set_value(demo_context.today())
    dialog.end.set_value(demo_context.today().replace(year=2025))
    with qtbot.waitSignal(dialog.failed, timeout=5000):
        dialog.export_button.click()
    assert "start is after the end" in dialog.message.text()
    assert not (tmp_path / "r.pdf").exists()


def test_the_dialog_asks_the_name_remembers_the_folder_and_offers_to_open_the_pdf(
    qtbot, demo_context: AppContext, tmp_path: Path
) -> None:
    from fertilitytracker.services.settings import get_setting

    assert not get_setting(demo_context.journal, "patient_name")
    dialog = ReportDialog(demo_context)
    qtbot.addWidget(dialog)
    assert dialog.asks_name
    dialog.patient_name.setText("Sam Example")
    folder = tmp_path / "reports"
    folder.mkdir()
    dialog.path.setText(str(folder / "r.pdf"))
    assert not dialog.open_button.isVisible()
    dialog.show()
    with qtbot.waitSignal(dialog.exported, timeout=60_000):
        dialog.export_button.click()
    assert dialog.open_button.isVisible()
    assert get_setting(demo_context.journal, "patient_name") == "Sam Example"
    text = "\n".join(page.extract_text() for page in PdfReader(folder / "r.pdf").pages)
    assert "Sam Example" in text
    dialog.close()

    again = ReportDialog(demo_context)
    qtbot.addWidget(again)
    assert not again.asks_name  # a name is set now
    assert Path(again.path.text()).parent == folder  # the folder of the last report


def test_in_the_bundle_the_report_is_written_by_the_bundles_own_binary(
    qtbot, demo_context: AppContext, tmp_path: Path, monkeypatch
) -> None:
    # Frozen, sys.executable is the bundle's `fertilitytracker` binary, which knows no `-m`:
    # a stand-in that runs the command line exactly as that binary does.
    binary = tmp_path / "bundle" / "fertilitytracker"
    binary.parent.mkdir()
    binary.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m fertilitytracker "$@"\n')
    binary.chmod(0o755)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(binary))
    dialog = ReportDialog(demo_context)
    qtbot.addWidget(dialog)
    target = tmp_path / "report.pdf"
    dialog.path.setText(str(target))
    with qtbot.waitSignal(dialog.exported, timeout=60_000):
        dialog.export_button.click()
    assert dialog.process.program() == str(binary)
    assert dialog.process.arguments()[:3] == ["--db", str(demo_context.journal.path), "report"]
    assert "-m" not in dialog.process.arguments()
    assert len(PdfReader(target).pages) >= 1
    assert "pages" in dialog.message.text()
