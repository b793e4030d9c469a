"""When the journal will not open or fails its check: explain, and offer a copy of a backup.

The damaged journal is never written to. The dialog offers to open a *copy* of the newest
backup that passes its checks, saved beside the journal as `<name>-recovered-….sqlite3`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fertilitytracker.core import clock
from fertilitytracker.storage.backup import BackupFile, copy_backup_beside, newest_good_backup
from fertilitytracker.storage.database import JournalError
from fertilitytracker.storage.encryption import LOST_PASSPHRASE_WARNING

TITLE = "The journal could not be opened"


def _reason(error: BaseException | str) -> str:
    if isinstance(error, JournalError) and getattr(error, "problem", None):
        return f"It {error.problem}."  # type: ignore[attr-defined]
    return str(error)


class RecoveryDialog(QDialog):
    """Explains what is wrong and offers to open a copy of the newest good backup."""

    def __init__(
        self,
        journal_path: Path,
        error: BaseException | str,
        backup: BackupFile | None,
        parent: QWidget | None = None,
        passphrase: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.journal_path = Path(journal_path)
        self.backup = backup
        self._passphrase = passphrase  # an encrypted journal's backups need it to be copied
        self.copy_path: Path | None = None

        self.explanation = QLabel(self._explanation(error))
        self.explanation.setWordWrap(True)
        self.explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.explanation.setAccessibleName("What happened")
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Problem with the backup")
        self.problem.hide()

        self.buttons = QDialogButtonBox()
        self.open_copy: QPushButton | None = None
        if backup is not None:
            self.open_copy = self.buttons.addButton(
                "Open a copy of the backup", QDialogButtonBox.ButtonRole.AcceptRole
            )
            self.open_copy.setDefault(True)
            self.open_copy.setAccessibleName("Open a copy of the newest good backup")
            self.open_copy.clicked.connect(self._open_copy)
        self.quit = self.buttons.addButton("Quit", QDialogButtonBox.ButtonRole.RejectRole)
        self.quit.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())

    def _explanation(self, error: BaseException | str) -> str:
        lines = [
            f"Fertility Tracker could not open your journal {self.journal_path}.",
            _reason(error),
            "The file has not been changed and will not be: nothing is written to a journal"
            " that fails its checks, so it stays as it is for repair or for your records.",
        ]
        if self.backup is not None:
            lines.append(
                f"The newest good backup was taken {self.backup.taken:%Y-%m-%d %H:%M}"
                f" ({self.backup.path.name}). You can open a copy of it and go on working;"
                " what was recorded after that backup is not in it."
            )
        else:
            folder = self.journal_path.parent / "backups"
            lines.append(f"No backup that passes its checks was found in {folder}.")
        return "\n\n".join(lines)

    def _open_copy(self) -> None:
        assert self.backup is not None
        try:
            self.copy_path = copy_backup_beside(
                self.journal_path, self.backup.path, clock.now(), self._passphrase
            )
        except (JournalError, OSError) as error:
            self.problem.setText(f"The copy could not be made: {error}")
            self.problem.show()
            return
        self.accept()


def offer_recovery(
    parent: QWidget | None,
    journal_path: Path,
    error: BaseException | str,
    passphrase: str | None = None,
) -> Path | None:
    """Show the recovery dialog; the path of the new working copy, or None (quit).

    Call it when `Journal.open` raised (any JournalError other than "newer version") or when
    `journal.check()` found problems. Open the returned path as the journal for this session.
    An encrypted journal's backups are found and copied with its `passphrase`.
    """
    journal_path = Path(journal_path)
    # Checked again now, not when the error arose.
    backup = newest_good_backup(journal_path, passphrase)
    dialog = RecoveryDialog(journal_path, error, backup, parent, passphrase)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        return dialog.copy_path
    return None


def ask_passphrase(
    parent: QWidget | None, journal_path: Path, *, wrong: bool = False
) -> str | None:
    """Ask for the passphrase of an encrypted journal, never echoed; None when cancelled.

    Call it when opening raised `PassphraseRequiredError`, then open with
    `open_database(path, passphrase=...)`; ask again with `wrong=True` if it raises again.
    """
    dialog = QInputDialog(parent)
    dialog.setWindowTitle("Encrypted journal")
    dialog.setInputMode(QInputDialog.InputMode.TextInput)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
    first = "That passphrase does not open it. " if wrong else ""
    dialog.setLabelText(
        f"{Path(journal_path).name} is encrypted. {first}Its passphrase:\n\n"
        f"{LOST_PASSPHRASE_WARNING}"
    )
    dialog.setOkButtonText("Open")
    if dialog.exec() == QDialog.DialogCode.Accepted and dialog.textValue():
        return dialog.textValue()
    return None
