"""Window state that is not clinical (geometry, last page, theme), kept in QSettings."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "fertilitytracker"
APPLICATION = "fertilitytracker"

GEOMETRY_KEY = "window/geometry"
LAST_PAGE_KEY = "window/last_page"
THEME_KEY = "appearance/theme"
RECENT_KEY = "journals/recent"
RECENT_LIMIT = 8
THEME_DEFAULT = "system"
THEME_CHOICES = ("system", "light", "dark")


class UiState:
    """Typed access to the app's QSettings; tests pass their own QSettings (an ini in tmp)."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self.settings = settings if settings is not None else QSettings(ORGANIZATION, APPLICATION)

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
