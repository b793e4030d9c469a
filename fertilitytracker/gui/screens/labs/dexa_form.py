"""The DEXA form: date, T-score, site and bone mineral density of one scan."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QWidget,
)

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.validation import build_dexa
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.screens.labs.entry import AsksBeforeSaving
from fertilitytracker.gui.widgets.date_edit import DateEdit
from fertilitytracker.gui.widgets.fields import ErrorLabel, action_button
from fertilitytracker.services import operations as services
from fertilitytracker.services.operations import (
    DEXA_SITES,
)

DEXA_SITE_WORDS = {"spine": "Spine", "femur_neck": "Femur neck", "hip": "Hip"}


class DexaForm(QGroupBox, AsksBeforeSaving):
    """A DEXA scan: date, T-score, site, bone mineral density."""

    saved = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("New DEXA scan", parent)
        self._context = context
        self.date_edit = DateEdit(context.today(), "DEXA date", self)
        self.t_score_edit = QLineEdit(self)
        self.t_score_edit.setPlaceholderText("e.g. −1.2")
        self.t_score_edit.setAccessibleName("T-score")
        self.site_combo = QComboBox(self)
        self.site_combo.setAccessibleName("Site")
        self.site_combo.addItem("—", "")
        for site in DEXA_SITES:
            self.site_combo.addItem(DEXA_SITE_WORDS[site], site)
        self.bmd_edit = QLineEdit(self)
        self.bmd_edit.setPlaceholderText("optional")
        self.bmd_edit.setAccessibleName("Bone mineral density, g/cm²")
        self.t_score_error = ErrorLabel(self)
        self.bmd_error = ErrorLabel(self)
        self.save_button = action_button(
            "Save &DEXA", self, self.save, accessible_name="Save the DEXA scan"
        )
        form = QFormLayout(self)
        for label, field in (
            ("Date", self.date_edit),
            ("T-score", self.t_score_edit),
            ("", self.t_score_error),
            ("Site", self.site_combo),
            ("BMD g/cm²", self.bmd_edit),
            ("", self.bmd_error),
            ("", self.save_button),
        ):
            form.addRow(label, field)
        self.t_score_edit.textChanged.connect(self.revalidate)
        self.bmd_edit.textChanged.connect(self.revalidate)
        for edit in (self.t_score_edit, self.bmd_edit, self.date_edit.line_edit):
            edit.returnPressed.connect(self.save)  # Enter saves a valid form
        self.revalidate()

    def revalidate(self, *_args: object) -> bool:
        """The same checks the service makes, as the person types."""
        t_reason = bmd_reason = None
        t_text = self.t_score_edit.text().strip()
        bmd_text = self.bmd_edit.text().strip()
        day = self.date_edit.value()
        # The core's builder judges each field alone, as it will on save.
        if t_text:
            try:
                build_dexa(day, t_text)
            except InputError as error:
                t_reason = error.reason
        if bmd_text:
            try:
                build_dexa(day, 0.0, bmd=bmd_text)
            except InputError as error:
                bmd_reason = error.reason
        self.t_score_error.show_reason(t_reason)
        self.bmd_error.show_reason(bmd_reason)
        valid = bool(t_text) and t_reason is None and bmd_reason is None
        self.save_button.setEnabled(valid)
        return valid

    def save(self) -> None:
        if not self.revalidate():
            return
        if self.asked_first((), self.date_edit.value(), "DEXA scan"):
            return
        self._confirmed_day = None
        try:
            change = services.record_dexa(
                self._context.journal,
                self.date_edit.value(),
                self.t_score_edit.text().strip(),
                self.site_combo.currentData() or None,
                self.bmd_edit.text().strip() or None,
            )
        except InputError as error:
            label = self.bmd_error if error.field == "bmd" else self.t_score_error
            label.show_reason(error.reason)
            self.save_button.setEnabled(False)
            return
        self.t_score_edit.clear()
        self.bmd_edit.clear()
        self.site_combo.setCurrentIndex(0)
        self.saved.emit(change)
