"""The Semen screen: enter an analysis, see every analysis with counts and WHO lower-limit marks."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.records import SemenAnalysis
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.models.semen import SemenRow, SemenTableModel
from fertilitytracker.gui.theme import fit_columns, keep_columns_fitted
from fertilitytracker.gui.widgets.fields import ErrorLabel
from fertilitytracker.gui.widgets.record_screen import RecordScreen
from fertilitytracker.gui.widgets.record_table import sorted_proxy
from fertilitytracker.services import operations as services
from fertilitytracker.services.views import semen_view

# (field name as services.operations.build_semen names it in InputError, label, placeholder)
SEMEN_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("volume", "Volume (mL)", "e.g. 3.0"),
    ("concentration", "Concentration (million/mL)", "e.g. 20"),
    ("motility", "Total motility (%)", "optional"),
    ("progressive", "Progressive motility (%)", "optional"),
    ("morphology", "Normal morphology (%)", "optional"),
    ("abstinence", "Abstinence (days)", "optional"),
)
REQUIRED_FIELDS = ("volume", "concentration")


class SemenScreen(RecordScreen):
    """Semen analyses: a validated form, and a table with total count, TMSC and WHO marks."""

    analysis_saved = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            "Semen",
            context,
            parent,
            record_kind="semen",
            date_name="Analysis date",
            save_text="&Save analysis",
            save_name="Save the semen analysis",
            delete_text="Delete analysis",
            delete_name="Delete the selected semen analysis",
        )
        self.setObjectName("semen_screen")
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, ErrorLabel] = {}
        self.save_button.setDefault(True)

        self.model = SemenTableModel(parent=self)
        self.proxy = sorted_proxy(self.model, self)
        table = self.newest_first("Semen analyses", self.proxy)
        keep_columns_fitted(table)
        self.legend = QLabel(self)
        self.legend.setWordWrap(True)

        self.lay_out(self._build_form(), self.legend, table)
        for edit in self.edits.values():
            edit.textChanged.connect(self.revalidate)
        self.follower = self.follow(("semen",))
        self.revalidate()

    def _build_form(self) -> QWidget:
        form_box = QGroupBox("New semen analysis", self)
        form = QFormLayout(form_box)
        form.addRow("&Date", self.date_edit)
        for key, label, placeholder in SEMEN_FIELDS:
            edit = QLineEdit(form_box)
            edit.setPlaceholderText(placeholder)
            edit.setAccessibleName(label)
            error = ErrorLabel(form_box)
            self.edits[key] = edit
            self.errors[key] = error
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(edit)
            column.addWidget(error)
            form.addRow(f"{label}", column)
        form.addRow("", self.form_error)
        form.addRow("", self.save_button)
        note = QLabel(
            "Total count, TMSC and progressive TMSC are computed from volume, concentration "
            "and motility.",
            form_box,
        )
        note.setWordWrap(True)
        form.addRow(note)

        form_side = QWidget(self)
        form_layout = QVBoxLayout(form_side)
        form_layout.setContentsMargins(0, 0, 0, 0)
        form_layout.addWidget(form_box)
        form_layout.addStretch(1)
        form_side.setMinimumWidth(360)
        return form_side

    # --- the form ---------------------------------------------------------------------------

    def _values(self) -> dict[str, str]:
        return {key: edit.text().strip() for key, edit in self.edits.items()}

    def _build(self, values: dict[str, str] | None = None) -> SemenAnalysis:
        """The analysis the core builds from the form (or from `values` in its place)."""
        values = self._values() if values is None else values
        return services.build_semen(
            self.date_edit.value(),
            values["volume"],
            values["concentration"],
            values["motility"] or None,
            values["progressive"] or None,
            values["morphology"] or None,
            values["abstinence"] or None,
        )

    def revalidate(self, *_args: object) -> bool:
        """Show the reason of every refused field; Save only when the service would accept.

        build_semen stops at the first refused field, so each field is also checked alone
        (with placeholders for the required ones) to show every reason at once.
        """
        values = self._values()
        reasons: dict[str, str] = {}
        for key in self.edits:
            if not values[key]:
                continue
            probe = {name: "" for name in self.edits}
            probe.update({"volume": "1", "concentration": "1", key: values[key]})
            try:
                self._build(probe)
            except InputError as error:
                reasons[error.field] = error.reason
        complete = all(values[key] for key in REQUIRED_FIELDS)
        if complete and not reasons:
            try:
                self._build()
            except InputError as error:  # a rule across fields (progressive above total)
                reasons[error.field] = error.reason
        for key, label in self.errors.items():
            label.show_reason(reasons.get(key))
            self.edits[key].setAccessibleDescription(reasons.get(key, ""))
        valid = complete and not reasons
        self.save_button.setEnabled(valid)
        self.save_button.setToolTip("" if valid else "Volume and concentration are required")
        return valid

    def save(self) -> None:
        """Write the analysis, or show the service's reason beside the field it names."""
        if not self.revalidate():
            return
        try:
            change = services.record_semen(self._context.journal, self._build())
        except InputError as error:
            self.refuse(self.errors.get(error.field, self.form_error), error.reason)
            return
        for edit in self.edits.values():
            edit.clear()
        self.saved(change)
        self.analysis_saved.emit(change)

    def open_new_analysis(self) -> None:
        """Focus an empty form dated today (used by the "Log result" action of reminders)."""
        for edit in self.edits.values():
            edit.clear()
        self.date_edit.set_value(self._context.today())
        self.edits["volume"].setFocus()

    # --- the table --------------------------------------------------------------------------

    def refresh(self, *_args: object) -> None:
        edition = self._context.who_edition()
        analyses = self._context.history(("semen",)).semen
        rows = [SemenRow(analysis, semen_view(analysis, edition)) for analysis in analyses]
        self.model.set_analyses(rows, edition)
        fit_columns(self.table)
        self.legend.setText(
            f"<b>Semen analyses</b> — ▼ below the WHO {edition} lower reference limit"
        )
        if self.proxy.rowCount() and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)
        self._update_buttons()

    def selected_analysis(self) -> SemenAnalysis | None:
        row: SemenRow | None = self.selected()
        return row.analysis if row is not None else None

    def deletable(self) -> tuple[int, str] | None:
        analysis = self.selected_analysis()
        if analysis is None or analysis.id is None:
            return None
        return analysis.id, f"Semen analysis of {analysis.date.isoformat()} deleted."
