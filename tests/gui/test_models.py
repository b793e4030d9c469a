"""Every table model of the Labs, Semen and Symptoms screens passes qtmodeltester."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSortFilterProxyModel, Qt

from fertilitytracker.gui.models.base import SORT_ROLE
from fertilitytracker.gui.models.draws import DexaTableModel, DrawsTableModel, ResultsTableModel
from fertilitytracker.gui.models.semen import SemenRow, SemenTableModel
from fertilitytracker.gui.models.symptoms import SymptomsTableModel
from fertilitytracker.services.formatting import format_number
from fertilitytracker.services.views import lab_draw_view, semen_view
from fertilitytracker.storage.journal import Journal

pytestmark = pytest.mark.gui


def draws_model(journal: Journal, system: str = "us") -> DrawsTableModel:
    history = journal.history()
    views = [lab_draw_view(draw, history, system) for draw in history.draws]  # type: ignore[arg-type]
    return DrawsTableModel(views, system)  # type: ignore[arg-type]


@pytest.mark.parametrize("system", ["us", "si"])
def test_draws_model(qtmodeltester, demo_journal: Journal, system: str) -> None:
    model = draws_model(demo_journal, system)
    assert model.rowCount() == len(demo_journal.history().draws) > 0
    qtmodeltester.check(model)
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.sort(3, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(proxy)


def test_draws_model_reset_keeps_it_valid(qtmodeltester, demo_journal: Journal) -> None:
    model = draws_model(demo_journal)
    qtmodeltester.check(model)
    history = demo_journal.history()
    model.set_draws([lab_draw_view(history.draws[0], history, "si")], "si")
    assert model.rowCount() == 1
    assert "nmol/L" in model.headerData(1, Qt.Orientation.Horizontal)


def test_results_model(qtmodeltester, demo_journal: Journal) -> None:
    history = demo_journal.history()
    view = lab_draw_view(history.draws[0], history, "us")
    model = ResultsTableModel(view.results)
    assert model.rowCount() == len(history.draws[0].results)
    qtmodeltester.check(model)


def test_dexa_model(qtmodeltester, demo_journal: Journal) -> None:
    model = DexaTableModel(demo_journal.history().dexa)
    assert model.rowCount() == 1
    qtmodeltester.check(model)


def test_semen_model(qtmodeltester, demo_journal: Journal) -> None:
    rows = [SemenRow(a, semen_view(a, "2021")) for a in demo_journal.history().semen]
    model = SemenTableModel(rows, "2021")
    assert model.rowCount() == 2
    qtmodeltester.check(model)


def test_symptoms_model(qtmodeltester, demo_journal: Journal) -> None:
    model = SymptomsTableModel(demo_journal.history().symptoms)
    assert model.rowCount() > 0
    qtmodeltester.check(model)


@pytest.mark.parametrize(
    "model",
    [DrawsTableModel, ResultsTableModel, DexaTableModel, SemenTableModel, SymptomsTableModel],
)
def test_empty_models(qtmodeltester, model) -> None:
    empty = model()
    assert empty.rowCount() == 0
    qtmodeltester.check(empty)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (692.208, "692"),
        (16.343, "16.3"),
        (4.3, "4.3"),
        (0.09443, "0.0944"),
        (1080, "1080"),
        (-2.6, "−2.6"),
        (0, "0"),
        (42.0, "42"),
        (24.0, "24"),
    ],
)
def test_format_number(value: float, text: str) -> None:
    assert format_number(value) == text
