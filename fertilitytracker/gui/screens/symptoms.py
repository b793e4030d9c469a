"""The Symptoms screen: rate the day's symptoms on 0–10 sliders, and the table of entries."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.records import SymptomEntry
from fertilitytracker.core.validation import build_symptom
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.models.symptoms import SymptomsTableModel
from fertilitytracker.gui.theme import colour_text, muted_color
from fertilitytracker.gui.widgets.fields import ErrorLabel
from fertilitytracker.gui.widgets.record_screen import RecordScreen
from fertilitytracker.services import operations as services
from fertilitytracker.services.operations import Change

SEVERITY_MAX = 10

# (name saved in the journal, label shown, what the number means). For libido and erectile
# function a high number must read as "worse", not "more", so the label says what is rated.
RATED_SYMPTOMS: tuple[tuple[str, str, str], ...] = (
    ("libido", "Libido", "problem with sexual desire: 0 none … 10 worst (no desire)"),
    (
        "erectile function",
        "Erectile function",
        "problem with erections: 0 none … 10 worst",
    ),
    ("joint pain", "Joint pain", "0 none … 10 worst"),
    ("fatigue", "Fatigue", "0 none … 10 worst"),
    ("mood", "Mood", "low or irritable mood: 0 none … 10 worst"),
    ("hot flashes", "Hot flashes", "0 none … 10 worst"),
    ("breast tenderness", "Breast tenderness", "0 none … 10 worst"),
)


def _reason(build: Callable[[], object]) -> str | None:
    """Why the core's builder refuses, or None when it accepts."""
    try:
        build()
    except InputError as error:
        return error.reason
    return None


class SymptomSlider(QWidget):
    """One symptom: "rate today" checkbox, a 0–10 slider with anchors, and its number."""

    changed = Signal()

    def __init__(self, name: str, label: str, meaning: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.name = name
        self.rate_check = QCheckBox(label, self)
        self.rate_check.setAccessibleName(f"Rate {label.lower()} today")
        self.rate_check.setToolTip("Only ticked symptoms are saved")
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setRange(0, SEVERITY_MAX)
        self.slider.setPageStep(1)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.setTickInterval(1)
        self.slider.setAccessibleName(f"{label} severity, {meaning}")
        self.value_label = QLabel("–", self)
        self.value_label.setMinimumWidth(
            self.value_label.fontMetrics().horizontalAdvance("not rated") + 6
        )
        self.value_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.meaning_label = QLabel(meaning, self)
        self.meaning_label.setWordWrap(True)  # never wider than the form: no sideways scroll
        self.meaning_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        low, high = QLabel("0 none", self), QLabel("10 worst", self)
        high.setAlignment(Qt.AlignmentFlag.AlignRight)
        for small in (self.meaning_label, low, high):
            colour_text(small, muted_color)
            font = small.font()
            font.setPointSizeF(font.pointSizeF() * 0.9)
            small.setFont(font)

        layout = QGridLayout(self)
        layout.setContentsMargins(0, 2, 0, 6)
        layout.setVerticalSpacing(0)
        # The check box and, beside it, what the scale means (wrapped on a narrow form).
        layout.addWidget(self.rate_check, 0, 0, 1, 1)
        layout.addWidget(self.meaning_label, 0, 1, 1, 3)
        layout.addWidget(self.slider, 1, 0, 1, 4)
        layout.addWidget(self.value_label, 1, 4)
        layout.addWidget(low, 2, 0)
        layout.addWidget(high, 2, 3)
        layout.setColumnStretch(1, 1)
        layout.setColumnStretch(2, 1)

        # Moving the slider is rating the symptom; ticking alone rates it at the shown value.
        self.slider.valueChanged.connect(self._slider_moved)
        self.rate_check.toggled.connect(self._update)
        self._update()

    def _slider_moved(self, _value: int) -> None:
        self.rate_check.setChecked(True)
        self._update()

    def _update(self, *_args: object) -> None:
        rated = self.rate_check.isChecked()
        self.value_label.setText(f"{self.slider.value()} / 10" if rated else "not rated")
        self.changed.emit()

    def rating(self) -> int | None:
        """The severity chosen, or None when the symptom is not rated today."""
        return self.slider.value() if self.rate_check.isChecked() else None

    def reset(self) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(0)
        self.slider.blockSignals(False)
        self.rate_check.setChecked(False)
        self._update()


class SymptomsScreen(RecordScreen):
    """Quick daily ratings (sliders, a free symptom, a note) and the table of entries."""

    symptoms_saved = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            "Symptoms",
            context,
            parent,
            record_kind="symptom",
            date_name="Date of the ratings",
            save_text="&Save ratings",
            save_name="Save the symptom ratings",
            delete_text="Delete entry",
            delete_name="Delete the selected symptom entry",
        )
        self.setObjectName("symptoms_screen")
        self.sliders = [
            SymptomSlider(name, label, meaning, self) for name, label, meaning in RATED_SYMPTOMS
        ]
        self.free_name_edit = QLineEdit(self)
        self.free_name_edit.setPlaceholderText("another symptom (optional)")
        self.free_name_edit.setAccessibleName("Other symptom name")
        self.free_severity = QSpinBox(self)
        self.free_severity.setRange(0, SEVERITY_MAX)
        self.free_severity.setSuffix(" / 10")
        self.free_severity.setAccessibleName("Other symptom severity, 0 none to 10 worst")
        self.free_error = ErrorLabel(self)
        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setPlaceholderText("note (optional), about the symptom chosen below")
        self.note_edit.setAccessibleName("Note")
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(64)
        # A note belongs to the one symptom it was typed for, never to every symptom rated.
        self.note_for = QComboBox(self)
        self.note_for.setAccessibleName("The note is about")
        self.note_error = ErrorLabel(self)

        self.model = SymptomsTableModel(parent=self)
        # Sorted by the model itself (years of entries): see RowTableModel.sort.
        table = self.newest_first("Symptom entries", self.model)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        caption = QLabel("<b>Entries</b> — severity 0 none … 10 worst", self)

        self.lay_out(self._build_form(), caption, table)
        for slider in self.sliders:
            slider.changed.connect(self.revalidate)
        self.free_name_edit.textChanged.connect(self.revalidate)
        self.note_edit.textChanged.connect(self.revalidate)
        self.follower = self.follow(("symptoms",))
        self.revalidate()

    def _build_form(self) -> QWidget:
        form_box = QGroupBox("Rate today's symptoms", self)
        form = QVBoxLayout(form_box)
        top = QHBoxLayout()
        date_label = QLabel("&Date", form_box)
        date_label.setBuddy(self.date_edit)
        top.addWidget(date_label)
        top.addWidget(self.date_edit)
        top.addStretch(1)
        form.addLayout(top)
        hint = QLabel("Tick or move a slider to rate a symptom; the others are not saved.")
        hint.setWordWrap(True)
        form.addWidget(hint)
        for slider in self.sliders:
            form.addWidget(slider)
        free = QHBoxLayout()
        free.addWidget(self.free_name_edit, 1)
        free.addWidget(self.free_severity)
        form.addLayout(free)
        form.addWidget(self.free_error)
        form.addWidget(self.note_edit)
        about = QHBoxLayout()
        about.addWidget(QLabel("The note is about", form_box))
        about.addWidget(self.note_for, 1)
        form.addLayout(about)
        form.addWidget(self.note_error)
        form.addWidget(self.form_error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        form.addLayout(buttons)

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        holder = QWidget(scroll)
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        holder_layout.addWidget(form_box)
        holder_layout.addStretch(1)
        scroll.setWidget(holder)
        scroll.setMinimumWidth(440)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        return scroll

    # --- the form ---------------------------------------------------------------------------

    def ratings(self) -> list[tuple[str, int]]:
        """(name, severity) of every symptom to be saved, free symptom included."""
        chosen = [(s.name, rating) for s in self.sliders if (rating := s.rating()) is not None]
        free_name = self.free_name_edit.text().strip()
        if free_name:
            chosen.append((free_name, self.free_severity.value()))
        return chosen

    def note(self) -> str | None:
        return self.note_edit.toPlainText().strip() or None

    def _offer_note_symptoms(self) -> None:
        """The symptoms rated now, for the note; the choice is kept while it is still rated."""
        labels = {name: label for name, label, _meaning in RATED_SYMPTOMS}
        wanted = [(labels.get(name, name), name) for name, _severity in self.ratings()]
        current = self.note_for.currentData()
        if [self.note_for.itemData(i) for i in range(self.note_for.count())] == [
            name for _label, name in wanted
        ]:
            return
        self.note_for.blockSignals(True)
        self.note_for.clear()
        for label, name in wanted:
            self.note_for.addItem(label, name)
        position = self.note_for.findData(current)
        self.note_for.setCurrentIndex(position if position >= 0 else self.note_for.count() - 1)
        self.note_for.blockSignals(False)
        self.note_for.setEnabled(bool(wanted))

    def note_symptom(self) -> str | None:
        """The symptom the note belongs to (None when nothing is rated)."""
        name = self.note_for.currentData()
        return str(name) if name else None

    def revalidate(self, *_args: object) -> bool:
        """Save is enabled when something is rated and every field would be accepted."""
        self._offer_note_symptoms()
        free_name = self.free_name_edit.text().strip()
        # The core's builder judges each field, as it will on save.
        free_reason = _reason(lambda: build_symptom(self.date_edit.value(), free_name, 0))
        if not free_name:
            free_reason = None
        elif free_reason is None and any(
            s.rating() is not None and s.name == free_name.casefold() for s in self.sliders
        ):
            free_reason = f"{free_name} is rated above already"
        note = self.note()
        note_reason = _reason(lambda: build_symptom(self.date_edit.value(), "note", 0, note))
        self.free_error.show_reason(free_reason)
        self.note_error.show_reason(note_reason)
        valid = bool(self.ratings()) and free_reason is None and note_reason is None
        self.save_button.setEnabled(valid)
        self.save_button.setToolTip("" if valid else "Rate at least one symptom")
        return valid

    def save(self) -> None:
        """Write every rated symptom in one transaction: all of them, or none."""
        if not self.revalidate():
            return
        day = self.date_edit.value()
        journal = self._context.journal
        ids: list[int] = []
        try:
            with journal.transaction():
                about = self.note_symptom()
                for name, severity in self.ratings():
                    note = self.note() if name == about else None
                    change = services.record_symptom(journal, day, name, severity, note)
                    ids += change.ids
        except InputError as error:
            label = {"name": self.free_error, "note": self.note_error}.get(
                error.field, self.form_error
            )
            self.refuse(label, error.reason)
            return
        count = len(ids)
        summary = f"{count} symptom{'s' if count != 1 else ''} recorded for {day.isoformat()}"
        change = Change(frozenset({"symptoms"}), summary, tuple(ids), frozenset({day}))
        for slider in self.sliders:
            slider.reset()
        self.free_name_edit.clear()
        self.free_severity.setValue(0)
        self.note_edit.clear()
        self.saved(change)
        self.symptoms_saved.emit(change)

    # --- the table --------------------------------------------------------------------------

    def refresh(self, *_args: object) -> None:
        self.model.set_rows(self._context.history(("symptoms",)).symptoms)
        self._update_buttons()

    def selected_entry(self) -> SymptomEntry | None:
        entry: SymptomEntry | None = self.selected()
        return entry

    def deletable(self) -> tuple[int, str] | None:
        entry = self.selected_entry()
        if entry is None or entry.id is None:
            return None
        return entry.id, f"{entry.name} of {entry.date.isoformat()} deleted."
