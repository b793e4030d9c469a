"""Settings › When tests are due: the monitoring rule offsets (docs/clinical.md §6) in words."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.monitoring import MAX_OFFSET_DAYS, default_offsets, offsets_with
from fertilitytracker.gui.widgets.fields import ErrorLabel

# A spin box of days is short: one half the window wide looked like a text box.
OFFSET_SPIN_MAX_WIDTH_PX = 110

Store = Callable[[str, object, str], None]
"""Stores a journal setting and says so: (key, value, summary)."""


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


class OffsetsBox(QGroupBox):
    """The usual test schedule, changeable behind an "Advanced" toggle, checked by the core."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__("When tests are due", parent)
        self._store = store
        box = self
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
        """Forget the user's offsets: the usual schedule applies again."""
        self._store("rule_offsets", {}, "monitoring rule offsets reset to the defaults")

    def show_offsets(self, current: dict[str, int]) -> None:
        """Show the offsets in force (`name: days`)."""
        for name, spin in self.offset_spins.items():
            spin.setValue(current[name])
