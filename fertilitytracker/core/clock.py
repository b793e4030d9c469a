"""The one place that reads the system clock; everything else is handed `today`.

tests/test_architecture.py fails when any other module of the package reads the clock.
"""

from __future__ import annotations

from datetime import date, datetime


def today() -> date:
    """The local calendar date."""
    return date.today()


def now() -> datetime:
    """The local wall-clock time, to the minute."""
    return datetime.now().replace(second=0, microsecond=0)


def stamp() -> datetime:
    """The local wall-clock time to the second, for names that must not repeat within a minute."""
    return datetime.now().replace(microsecond=0)
