"""File › Import of a big file: a bounded preview, one transaction, a cancel that writes nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.dialogs import import_export
from fertilitytracker.gui.dialogs.import_export import ImportDialog
from fertilitytracker.services.exchange import ImportCancelled, stream
from tests.exchange.conftest import comparable
from tests.exchange.test_stream import _lab_csv

pytestmark = pytest.mark.gui


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 4 lab results, a look at Cancel every 10 rows: a short file spans many."""
    monkeypatch.setattr(stream, "CHUNK", 4)
    monkeypatch.setattr(stream, "ASK_EVERY", 10)


def _previewed(qtbot, context: AppContext, path: Path) -> ImportDialog:  # type: ignore[no-untyped-def]
    dialog = ImportDialog(context, path)
    qtbot.addWidget(dialog)
    # A big file's preview takes seconds on a busy machine.
    qtbot.waitUntil(
        lambda: dialog.plan is not None or dialog.error_label.text() != "", timeout=60_000
    )
    return dialog


def _finished(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Wait until no preview or import of a closed dialog still runs in the background."""
    qtbot.waitUntil(lambda: not import_export._RUNNING_IMPORTS, timeout=10_000)


@pytest.mark.usefixtures("small_chunks")
def test_a_file_of_many_chunks_imports_through_the_dialog(
    qtbot, context: AppContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = _lab_csv(tmp_path / "lab.csv", 30, repeat=6, conflict=2)
    dialog = _previewed(qtbot, context, path)
    assert dialog.summary_label.text() == "30 new, 6 already present, 2 skipped"
    assert context.journal.is_empty()
    with qtbot.waitSignal(context.journal_changed, timeout=10_000) as changed:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert "labs" in changed.args[0].kinds
    assert dialog.result() == ImportDialog.DialogCode.Accepted
    draws = context.history().draws
    assert (len(draws), sum(len(draw.results) for draw in draws)) == (10, 30)
    # What the screens now read is what a repeat import finds already recorded.
    again = _previewed(qtbot, context, path)
    assert again.summary_label.text() == "0 new, 36 already present, 2 skipped: nothing to import."


def test_the_preview_of_a_big_file_lists_the_first_entries_of_each_kind(
    qtbot, context: AppContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = _lab_csv(tmp_path / "lab.csv", 45_000, repeat=5_000)
    dialog = _previewed(qtbot, context, path)
    listed = stream.SHOWN_ENTRIES
    assert dialog.summary_label.text() == (
        f"45000 new, 5000 already present, 0 skipped. The list shows the first {listed:,}"
        " entries of each kind."
    )
    actions = [dialog.model.index(row, 0).data() for row in range(dialog.model.rowCount())]
    assert actions == ["＋ add"] * listed + ["= already present"] * listed
    assert dialog.import_button.isEnabled()
    assert context.journal.is_empty()


@pytest.mark.usefixtures("small_chunks")
def test_a_bad_row_near_the_end_found_while_importing_writes_nothing(
    qtbot, demo_context: AppContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = _lab_csv(tmp_path / "lab.csv", 40)
    dialog = _previewed(qtbot, demo_context, path)
    assert dialog.import_button.isEnabled()
    # The file changes after its preview: its 40th line (of 41) becomes unreadable.
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[-2] = "2021-02-30,lh,3,IU/L"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = comparable(demo_context.journal.history())
    with qtbot.waitSignal(dialog.import_failed, timeout=10_000) as failed:
        dialog.import_button.click()
    assert failed.args[0].startswith("line 40: ")
    assert dialog.summary_label.text() == "Nothing was imported."
    assert dialog.error_label.text().startswith("⚠ line 40: ")
    assert comparable(demo_context.journal.history()) == before


def _held_at_first_look(
    monkeypatch: pytest.MonkeyPatch, *, dry_run: bool
) -> tuple[threading.Event, list[str]]:
    """The preview (`dry_run`) or the import waits at its first look at Cancel until Cancel
    is pressed. Returns an event set when it got there and how each run ended."""
    reached = threading.Event()
    ended: list[str] = []
    real = import_export.import_file

    def held(*args: Any, cancelled: Callable[[], bool], **kw: Any) -> Any:
        def asked() -> bool:
            if kw["dry_run"] == dry_run:
                reached.set()
                cancelled.__self__.wait(10)  # type: ignore[attr-defined]
            return cancelled()

        try:
            result = real(*args, cancelled=asked, **kw)
        except ImportCancelled:
            ended.append("cancelled")
            raise
        ended.append("finished")
        return result

    monkeypatch.setattr(import_export, "import_file", held)
    return reached, ended


@pytest.mark.usefixtures("small_chunks")
def test_cancel_while_importing_writes_nothing(
    qtbot, context: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    path = _lab_csv(tmp_path / "lab.csv", 40)
    dialog = _previewed(qtbot, context, path)
    importing, ended = _held_at_first_look(monkeypatch, dry_run=False)
    dialog.import_button.click()
    qtbot.waitUntil(importing.is_set)  # two chunks of the file are written by now
    with qtbot.waitSignal(dialog.import_failed, timeout=10_000) as failed:
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        assert dialog.summary_label.text() == "Cancelling; nothing will be imported…"
    assert failed.args[0] == "cancelled; nothing was imported"
    assert ended == ["cancelled"]
    assert dialog.result() == ImportDialog.DialogCode.Rejected and dialog.change is None
    assert context.journal.is_empty()


@pytest.mark.usefixtures("small_chunks")
def test_closing_the_dialog_while_it_reads_stops_the_preview(
    qtbot, context: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    path = _lab_csv(tmp_path / "lab.csv", 40)
    reading, ended = _held_at_first_look(monkeypatch, dry_run=True)
    dialog = ImportDialog(context, path)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(reading.is_set)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    _finished(qtbot)
    assert ended == ["cancelled"]
    assert dialog.result() == ImportDialog.DialogCode.Rejected and dialog.plan is None
    assert context.journal.is_empty()


def test_an_encrypted_journal_imports_from_the_window_with_the_passphrase_it_was_opened_with(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("sqlcipher3", reason="the [encryption] extra is not installed")
    from fertilitytracker.storage.backup import convert_journal
    from fertilitytracker.storage.encryption import ENV_PASSPHRASE
    from fertilitytracker.storage.journal import Journal

    # Only the passphrase typed at start-up opens it: none waits in the environment.
    monkeypatch.delenv(ENV_PASSPHRASE, raising=False)
    journal_path = tmp_path / "journal.sqlite3"
    Journal.open(journal_path).close()
    convert_journal(journal_path, None, "correct horse battery")
    context = AppContext(
        Journal.open(journal_path, create=False, passphrase="correct horse battery")
    )
    try:
        path = _lab_csv(tmp_path / "lab.csv", 6)
        dialog = _previewed(qtbot, context, path)
        assert dialog.error_label.text() == ""
        assert dialog.summary_label.text() == "6 new, 0 already present, 0 skipped"
        with qtbot.waitSignal(context.journal_changed, timeout=10_000):
            qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        assert sum(len(draw.results) for draw in context.history().draws) == 6
    finally:
        _finished(qtbot)
        context.journal.close()
