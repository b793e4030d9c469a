"""Settings: units, target ranges, WHO edition, patient, theme, journal file, rule offsets."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
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
    QSpinBox,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fertilitytracker.core.analytes import Analyte, all_analytes
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.monitoring import MAX_OFFSET_DAYS, default_offsets, offsets_with
from fertilitytracker.core.ranges import WHO_EDITIONS, default_range
from fertilitytracker.core.reading import clinician_target
from fertilitytracker.core.records import TargetRange, UnitSystem
from fertilitytracker.core.units import convert_for_display, unit_for_system
from fertilitytracker.core.validation import parse_date, parse_number
from fertilitytracker.gui.context import AppContext, refresh_on
from fertilitytracker.gui.models.base import Column, RowTableModel
from fertilitytracker.gui.theme import THEMES
from fertilitytracker.gui.widgets.fields import (
    ErrorLabel,
    ValidatedField,
    action_button,
    line_field,
)
from fertilitytracker.gui.widgets.journal_files import ask_journal_path, switch_journal
from fertilitytracker.gui.widgets.page import scrolling_page
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
OFFSET_SPIN_MAX_WIDTH_PX = 110


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


# The rule offsets of docs/clinical.md §6 under plain headings, each with one sentence, and
# each offset in words (never its key).
OFFSET_GROUPS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Hormone panel after a start or change",
        "After a hormone medication is started, changed or stopped, a testosterone and "
        "estradiol test is due within this window.",
        (
            ("hormone_after_change_opens_days", "Not before (days after the change)"),
            ("hormone_after_change_due_days", "Due by (days after the change)"),
        ),
    ),
    (
        "Hormone panel while on treatment",
        "While a hormone medication is taken, the panel is repeated this often.",
        (
            ("hormone_on_therapy_interval_days", "Every (days after the last panel)"),
            ("hormone_on_therapy_opens_before_due_days", "Reminder opens (days before due)"),
        ),
    ),
    (
        "Semen analysis",
        "While a fertility medication is taken, counted from the start of the course or the "
        "latest analysis since.",
        (
            ("semen_opens_days", "Not before (days)"),
            ("semen_due_days", "Due by (days)"),
        ),
    ),
    (
        "Lipid panel on an aromatase inhibitor",
        "A baseline panel after the inhibitor starts, then one a year.",
        (
            ("lipid_baseline_lookback_days", "An earlier panel counts as baseline if within"),
            ("lipid_baseline_opens_days", "Baseline: not before (days after the start)"),
            ("lipid_baseline_due_days", "Baseline: due by (days after the start)"),
            ("lipid_yearly_interval_days", "Then every (days)"),
            ("lipid_yearly_opens_before_due_days", "Reminder opens (days before due)"),
        ),
    ),
    (
        "Bone density scan (DEXA) on an aromatase inhibitor",
        "A first scan after a year on an inhibitor, then every one to two years.",
        (
            ("dexa_prior_scan_window_days", "A scan before the first inhibitor counts if within"),
            ("dexa_exposure_days", "First scan after (days on an inhibitor)"),
            ("dexa_exposure_due_after_opens_days", "First scan due within (days after that)"),
            ("dexa_repeat_opens_days", "Next scan not before (days after the last)"),
            ("dexa_repeat_due_days", "Next scan due by (days after the last)"),
        ),
    ),
    (
        "Treatment courses",
        "A pause in treatment longer than this starts a new course.",
        (("course_gap_days", "A new course after a pause of (days)"),),
    ),
)


def _offset_label(name: str) -> str:
    for _heading, _sentence, offsets in OFFSET_GROUPS:
        for key, label in offsets:
            if key == name:
                return label
    return name.removesuffix("_days").replace("_", " ").capitalize() + " (days)"


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
        row.addWidget(self._build_offsets(body), 1)
        layout.addLayout(row)
        layout.addStretch(1)
        self.follower = refresh_on(self, context, self.refresh, ("targets",))
        context.journal_replaced.connect(self.refresh)
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
        self.targets_table = QTableView(box)
        self.targets_table.setModel(self.targets_model)
        self.targets_table.setAccessibleName("Target ranges")
        self.targets_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.targets_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.targets_table.verticalHeader().setVisible(False)
        self.targets_table.setAlternatingRowColors(True)
        self.targets_table.setWordWrap(False)
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

    # --- monitoring offsets -----------------------------------------------------------------

    def _build_offsets(self, parent: QWidget) -> QGroupBox:
        box = QGroupBox("When tests are due", parent)
        layout = QVBoxLayout(box)
        note = QLabel(
            "The app reminds you of tests on the usual schedule. Change it only as your "
            "clinician advises.",
            box,
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.offsets_toggle = QToolButton(box)
        self.offsets_toggle.setText("Advanced: change when tests are due")
        self.offsets_toggle.setCheckable(True)
        self.offsets_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.offsets_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.offsets_toggle.setAutoRaise(True)
        layout.addWidget(self.offsets_toggle)
        self.offsets_panel = QWidget(box)
        panel = QVBoxLayout(self.offsets_panel)
        panel.setContentsMargins(0, 0, 0, 0)
        self.offset_spins: dict[str, QSpinBox] = {}
        self.offset_errors: dict[str, ErrorLabel] = {}
        defaults = default_offsets().as_dict()
        grouped = {key for _h, _s, offsets in OFFSET_GROUPS for key, _label in offsets}
        groups = list(OFFSET_GROUPS)
        rest = tuple((key, _offset_label(key)) for key in defaults if key not in grouped)
        if rest:
            groups.append(("Other", "", rest))
        for heading, sentence, offsets in groups:
            title = QLabel(f"<b>{heading}</b>", self.offsets_panel)
            panel.addWidget(title)
            if sentence:
                explanation = QLabel(sentence, self.offsets_panel)
                explanation.setWordWrap(True)
                panel.addWidget(explanation)
            form = QFormLayout()
            for name, label in offsets:
                default = defaults[name]
                spin = QSpinBox(self.offsets_panel)
                spin.setRange(0, MAX_OFFSET_DAYS)
                spin.setSuffix(" days")
                spin.setAccessibleName(label)
                spin.setToolTip(f"usually {default} days")
                error = ErrorLabel(self.offsets_panel)
                cell = QWidget(self.offsets_panel)
                cell_layout = QVBoxLayout(cell)
                cell_layout.setContentsMargins(0, 0, 0, 0)
                spin.setMaximumWidth(OFFSET_SPIN_MAX_WIDTH_PX)
                cell_layout.addWidget(spin, 0, Qt.AlignmentFlag.AlignLeft)
                cell_layout.addWidget(error)
                form.addRow(label, cell)
                self.offset_spins[name] = spin
                self.offset_errors[name] = error
            panel.addLayout(form)
        buttons = QHBoxLayout()
        self.offsets_save = QPushButton("Save", self.offsets_panel)
        self.offsets_save.setAccessibleName("Save when tests are due")
        self.offsets_save.clicked.connect(self.save_offsets)
        self.offsets_reset = QPushButton("Back to the usual schedule", self.offsets_panel)
        self.offsets_reset.clicked.connect(self.reset_offsets)
        buttons.addStretch(1)
        buttons.addWidget(self.offsets_save)
        buttons.addWidget(self.offsets_reset)
        panel.addLayout(buttons)
        self.offsets_error = ErrorLabel(self.offsets_panel)
        panel.addWidget(self.offsets_error)
        layout.addWidget(self.offsets_panel)
        self.offsets_panel.setVisible(False)
        self.offsets_toggle.toggled.connect(self._show_offsets)
        return box

    def _show_offsets(self, shown: bool) -> None:
        self.offsets_panel.setVisible(shown)
        arrow = Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        self.offsets_toggle.setArrowType(arrow)

    def save_offsets(self) -> None:
        """Store the offsets that differ from the defaults (checked by the core first)."""
        defaults = default_offsets().as_dict()
        overrides = {
            name: spin.value()
            for name, spin in self.offset_spins.items()
            if spin.value() != defaults[name]
        }
        for error in self.offset_errors.values():
            error.show_reason(None)
        self.offsets_error.show_reason(None)
        try:
            offsets_with(overrides)
        except InputError as error:
            target = self.offset_errors.get(error.field, self.offsets_error)
            target.show_reason(error.reason)
            return
        self._store("rule_offsets", overrides, "monitoring rule offsets saved")

    def reset_offsets(self) -> None:
        self._store("rule_offsets", {}, "monitoring rule offsets reset to the defaults")

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
        history = self.context.history()
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

        current = rule_offsets_setting(journal).in_force.as_dict()
        for name, spin in self.offset_spins.items():
            spin.setValue(current[name])
