"""A form field with its validation message beside it, checked as the person types."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from fertilitytracker.core.errors import InputError
from fertilitytracker.gui.theme import colour_text, error_color

# Runs the core parser on the text; raises InputError with the reason when it is refused.
Check = Callable[[str], object]


class ErrorLabel(QLabel):
    """The red line under a field that says why its value is refused (empty when fine)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        # Its line is kept while it is hidden, so that a message never moves the fields.
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self.setMinimumHeight(self.fontMetrics().height())
        self.setVisible(False)
        self._apply_colour()

    def _apply_colour(self) -> None:
        colour_text(self, error_color)

    def show_reason(self, reason: str | None) -> None:
        """Show `reason` (a sentence from InputError.reason), or hide the label when None."""
        colour_text(self, error_color)
        self.setText(f"⚠ {reason}" if reason else "")
        self.setVisible(bool(reason))
        self.setAccessibleDescription(reason or "")


class ValidatedField(QWidget):
    """An editor (line edit or editable combo) with an error label under it.

    `check` is called with the text on every edit; an InputError shows its reason. Empty text
    is not an error unless `required_message` is given and the field was edited once, but an
    empty required field still counts as not valid (Save stays disabled).
    """

    validity_changed = Signal(bool)

    def __init__(
        self,
        editor: QLineEdit | QComboBox,
        check: Check | None = None,
        *,
        required: bool = True,
        accessible_name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.editor = editor
        self.error_label = ErrorLabel(self)
        self._check = check
        self._required = required
        self._reason: str | None = None
        self._valid = not required
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(editor)
        layout.addWidget(self.error_label)
        if accessible_name:
            editor.setAccessibleName(accessible_name)
        self.setFocusProxy(editor)
        if isinstance(editor, QLineEdit):
            editor.textChanged.connect(self.revalidate)
        else:
            editor.currentTextChanged.connect(self.revalidate)
        self.revalidate()

    def text(self) -> str:
        """The text as typed, without surrounding spaces."""
        if isinstance(self.editor, QLineEdit):
            return self.editor.text().strip()
        return self.editor.currentText().strip()

    def set_text(self, text: str) -> None:
        if isinstance(self.editor, QLineEdit):
            self.editor.setText(text)
        else:
            self.editor.setCurrentText(text)

    def set_check(self, check: Check | None) -> None:
        """Replace the check (e.g. when another field it depends on changed) and re-run it."""
        self._check = check
        self.revalidate()

    def revalidate(self, *_args: object) -> None:
        """Run the check on the current text and update the message and validity."""
        text = self.text()
        reason: str | None = None
        valid = True
        if not text:
            valid = not self._required
        elif self._check is not None:
            try:
                self._check(text)
            except InputError as error:
                reason, valid = error.reason, False
        self.show_error(reason)
        if valid != self._valid:
            self._valid = valid
            self.validity_changed.emit(valid)

    def show_error(self, reason: str | None) -> None:
        """Show a reason beside the field (e.g. one the service raised on save)."""
        self._reason = reason
        self.error_label.show_reason(reason)

    def error(self) -> str | None:
        """The reason shown, or None."""
        return self._reason

    def is_valid(self) -> bool:
        return self._valid and self._reason is None


def line_field(
    parent: QWidget,
    check: Check | None = None,
    *,
    placeholder: str = "",
    required: bool = True,
    accessible_name: str = "",
) -> ValidatedField:
    """A line edit checked as the person types, with its placeholder and error label."""
    editor = QLineEdit(parent)
    editor.setPlaceholderText(placeholder)
    return ValidatedField(
        editor, check, required=required, accessible_name=accessible_name, parent=parent
    )


def action_button(
    text: str, parent: QWidget, on_click: Callable[[], object], *, accessible_name: str = ""
) -> QPushButton:
    """A push button that calls `on_click`; screen readers hear `accessible_name` (or `text`)."""
    button = QPushButton(text, parent)
    button.setAccessibleName(accessible_name or text.replace("&", ""))
    button.clicked.connect(on_click)
    return button


def submit_on_enter(form: QWidget, button: QPushButton) -> None:
    """Enter in any text field of `form` (date fields included) presses `button` when it is
    enabled, that is when the form is valid; an invalid form stays as typed."""

    def press() -> None:
        if button.isEnabled() and button.isVisible():
            button.click()

    for edit in form.findChildren(QLineEdit):
        edit.returnPressed.connect(press)
