"""Window state that is not clinical (geometry, last page, theme...), kept in one QSettings file.

Every key the desktop app keeps outside the journal is declared here (docs/design.md, "Files
and places"), and every QSettings the app makes is `app_settings()`: one file,
`fertilitytracker.conf`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "fertilitytracker"
APPLICATION = "fertilitytracker"
# Earlier versions also wrote a second file under the window title (a bare `QSettings()` after
# setApplicationName): `Fertility Tracker.conf`. Its keys are moved into the one file once.
OLD_APPLICATION = "Fertility Tracker"

GEOMETRY_KEY = "window/geometry"
LAST_PAGE_KEY = "window/last_page"
THEME_KEY = "appearance/theme"
RECENT_KEY = "journals/recent"
RECENT_LIMIT = 8
CHARTS_VISIBLE_KEY = "charts/visible"  # the plots chosen on the Charts page, comma-separated
CHARTS_RANGE_KEY = "charts/range"  # the date range preset of the Charts page
REPORT_FOLDER_KEY = "report/folder"  # the folder the last report went to
REMINDERS_LAST_SEEN_KEY = "reminders/last_seen"  # when the tray last checked for doses
THEME_DEFAULT = "system"
THEME_CHOICES = ("system", "light", "dark")


def app_settings() -> QSettings:
    """The app's one QSettings file (`fertilitytracker.conf` in the user's config folder)."""
    return QSettings(ORGANIZATION, APPLICATION)


def move_old_settings(settings: QSettings, old: QSettings) -> list[str]:
    """Move the keys an earlier version wrote to `old` into `settings`, once: `old` is then
    emptied and its file removed. A key already in `settings` is newer and is kept. Returns
    the keys moved."""
    moved = []
    for key in old.allKeys():
        if not settings.contains(key):
            settings.setValue(key, old.value(key))
            moved.append(key)
    if old.allKeys():
        settings.sync()
        old.clear()
        old.sync()
    path = Path(old.fileName())
    if path.is_file() and path != Path(settings.fileName()):
        path.unlink(missing_ok=True)
    return moved


class UiState:
    """Typed access to the app's QSettings; tests pass their own QSettings (an ini in tmp)."""

    def __init__(self, settings: QSettings | None = None) -> None:
        if settings is None:
            settings = app_settings()
            move_old_settings(settings, QSettings(ORGANIZATION, OLD_APPLICATION))
        self.settings = settings

    @property
    def theme(self) -> str:
        """ "system", "light" or "dark" (an unknown stored value reads as system)."""
        value = self.settings.value(THEME_KEY, THEME_DEFAULT)
        return value if value in THEME_CHOICES else THEME_DEFAULT

    @theme.setter
    def theme(self, value: str) -> None:
        self.settings.setValue(THEME_KEY, value if value in THEME_CHOICES else THEME_DEFAULT)

    @property
    def last_page(self) -> str | None:
        value = self.settings.value(LAST_PAGE_KEY)
        return value if isinstance(value, str) and value else None

    @last_page.setter
    def last_page(self, page: str) -> None:
        self.settings.setValue(LAST_PAGE_KEY, page)

    @property
    def recent_journals(self) -> list[str]:
        """Journal files opened lately, the latest first."""
        value = self.settings.value(RECENT_KEY)
        if isinstance(value, str):
            value = [value]
        return [str(path) for path in value or () if str(path)]

    def add_recent_journal(self, path: str) -> None:
        """Put `path` first in the recent journals (kept to RECENT_LIMIT)."""
        paths = [path, *(known for known in self.recent_journals if known != path)]
        self.settings.setValue(RECENT_KEY, paths[:RECENT_LIMIT])

    @property
    def geometry(self) -> QByteArray | None:
        value = self.settings.value(GEOMETRY_KEY)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self.settings.setValue(GEOMETRY_KEY, value)

    def sync(self) -> None:
        self.settings.sync()
