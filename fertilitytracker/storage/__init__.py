"""The only code that speaks SQL: the journal file, its migrations and its repositories."""

from __future__ import annotations

import sys


def _import_sqlite_utils_without_numpy() -> None:
    # sqlite-utils imports numpy (about 0.2 s) only to map numpy scalars to column types, and
    # the journal never stores numpy values. Hiding numpy while sqlite-utils loads keeps app
    # start-up and every command fast; numpy stays importable for the charts afterwards.
    if "sqlite_utils" in sys.modules or "numpy" in sys.modules:
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]
    try:
        import sqlite_utils  # noqa: F401
    finally:
        del sys.modules["numpy"]


_import_sqlite_utils_without_numpy()
