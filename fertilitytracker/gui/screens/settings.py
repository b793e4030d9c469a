"""Settings: units, target ranges, WHO edition, patient, theme, journal file, rule offsets."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from fertilitytracker.core.analytes import Analyte, all_analytes
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.ranges import WHO_EDITIONS, default_range
from fertilitytracker.core.reading import clinician_target
from fertilitytracker.core.records import TargetRange, UnitSystem
from fertilitytracker.core.units import convert_for_display, unit_for_system
from fertilitytracker.core.validation import parse_date, parse_number
from fertilitytracker.gui.context import AppContext, refresh_on
from fertilitytracker.gui.models.base import Column, RowTableModel
from fertilitytracker.gui.screens.settings_offsets import OffsetsBox
from fertilitytracker.gui.theme import THEMES
from fertilitytracker.gui.widgets.fields import (
    ErrorLabel,
    ValidatedField,
    action_button,
    line_field,
)
from fertilitytracker.gui.widgets.journal_files import ask_journal_path, switch_journal
from fertilitytracker.gui.widgets.page import scrolling_page
from fertilitytracker.gui.widgets.record_table import record_table
from fertilitytracker.gui.widgets.status import show_status
from fertilitytracker.services import operations as services
from fertilitytracker.services.formatting import format_number
from fertilitytracker.services.operations import Change
from fertilitytracker.services.settings import (
    SETTINGS,
    get_setting,
    rule_offsets_setting,
    set_setting,
)

UNIT_SYSTEM_LABELS = {"us": "US (ng/dL, pg/mL)", "si": "SI (nmol/L, pmol/L)"}
# Widths of short numeric fields, so they do not stretch across half the window.
TARGET_FIELD_MAX_WIDTH_PX = 140


@dataclass(frozen=True)
class TargetRow:
    """One analyte of the target-range table, shown in the chosen unit system."""

    analyte: Analyte
    default: TargetRange
    clinician: TargetRange | None
    system: UnitSystem


def _range_text(row: TargetRow, target: TargetRange | None) -> str:
    if target is None:
        return ""
    low = (
        format_number(convert_for_display(row.analyte.key, target.low, row.system)[0])
        if target.low is not None
        else "…"
    )
    high = (
        format_number(convert_for_display(row.analyte.key, target.high, row.system)[0])
        if target.high is not None
        else "…"
    )
    unit = unit_for_system(row.analyte.key, row.system).text
    return f"{low}–{high} {unit}"


TARGET_COLUMNS: tuple[Column[TargetRow], ...] = (
    Column("Analyte", lambda row: row.analyte.name),
    Column(
        "Default",
        lambda row: _range_text(row, row.default),
        tooltip=lambda row: row.default.source,
    ),
    Column("Source of the default", lambda row: row.default.source),
    Column(
        "Clinician range",
        lambda row: _range_text(row, row.clinician) if row.clinician else "—",
        tooltip=lambda row: f"set on {row.clinician.set_on}" if row.clinician else "",
    ),
)


def _target_analytes() -> list[Analyte]:
    # Semen parameters are judged against the WHO limits (edition setting), not a target.
    return [analyte for analyte in all_analytes() if not analyte.is_semen and not analyte.derived]


class SettingsScreen(QWidget):
    """Every setting on one scrolling page."""

    theme_changed = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setAccessibleName("Settings")
        body, layout = scrolling_page(self)
        layout.addWidget(QLabel("<h2>Settings</h2>", body))
        row = QHBoxLayout()
        row.addWidget(self._build_display(body), 1)
        row.addWidget(self._build_patient(body), 1)
        layout.addLayout(row)
        layout.addWidget(self._build_targets(body))
        row = QHBoxLayout()
        row.addWidget(self._build_journal(body), 1)
        self.offsets_box = OffsetsBox(self._store, body)
        # The screen's own names for the box's parts (what people and tests reach for).
        self.offsets_toggle = self.offsets_box.offsets_toggle
        self.offsets_panel = self.offsets_box.offsets_panel
        self.offset_spins = self.offsets_box.offset_spins
        self.offset_errors = self.offsets_box.offset_errors
        self.offsets_save = self.offsets_box.offsets_save
        self.offsets_reset = self.offsets_box.offsets_reset
        self.offsets_error = self.offsets_box.offsets_error
        row.addWidget(self.offsets_box, 1)
        layout.addLayout(row)
        layout.addStretch(1)
        self.follower = refresh_on(self, context, self.refresh, ("targets",))
        # Another journal: now if shown, else on the next visit (the follower holds it).
        context.journal_replaced.connect(self.follower.mark_stale)
        self.refresh()

    # --- display ----------------------------------------------------------------------------

    def _build_display(self, parent: QWidget) -> QGroupBox:
        box = QGroupBox("Display", parent)
        form = QFormLayout(box)
        units = QWidget(box)
        units_layout = QHBoxLayout(units)
        units_layout.setContentsMargins(0, 0, 0, 0)
        self.unit_buttons = QButtonGroup(self)
        self.unit_radios: dict[str, QRadioButton] = {}
        for key, label in UNIT_SYSTEM_LABELS.items():
            radio = QRadioButton(label, units)
            radio.setAccessibleName(f"Units {key.upper()}")
            self.unit_buttons.addButton(radio)
            self.unit_radios[key] = radio
            units_layout.addWidget(radio)
            radio.toggled.connect(partial(self._unit_toggled, key))
        form.addRow("Units", units)
        self.who_combo = QComboBox(box)
        self.who_combo.setAccessibleName("WHO edition")
        for edition in WHO_EDITIONS:
            self.who_combo.addItem(f"WHO {edition}", edition)
        self.who_combo.setToolTip(SETTINGS["who_edition"].help)
        self.who_combo.currentIndexChanged.connect(self._who_chosen)
        form.addRow("Semen lower limits", self.who_combo)
        self.theme_combo = QComboBox(box)
        self.theme_combo.setAccessibleName("Theme")
        for key, label in THEMES:
            self.theme_combo.addItem(label, key)
        self.theme_combo.currentIndexChanged.connect(self._theme_chosen)
        form.addRow("Theme", self.theme_combo)
        return box

    def _unit_toggled(self, system: str, on: bool) -> None:
        if on:
            self.set_unit_system(system)

    def set_unit_system(self, system: str) -> None:
        """Store the unit system (us or si) and tell every screen."""
        if system == self.context.unit_system():
            return
        self._store("unit_system", system, f"units set to {system.upper()}")

    def _who_chosen(self, _index: int) -> None:
        edition = self.who_combo.currentData()
        if edition and edition != self.context.who_edition():
            self._store("who_edition", edition, f"WHO {edition} lower limits in use")

    def _store(self, key: str, value: object, summary: str) -> None:
        try:
            set_setting(self.context.journal, key, value)
        except InputError as error:
            show_status(self, f"Not saved: {error.reason}")
            return
        self.context.notify(Change(frozenset({"settings"}), summary))

    def set_theme(self, theme: str) -> None:
        """Show `theme` as chosen without announcing it (the window applied it already)."""
        index = self.theme_combo.findData(theme)
        self.theme_combo.blockSignals(True)
        self.theme_combo.setCurrentIndex(max(index, 0))
        self.theme_combo.blockSignals(False)

    def _theme_chosen(self, _index: int) -> None:
        self.theme_changed.emit(str(self.theme_combo.currentData()))

    # --- patient ----------------------------------------------------------------------------

    def _build_patient(self, parent: QWidget) -> QGroupBox:
        box = QGroupBox("Patient (printed on the report)", parent)
        form = QFormLayout(box)
        self.patient_name = QLineEdit(box)
        self.patient_name.setAccessibleName("Patient name")
        self.patient_name.setPlaceholderText("optional")
        self.patient_birth = line_field(
            box,
            lambda text: parse_date(text, "birth date"),
            placeholder="YYYY-MM-DD (optional)",
            required=False,
            accessible_name="Birth date",
        )
        self.patient_save = action_button("Save patient", box, self.save_patient)
        self.patient_birth.validity_changed.connect(self.patient_save.setEnabled)
        form.addRow("&Name", self.patient_name)
        form.addRow("&Birth date", self.patient_birth)
        form.addRow("", self.patient_save)
        return box

    def save_patient(self) -> None:
        name = self.patient_name.text().strip()
        birth = self.patient_birth.text()
        try:
            if birth:
                parse_date(birth, "birth date")
            with self.context.journal.transaction():
                set_setting(self.context.journal, "patient_name", name)
                set_setting(self.context.journal, "patient_birth_date", birth)
        except InputError as error:
            self.patient_birth.show_error(error.reason)
            return
        self.context.notify(Change(frozenset({"settings"}), "patient details saved"))

    # --- target ranges ----------------------------------------------------------------------

    def _build_targets(self, parent: QWidget) -> QGroupBox:
        box = QGroupBox("Target ranges", parent)
        layout = QVBoxLayout(box)
        note = QLabel(
            "Results are flagged against your clinician's range, else the lab's printed range "
            "when entered, else the default below; a range with one end open takes the other "
            "from the next. A clinician's range flags earlier results too. On an aromatase "
            "inhibitor, the estradiol floor is the low end of your clinician's estradiol range, "
            "else the default; a lab's range never changes it.",
            box,
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.targets_model: RowTableModel[TargetRow] = RowTableModel(TARGET_COLUMNS, self)
        self.targets_table = record_table("Target ranges", box, word_wrap=False)
        self.targets_table.setModel(self.targets_model)
        header = self.targets_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.targets_table.setMinimumHeight(300)
        self.targets_table.selectionModel().selectionChanged.connect(self._target_selected)
        layout.addWidget(self.targets_table)

        editor = QGridLayout()
        self.target_label = QLabel("Select an analyte to set your clinician's range.", box)
        self.target_low = ValidatedField(
            QLineEdit(box), self._check_low, required=False, accessible_name="Target low"
        )
        self.target_high = ValidatedField(
            QLineEdit(box), self._check_high, required=False, accessible_name="Target high"
        )
        for field in (self.target_low, self.target_high):
            field.editor.setPlaceholderText("open")
            # A bound is a short number: a field half the window wide looked like a text box.
            field.editor.setMaximumWidth(TARGET_FIELD_MAX_WIDTH_PX)
        self.target_unit = QComboBox(box)
        self.target_unit.setAccessibleName("Target unit")
        self.target_set = QPushButton("Set range", box)
        self.target_set.setAccessibleName("Set clinician range")
        self.target_set.clicked.connect(self.save_target)
        self.target_reset = QPushButton("Reset to default", box)
        self.target_reset.setAccessibleName("Reset to default")
        self.target_reset.clicked.connect(self.reset_target)
        self.target_error = ErrorLabel(box)
        editor.addWidget(self.target_label, 0, 0, 1, 6)
        editor.addWidget(QLabel("Low", box), 1, 0)
        editor.addWidget(self.target_low, 1, 1)
        editor.addWidget(QLabel("High", box), 1, 2)
        editor.addWidget(self.target_high, 1, 3)
        editor.addWidget(self.target_unit, 1, 4)
        editor.addWidget(self.target_set, 1, 5)
        editor.addWidget(self.target_reset, 1, 6)
        editor.addWidget(self.target_error, 2, 0, 1, 7)
        editor.setColumnStretch(7, 1)
        layout.addLayout(editor)
        for field in (self.target_low, self.target_high):
            field.validity_changed.connect(self._update_target_buttons)
            field.editor.textChanged.connect(self._update_target_buttons)  # type: ignore[union-attr]
        self.target_unit.currentTextChanged.connect(self._update_target_buttons)
        return box

    def _bound_check(self, text: str, field: str) -> object:
        if text.strip() == "-":
            return None
        analyte = self.selected_analyte()
        minimum = None if analyte is not None and analyte.key == "dexa_t_score" else 0.0
        return parse_number(text, field, minimum=minimum)

    def _check_low(self, text: str) -> object:
        return self._bound_check(text, "low")

    def _check_high(self, text: str) -> object:
        return self._bound_check(text, "high")

    def selected_analyte(self) -> Analyte | None:
        model = self.targets_table.selectionModel()
        rows = model.selectedRows() if model is not None else []
        if not rows:
            return None
        return self.targets_model.row_at(rows[0].row()).analyte

    def select_analyte(self, key: str) -> None:
        """Select the row of analyte `key` (keyboard users can also use the table)."""
        for row, entry in enumerate(self.targets_model.rows()):
            if entry.analyte.key == key:
                self.targets_table.selectRow(row)
                return

    def _target_selected(self, *_args: object) -> None:
        analyte = self.selected_analyte()
        self.target_unit.clear()
        self.target_error.show_reason(None)
        if analyte is None:
            self.target_label.setText("Select an analyte to set your clinician's range.")
        else:
            self.target_label.setText(f"Clinician range for {analyte.name}")
            for unit in analyte.units:
                self.target_unit.addItem(unit.text)
            self.target_unit.setCurrentText(
                unit_for_system(analyte.key, self.context.unit_system()).text
            )
        self.target_low.set_text("")
        self.target_high.set_text("")
        self._update_target_buttons()

    def _update_target_buttons(self, *_args: object) -> None:
        analyte = self.selected_analyte()
        valid = self.target_low.is_valid() and self.target_high.is_valid()
        some = bool(self.target_low.text() or self.target_high.text())
        self.target_set.setEnabled(analyte is not None and valid and some)
        clinician = None
        if analyte is not None:
            for row in self.targets_model.rows():
                if row.analyte.key == analyte.key:
                    clinician = row.clinician
        self.target_reset.setEnabled(clinician is not None)

    def save_target(self) -> None:
        analyte = self.selected_analyte()
        if analyte is None:
            return
        try:
            change = services.set_target(
                self.context.journal,
                analyte.key,
                self.target_low.text() or None,
                self.target_high.text() or None,
                self.target_unit.currentText(),
                self.context.today(),
            )
        except InputError as error:
            if error.field == "high":
                self.target_high.show_error(error.reason)
            elif error.field == "low":
                self.target_low.show_error(error.reason)
            else:
                self.target_error.show_reason(error.reason)
            self._update_target_buttons()
            return
        self.context.notify(change)

    def reset_target(self) -> None:
        analyte = self.selected_analyte()
        if analyte is None:
            return
        self.context.notify(services.reset_target(self.context.journal, analyte.key))

    # --- journal file -----------------------------------------------------------------------

    def _build_journal(self, parent: QWidget) -> QGroupBox:
        box = QGroupBox("Journal file", parent)
        layout = QVBoxLayout(box)
        self.journal_path = QLabel(box)
        self.journal_path.setWordWrap(True)
        self.journal_path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.journal_path)
        buttons = QHBoxLayout()
        open_button = QPushButton("Open another journal…", box)
        open_button.clicked.connect(lambda: self._ask_journal(create=False))
        new_button = QPushButton("Create a new journal…", box)
        new_button.clicked.connect(lambda: self._ask_journal(create=True))
        buttons.addWidget(open_button)
        buttons.addWidget(new_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.journal_error = ErrorLabel(box)
        layout.addWidget(self.journal_error)
        layout.addStretch(1)  # keep the content at the top of a box as tall as its neighbour
        return box

    def _ask_journal(self, *, create: bool) -> None:
        path = ask_journal_path(self, self.context, create=create)
        if path is not None:
            self.open_journal_path(path, create=create)

    def open_journal_path(self, path: Path, *, create: bool) -> bool:
        """Switch to the journal at `path`; a failure is shown in words under the buttons."""
        problem = switch_journal(self.context, path, create=create)
        self.journal_error.show_reason(problem)
        return problem is None

    # --- refresh ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Show what the journal holds."""
        journal = self.context.journal
        system = self.context.unit_system()
        for key, radio in self.unit_radios.items():
            radio.blockSignals(True)
            radio.setChecked(key == system)
            radio.blockSignals(False)
        self.who_combo.blockSignals(True)
        self.who_combo.setCurrentIndex(max(self.who_combo.findData(self.context.who_edition()), 0))
        self.who_combo.blockSignals(False)
        self.patient_name.setText(str(get_setting(journal, "patient_name") or ""))
        self.patient_birth.set_text(str(get_setting(journal, "patient_birth_date") or ""))
        self.journal_path.setText(f"Open: {journal.path}")

        selected = self.selected_analyte()
        history = self.context.history(("targets",))
        rows = []
        for analyte in _target_analytes():
            rows.append(
                TargetRow(
                    analyte=analyte,
                    default=default_range(analyte.key, self.context.who_edition()),
                    clinician=clinician_target(analyte.key, history.targets),
                    system=system,
                )
            )
        self.targets_model.set_rows(rows)
        if selected is not None:
            self.select_analyte(selected.key)
        self._update_target_buttons()

        self.offsets_box.show_offsets(rule_offsets_setting(journal).in_force.as_dict())
