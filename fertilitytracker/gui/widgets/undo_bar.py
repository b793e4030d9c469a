"""A bar that says what was just deleted (or logged) and offers to undo it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

UNDO_BAR_TIMEOUT_MS = 10_000  # the offer goes after 10 s, as people expect of an undo bar


class UndoBar(QFrame):
    """ "Regimen deleted. [Undo] [×]": the undo action is the callable given with the message."""

    undone = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.message = QLabel(self)
        self.undo_button = QPushButton("&Undo", self)
        self.undo_button.setAccessibleName("Undo")
        self.close_button = QPushButton("Dismiss", self)
        self.close_button.setAccessibleName("Dismiss the undo bar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.undo_button)
        layout.addWidget(self.close_button)
        self.undo_button.clicked.connect(self._undo)
        self.close_button.clicked.connect(self.dismiss)
        self._undo_action: Callable[[], None] | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(UNDO_BAR_TIMEOUT_MS)
        self.timer.timeout.connect(self.dismiss)
        self.setVisible(False)

    def offer(self, text: str, undo: Callable[[], None]) -> None:
        """Show `text` with an Undo button that calls `undo` once."""
        self.message.setText(text)
        self._undo_action = undo
        self.undo_button.setEnabled(True)
        self.setVisible(True)
        self.timer.start()

    def dismiss(self) -> None:
        self.timer.stop()
        self._undo_action = None
        self.setVisible(False)

    def _undo(self) -> None:
        action, self._undo_action = self._undo_action, None
        self.setVisible(False)
        if action is not None:
            action()
            self.undone.emit()
