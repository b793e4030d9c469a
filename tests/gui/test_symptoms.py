"""The Symptoms screen: only rated symptoms are saved, all in one go; table; delete with undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from fertilitytracker.core.errors import InputError
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.screens import symptoms as symptoms_module
from fertilitytracker.gui.screens.symptoms import SymptomsScreen
from fertilitytracker.services.operations import record_symptom
from fertilitytracker.storage.journal import Journal
from tests.builders import TODAY
from tests.gui._fixtures_labs import column_texts

pytestmark = pytest.mark.gui


@pytest.fixture
def screen(show, context: AppContext) -> SymptomsScreen:
    return show(SymptomsScreen(context), 1200, 900)


def tick(qtbot, check) -> None:
    """Click the box itself (the check box widget may be wider than its box and text)."""
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(8, check.height() // 2))


def slider(screen: SymptomsScreen, name: str):
    return next(s for s in screen.sliders if s.name == name)


def test_the_seven_symptoms_with_anchored_labels(screen: SymptomsScreen) -> None:
    names = [s.name for s in screen.sliders]
    assert names == [
        "libido",
        "erectile function",
        "joint pain",
        "fatigue",
        "mood",
        "hot flashes",
        "breast tenderness",
    ]
    for item in screen.sliders:
        assert (item.slider.minimum(), item.slider.maximum()) == (0, 10)
        assert item.value_label.text() == "not rated"
    assert "10 worst" in slider(screen, "libido").meaning_label.text()
    assert "problem" in slider(screen, "erectile function").slider.accessibleName()


def test_only_rated_symptoms_are_saved(qtbot, screen: SymptomsScreen, journal: Journal) -> None:
    assert not screen.save_button.isEnabled()
    libido = slider(screen, "libido")
    libido.slider.setFocus()
    for _ in range(6):
        qtbot.keyClick(libido.slider, Qt.Key.Key_Right)
    assert libido.rate_check.isChecked()  # moving the slider rates it
    assert libido.value_label.text() == "6 / 10"
    tick(qtbot, slider(screen, "fatigue").rate_check)
    assert slider(screen, "fatigue").value_label.text() == "0 / 10"  # ticked: rated as none
    qtbot.keyClicks(screen.free_name_edit, "headache")
    screen.free_severity.setValue(3)
    qtbot.keyClicks(screen.note_edit, "slept badly")
    assert screen.save_button.isEnabled()
    # The note belongs to the one symptom it was typed for.
    offered = [screen.note_for.itemText(i) for i in range(screen.note_for.count())]
    assert offered == ["Libido", "Fatigue", "headache"]
    screen.note_for.setCurrentIndex(screen.note_for.findData("fatigue"))

    with qtbot.waitSignal(screen.symptoms_saved):
        qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)

    saved = {(e.name, e.severity, e.note, e.date) for e in journal.history().symptoms}
    assert saved == {
        ("libido", 6, None, TODAY),
        ("fatigue", 0, "slept badly", TODAY),
        ("headache", 3, None, TODAY),
    }
    model = screen.table.model()
    assert sorted(column_texts(model, 1)) == ["Fatigue", "Headache", "Libido"]
    assert "6 / 10" in column_texts(model, 2)
    # The form is reset: nothing rated, Save disabled.
    assert not any(s.rate_check.isChecked() for s in screen.sliders)
    assert not screen.save_button.isEnabled()


def test_unticking_means_not_saved(qtbot, screen: SymptomsScreen) -> None:
    mood = slider(screen, "mood")
    mood.slider.setValue(4)
    assert screen.save_button.isEnabled()
    tick(qtbot, mood.rate_check)
    assert mood.rating() is None
    assert not screen.save_button.isEnabled()


def test_bad_free_symptom_name_is_refused(qtbot, screen: SymptomsScreen) -> None:
    screen.free_name_edit.setText("x" * 81)
    assert "at most 80 characters" in screen.free_error.text()
    assert not screen.save_button.isEnabled()
    screen.free_name_edit.setText("mood")
    slider(screen, "mood").slider.setValue(2)
    assert "rated above already" in screen.free_error.text()
    assert not screen.save_button.isEnabled()


def test_save_is_all_or_nothing(
    qtbot, screen: SymptomsScreen, journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = symptoms_module.services.record_symptom

    def failing_second(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise InputError("severity", "refused for the test")
        return real(*args, **kwargs)

    monkeypatch.setattr(symptoms_module.services, "record_symptom", failing_second)
    slider(screen, "libido").slider.setValue(5)
    slider(screen, "fatigue").slider.setValue(7)
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    assert journal.history().symptoms == ()  # the first one was rolled back
    assert "refused for the test" in screen.form_error.text()
    assert slider(screen, "libido").rating() == 5  # nothing typed is lost


def test_delete_then_undo(
    qtbot, screen: SymptomsScreen, journal: Journal, context: AppContext
) -> None:
    record_symptom(journal, TODAY, "joint pain", 4, "after the run")
    context.reload()
    model = screen.table.model()
    assert column_texts(model, 3) == ["after the run"]
    screen.table.selectRow(0)
    qtbot.mouseClick(screen.delete_button, Qt.MouseButton.LeftButton)
    assert journal.history().symptoms == ()
    assert model.rowCount() == 0
    assert screen.undo_bar.message.text() == "joint pain of 2026-06-01 deleted."
    qtbot.mouseClick(screen.undo_bar.undo_button, Qt.MouseButton.LeftButton)
    assert [(e.name, e.severity) for e in journal.history().symptoms] == [("joint pain", 4)]
    assert column_texts(model, 1) == ["Joint pain"]


def test_table_sorts_by_severity(
    qtbot, screen: SymptomsScreen, journal: Journal, context: AppContext
) -> None:
    for name, severity in (("mood", 2), ("fatigue", 10), ("libido", 7)):
        record_symptom(journal, TODAY, name, severity)
    context.reload()
    screen.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    assert column_texts(screen.table.model(), 2) == ["10 / 10", "7 / 10", "2 / 10"]
