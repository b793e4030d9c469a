"""Where one screen asks the main window to go: a page and what to open there, typed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple, Protocol, runtime_checkable

from PySide6.QtCore import SignalInstance


class Page(NamedTuple):
    """One sidebar entry: its key, label and the screen class to build on first show."""

    key: str
    label: str
    module: str
    class_name: str


PAGES: tuple[Page, ...] = (
    Page("today", "Today", "today", "TodayScreen"),
    Page("medications", "Medications", "medications", "MedicationsScreen"),
    Page("labs", "Labs", "labs", "LabsScreen"),
    Page("semen", "Semen", "semen", "SemenScreen"),
    Page("symptoms", "Symptoms", "symptoms", "SymptomsScreen"),
    Page("charts", "Charts", "charts", "ChartsScreen"),
    Page("reminders", "Reminders", "reminders", "RemindersScreen"),
    Page("settings", "Settings", "settings", "SettingsScreen"),
)
PAGE_KEYS = tuple(page.key for page in PAGES)
SCREENS_PACKAGE = "fertilitytracker.gui.screens"


@dataclass(frozen=True)
class NewDraw:
    """The lab form for a new draw (or a DEXA scan when `test` is "dexa"), with these rows."""

    analytes: tuple[str, ...] | None = None
    test: str | None = None


@dataclass(frozen=True)
class ShowDraw:
    """The draw of this date selected in Labs (a point clicked on a chart)."""

    day: date


@dataclass(frozen=True)
class NewAnalysis:
    """The semen form for a new analysis."""

    test: str | None = None


@dataclass(frozen=True)
class StartMedication:
    """The Medications form that starts a regimen."""


Focus = NewDraw | ShowDraw | NewAnalysis | StartMedication


@dataclass(frozen=True)
class Navigation:
    """Show `page` (a sidebar key) and, when given, open `focus` there."""

    page: str
    focus: Focus | None = None


@runtime_checkable
class Navigates(Protocol):
    """A screen that can ask for another page: it emits one `Navigation`."""

    navigate_requested: SignalInstance


@runtime_checkable
class OpensDraw(Protocol):
    """A screen whose clicked point names a draw date (Charts): shown in Labs."""

    draw_requested: SignalInstance
