"""Short confirmations ("anastrozole taken 09:00") shown in the main window's status bar."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QWidget

STATUS_MESSAGE_MS = 6000


def show_status(widget: QWidget, text: str) -> None:
    """Show `text` for a few seconds in the status bar of the window holding `widget`."""
    window = widget.window()
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(text, STATUS_MESSAGE_MS)
