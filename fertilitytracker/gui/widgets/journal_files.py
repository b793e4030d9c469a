"""Opening another journal file or creating a new one, with errors in words."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from fertilitytracker.gui.context import AppContext
from fertilitytracker.storage.database import JournalError, PassphraseRequiredError
from fertilitytracker.storage.journal import Journal

JOURNAL_FILTER = "Journals (*.sqlite3 *.sqlite *.db);;All files (*)"


def switch_journal(context: AppContext, path: Path, *, create: bool) -> str | None:
    """Open (or create) the journal at `path` and make it the current one.

    Returns None on success, else a sentence saying why it could not be opened (the current
    journal stays open then).
    """
    path = Path(path)
    if create and path.exists():
        return f"{path} already exists: choose another name, or open it instead"
    if not create and not path.exists():
        return f"{path} does not exist"
    passphrase: str | None = None
    asked = 0
    while True:
        try:
            journal = Journal.open(path, create=create, passphrase=passphrase)
            break
        except PassphraseRequiredError:
            # An encrypted journal asks for its passphrase, as at start-up (again when wrong).
            from fertilitytracker.gui.recovery import ask_passphrase

            passphrase = ask_passphrase(QApplication.activeWindow(), path, wrong=asked > 0)
            asked += 1
            if passphrase is None:
                return f"{path.name} is encrypted and was not opened"
        except JournalError as error:
            return f"{path.name} could not be opened: {error}"
        except OSError as error:
            return f"{path.name} could not be opened: {error.strerror or error}"
    context.replace_journal(journal)
    return None


def ask_journal_path(parent: QWidget, context: AppContext, *, create: bool) -> Path | None:
    """Ask for a journal file to open or a new one to create; None when cancelled."""
    folder = str(context.journal.path.parent)
    if create:
        chosen, _ = QFileDialog.getSaveFileName(
            parent, "Create a new journal", f"{folder}/new-journal.sqlite3", JOURNAL_FILTER
        )
    else:
        chosen, _ = QFileDialog.getOpenFileName(
            parent, "Open another journal", folder, JOURNAL_FILTER
        )
    return Path(chosen) if chosen else None
