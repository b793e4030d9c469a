"""The recovery dialog: explains a damaged journal and opens a copy of the newest good backup."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit

from fertilitytracker.gui.recovery import RecoveryDialog, ask_passphrase, offer_recovery
from fertilitytracker.services.operations import record_symptom
from fertilitytracker.storage.backup import backup_now, newest_good_backup
from fertilitytracker.storage.database import DamagedJournalError
from fertilitytracker.storage.journal import Journal
from tests.builders import digest

pytestmark = pytest.mark.gui


def _damaged_journal(folder: Path, with_backup: bool) -> tuple[Path, DamagedJournalError]:
    path = folder / "journal.sqlite3"
    journal = Journal.open(path)
    for index in range(60):
        record_symptom(journal, date(2026, 1, 5), f"s{index}", "2", None)
    if with_backup:
        from datetime import datetime

        backup_now(journal.db.conn, path, datetime(2026, 3, 1, 8, 0))
    journal.close()
    with path.open("r+b") as handle:
        handle.seek(2 * 4096)
        handle.write(b"\x13" * 8 * 4096)
    with pytest.raises(DamagedJournalError) as raised:
        Journal.open(path)
    return path, raised.value


def test_the_dialog_explains_and_opens_a_copy_of_the_backup(qtbot, tmp_path: Path) -> None:
    path, error = _damaged_journal(tmp_path, with_backup=True)
    before = digest(path)
    dialog = RecoveryDialog(path, error, newest_good_backup(path))
    qtbot.addWidget(dialog)
    text = dialog.explanation.text()
    assert str(path) in text
    assert "has not been changed" in text
    assert "journal-manual-20260301-080000.sqlite3" in text
    assert dialog.open_copy is not None and dialog.open_copy.isEnabled()
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.open_copy, Qt.MouseButton.LeftButton)
    assert dialog.copy_path is not None
    assert dialog.copy_path.parent == tmp_path
    assert "recovered" in dialog.copy_path.name
    reopened = Journal.open(dialog.copy_path, create=False)
    try:
        assert len(reopened.symptoms.all()) == 60
        assert reopened.check() == []
    finally:
        reopened.close()
    assert digest(path) == before


def test_without_a_backup_it_says_so_and_offers_only_quit(qtbot, tmp_path: Path) -> None:
    path, error = _damaged_journal(tmp_path, with_backup=False)
    dialog = RecoveryDialog(path, error, None)
    qtbot.addWidget(dialog)
    assert dialog.open_copy is None
    assert "No backup that passes its checks was found" in dialog.explanation.text()
    with qtbot.waitSignal(dialog.rejected):
        qtbot.mouseClick(dialog.quit, Qt.MouseButton.LeftButton)


def _click_when_shown(button_text: str) -> None:
    def click() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, RecoveryDialog)
        for button in dialog.buttons.buttons():
            if button.text() == button_text:
                button.click()

    QTimer.singleShot(0, click)


def test_offer_recovery_returns_the_copy_or_none(qtbot, tmp_path: Path) -> None:
    path, error = _damaged_journal(tmp_path, with_backup=True)
    before = digest(path)
    _click_when_shown("Quit")
    assert offer_recovery(None, path, error) is None
    _click_when_shown("Open a copy of the backup")
    copy = offer_recovery(None, path, error)
    assert copy is not None and copy.exists()
    assert digest(path) == before


def test_the_passphrase_is_asked_without_echo(qtbot, tmp_path: Path) -> None:
    seen: dict[str, object] = {}

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        seen["echo"] = dialog.textEchoMode()
        seen["label"] = dialog.labelText()
        dialog.setTextValue("open sesame")
        dialog.accept()

    QTimer.singleShot(0, answer)
    assert ask_passphrase(None, tmp_path / "journal.sqlite3", wrong=True) == "open sesame"
    assert seen["echo"] == QLineEdit.EchoMode.Password
    assert "does not open it" in str(seen["label"])
    assert "lost passphrase" in str(seen["label"])

    QTimer.singleShot(0, lambda: QApplication.activeModalWidget().reject())
    assert ask_passphrase(None, tmp_path / "journal.sqlite3") is None


def test_a_damaged_encrypted_journal_offers_its_encrypted_backup(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    pytest.importorskip("sqlcipher3", reason="the [encryption] extra is not installed")
    from fertilitytracker.storage.backup import convert_journal
    from fertilitytracker.storage.encryption import ENV_PASSPHRASE, looks_encrypted

    monkeypatch.delenv(ENV_PASSPHRASE, raising=False)
    passphrase = "correct horse battery"
    path = tmp_path / "journal.sqlite3"
    journal = Journal.open(path)
    for index in range(60):
        record_symptom(journal, date(2026, 1, 5), f"s{index}", "2", None)
    from datetime import datetime

    backup_now(journal.db.conn, path, datetime(2026, 3, 1, 8, 0))
    journal.close()
    convert_journal(path, None, passphrase)
    with path.open("r+b") as handle:  # the first page: the passphrase no longer opens it
        handle.seek(100)
        handle.write(bytes(range(256)) * 4)
    before = digest(path)
    with pytest.raises(DamagedJournalError) as raised:
        Journal.open(path, passphrase=passphrase)
    assert raised.value.newest_backup is not None
    _click_when_shown("Open a copy of the backup")
    copy = offer_recovery(None, path, raised.value, passphrase)
    assert copy is not None and looks_encrypted(copy)
    reopened = Journal.open(copy, create=False, passphrase=passphrase)
    try:
        assert len(reopened.symptoms.all()) == 60
    finally:
        reopened.close()
    assert digest(path) == before
