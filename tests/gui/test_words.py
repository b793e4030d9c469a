"""Words for people: no spec file, section sign, rule key or command-line advice in the window."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QGroupBox, QLabel, QWidget

from fertilitytracker.gui.main_window import PAGE_KEYS, MainWindow

pytestmark = pytest.mark.gui

# What a person should never read: the project's spec files, section signs, command lines.
DEVELOPER_WORDS = re.compile(
    r"clinical\.md|CLINICAL|cli\.md|§|use '|'med |--[a-z]|fertilitytracker |\brule_offsets\b"
)


def _model_texts(model: QAbstractItemModel) -> list[str]:
    texts = []
    columns = max(
        1, model.columnCount(QModelIndex()) if not isinstance(model, QAbstractListModel) else 1
    )
    for row in range(model.rowCount(QModelIndex())):
        for column in range(columns):
            index = model.index(row, column)
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = index.data(role)
                if value:
                    texts.append(str(value))
    for column in range(columns):
        texts.append(str(model.headerData(column, Qt.Orientation.Horizontal) or ""))
    return texts


def _texts(root: QWidget) -> list[str]:
    texts = [root.toolTip()]
    for widget in root.findChildren(QWidget):
        texts.append(widget.toolTip())
        if isinstance(widget, (QLabel, QAbstractButton)):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            texts += _model_texts(widget.model())
    return [text for text in texts if text]


def test_no_page_shows_spec_files_or_command_line_advice(demo_window: MainWindow) -> None:
    window = demo_window
    found: list[str] = []
    for key in PAGE_KEYS:
        window.show_page(key)
        screen = window.page(key)
        assert screen is not None
        found += [f"{key}: {text}" for text in _texts(screen) if DEVELOPER_WORDS.search(text)]
    assert found == []
