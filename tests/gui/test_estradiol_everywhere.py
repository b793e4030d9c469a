"""Every estradiol case of docs/clinical.md §4, walked through every surface: one answer.

Plain value below, at and above the floor; `<X` below, at and above it; the lab's range
one-sided, two-sided or absent; a clinician's target set or not. The Today banner, the Labs
table, the chart marker, `labs --json` and the report's text must all say the same thing:
"below the floor", "cannot tell", or nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings, Qt

from fertilitytracker.cli import run
from fertilitytracker.gui.charts.plot import OVER_SUPPRESSED_SIZE_PX, SYMBOL_SIZE_PX
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.screens.charts import ChartsScreen
from fertilitytracker.gui.screens.labs import LabsScreen
from fertilitytracker.gui.screens.today import TodayScreen
from fertilitytracker.services.operations import ResultInput, record_draw, set_target, start_regimen
from fertilitytracker.services.report import write_report
from tests.builders import TODAY
from tests.gui._fixtures_labs import column_named

pytestmark = pytest.mark.gui

DRAW_DAY = date(2026, 5, 20)
DEFAULT_FLOOR = 10.0  # docs/clinical.md §4: the floor with no clinician target
CLINICIAN_FLOOR = 20.0  # the low bound of the target set below


@dataclass(frozen=True)
class Case:
    comparator: str  # "" or "<"
    offset: float  # the value relative to the floor: -5 below, 0 at, +5 above
    lab: tuple[str | None, str | None]  # the lab's printed range, as typed
    target: bool  # a clinician's estradiol target of 20–40 pg/mL is set

    @property
    def floor(self) -> float:
        return CLINICIAN_FLOOR if self.target else DEFAULT_FLOOR

    @property
    def value_text(self) -> str:
        return f"{self.comparator}{self.floor + self.offset:g}"

    def expected(self) -> str | None:
        """docs/clinical.md §4, stated independently of the code under test."""
        value = self.floor + self.offset
        if self.comparator == "<":
            return "below_floor" if value <= self.floor else "cannot_tell"
        return "below_floor" if value < self.floor else None


LAB_RANGES = {
    "no lab range": (None, None),
    "lab range <= 39": (None, "39"),  # one-sided: must not silence the floor
    "lab range 12-39": ("12", "39"),  # two-sided: must neither set nor remove the floor
}
CASES = [
    pytest.param(Case(comparator, offset, lab, target), id=f"{name}-{label}-{lab_name}-{tname}")
    for comparator, name in (("", "value"), ("<", "below-limit"))
    for offset, label in ((-5.0, "below"), (0.0, "at"), (5.0, "above"))
    for lab_name, lab in LAB_RANGES.items()
    for target, tname in ((False, "no target"), (True, "target 20-40"))
]

# The words each surface uses for a state (the caution of §4 has its own).
BANNER = {"below_floor": "may be over-suppressed", "cannot_tell": "cannot be ruled out"}
REPORT = {
    "below_floor": "Estradiol below the floor while on anastrozole",
    "cannot_tell": "over-suppression cannot be ruled out while on anastrozole",
}


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def case_context(context: AppContext, request: pytest.FixtureRequest) -> AppContext:
    case: Case = request.param
    journal = context.journal
    start_regimen(journal, "anastrozole", "1", "mg", "daily", date(2026, 5, 1))
    if case.target:
        set_target(journal, "estradiol", "20", "40", "pg/mL", date(2026, 5, 25))
    low, high = case.lab
    record_draw(
        journal,
        DRAW_DAY,
        [
            ResultInput("total_testosterone", "650", "ng/dL"),
            ResultInput("estradiol", case.value_text, "pg/mL", lab_low=low, lab_high=high),
        ],
    )
    context.reload()
    return context


def _today_state(qtbot, context: AppContext) -> str | None:
    screen = TodayScreen(context)
    qtbot.addWidget(screen)
    if screen.warning_banner.isHidden():
        return None
    text = screen.warning_banner.text()
    found = [state for state, words in BANNER.items() if words in text]
    assert len(found) == 1, text
    return found[0]


def _labs_state(qtbot, context: AppContext) -> str | None:
    screen = LabsScreen(context)
    qtbot.addWidget(screen)
    model = screen.draws_table.model()
    cell = model.index(0, column_named(model, "E2"))
    spoken = cell.data(Qt.ItemDataRole.AccessibleTextRole)
    tooltip = cell.data(Qt.ItemDataRole.ToolTipRole)
    found = [state for state, words in BANNER.items() if words in spoken]
    assert all(BANNER[state] in tooltip for state in found)
    assert len(found) <= 1, spoken
    shown = cell.data(Qt.ItemDataRole.DisplayRole)
    assert ("⚠" in shown) == bool(found)
    return found[0] if found else None


def _chart_state(qtbot, context: AppContext, tmp_path: Path) -> str | None:
    settings = QSettings(str(tmp_path / "charts.ini"), QSettings.Format.IniFormat)
    screen = ChartsScreen(context, settings=settings)
    qtbot.addWidget(screen)
    screen.resize(1200, 900)
    screen.show()
    qtbot.waitExposed(screen)
    plot = screen.stack.plot("estradiol")
    assert plot is not None
    scatter = plot.series_items["estradiol"].scatter
    assert scatter is not None
    size = scatter.data["size"][-1]
    title = plot.item.titleLabel.text
    if size == SYMBOL_SIZE_PX:
        assert "⚠" not in title
        return None
    assert size == OVER_SUPPRESSED_SIZE_PX
    if "cannot tell whether it is below the floor" in title:
        return "cannot_tell"
    assert ") is below the floor" in title, title
    return "below_floor"


def _json_state(context: AppContext, capsys: pytest.CaptureFixture[str]) -> str | None:
    capsys.readouterr()
    assert run(["--db", str(context.journal.path), "labs", "--json"]) == 0
    draws = json.loads(capsys.readouterr().out)
    estradiol = next(r for r in draws[0]["results"] if r["analyte"] == "estradiol")
    state: str | None = estradiol["over_suppression"]
    return state


def _report_state(context: AppContext, tmp_path: Path) -> str | None:
    path = write_report(context.journal, tmp_path / "report.pdf", today=TODAY)
    first = _flat(PdfReader(str(path)).pages[0].extract_text() or "")
    found = [state for state, words in REPORT.items() if words in first]
    assert len(found) <= 1, first
    return found[0] if found else None


@pytest.mark.parametrize("case_context", CASES, indirect=True)
def test_every_surface_gives_the_same_answer(
    qtbot,
    case_context: AppContext,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    case: Case = request.node.callspec.params["case_context"]
    expected = case.expected()
    answers = {
        "Today banner": _today_state(qtbot, case_context),
        "Labs flag": _labs_state(qtbot, case_context),
        "chart marker": _chart_state(qtbot, case_context, tmp_path),
        "labs --json": _json_state(case_context, capsys),
        "report": _report_state(case_context, tmp_path),
    }
    assert answers == dict.fromkeys(answers, expected)


def test_a_lab_range_with_no_low_end_keeps_the_warning(qtbot, context: AppContext) -> None:
    """The issue's first case: E2 3 pg/mL with the lab's "<= 39" on anastrozole."""
    start_regimen(context.journal, "anastrozole", "1", "mg", "daily", date(2026, 5, 1))
    record_draw(context.journal, DRAW_DAY, [ResultInput("estradiol", "3", "pg/mL", lab_high="39")])
    context.reload()
    assert _today_state(qtbot, context) == "below_floor"
