"""Text put into rich text is escaped exactly as html.escape would escape it."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fertilitytracker.gui.widgets.rich_text import escaped

pytestmark = pytest.mark.gui


@pytest.mark.parametrize(
    "text", ["<8", "a & b", 'Dr "Who"', "O'Neil", "<b>Arimidex</b>", "≥ 10 ng/dL", ""]
)
def test_markup_characters_are_escaped_as_html_escape_does(text: str) -> None:
    assert escaped(text) == html.escape(text)


@given(st.text())
def test_any_text_is_escaped_as_html_escape_does(text: str) -> None:
    assert escaped(text) == html.escape(text)
