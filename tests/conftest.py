"""Suite-wide rules: tests that drive Qt widgets carry the `gui` marker automatically."""

from __future__ import annotations

from pathlib import Path

import pytest

GUI_TESTS = Path(__file__).parent / "gui"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if GUI_TESTS in Path(item.fspath).parents or "qtbot" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.gui)
