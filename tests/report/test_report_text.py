"""Number formatting and right-to-left ordering of the report text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fertilitytracker.services.report.text import (
    has_rtl,
    markup,
    number,
    percent,
    signed,
    unit,
    visual_order,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (520.0, "520"),
        (449.9352, "450"),
        (24.3, "24.3"),
        (15.0, "15"),
        (4.4, "4.4"),
        (6.12, "6.12"),
        (0.0944, "0.0944"),
        (0.078712, "0.0787"),
        (-1.4, "−1.4"),
        (-0.0001, "−0.0001"),
    ],
)
def test_number_rounds_for_reading(value: float, text: str) -> None:
    assert number(value) == text


def test_signed_and_percent() -> None:
    assert signed(270) == "+270"
    assert signed(-22) == "−22"
    assert signed(0) == "0"
    assert percent(108.0) == "+108%"
    assert percent(-73.3) == "−73%"
    assert percent(0.2) == "0%"


def test_units_read_as_words() -> None:
    assert unit("10^6") == "million"
    assert unit("10^6/mL") == "million/mL"
    assert unit("ng/dL") == "ng/dL"


def test_markup_escapes_reportlab_markup() -> None:
    assert markup("<b>T & E</b>") == "&lt;b&gt;T &amp; E&lt;/b&gt;"


def test_hebrew_is_reversed_and_brackets_mirrored() -> None:
    assert visual_order("שלום") == "םולש"
    assert visual_order("דוד כהן") == "ןהכ דוד"
    # Latin text inside a right-to-left line keeps its own order.
    assert visual_order("דוד Zoë") == "Zoë דוד"
    # In a left-to-right line only the Hebrew run turns round.
    assert visual_order("Dr. דוד כהן, clinic") == "Dr. ןהכ דוד, clinic"
    # Numbers stay left-to-right; brackets face the right way in the reversed run.
    assert visual_order("טוב (2 שבועות)") == "(תועובש 2) בוט"


@given(st.text(alphabet=st.characters(codec="latin-1")))
def test_left_to_right_text_is_unchanged(text: str) -> None:
    assert not has_rtl(text)
    assert visual_order(text) == text


@given(st.text(alphabet="אבגדהוזחטיכלמנסעפצקרשת ", min_size=1))
def test_pure_hebrew_is_exactly_reversed(text: str) -> None:
    if not has_rtl(text):
        return
    assert visual_order(text) == text[::-1]


def test_arabic_is_joined_into_contextual_forms_and_reversed() -> None:
    # محمد: meem initial, hah medial, meem medial, dal final, drawn right to left.
    assert visual_order("محمد") == "\ufeaa\ufee4\ufea4\ufee3"
    # A name with a number in brackets: the number stays left to right, brackets face out.
    shown = visual_order("محمد (12)")
    assert shown.startswith("(12) ") and shown.endswith("\ufee3")


def test_cjk_runs_are_set_in_the_cjk_font() -> None:
    assert markup("王 小明 & Kim 김") == (
        '<font name="WenQuanYiMicroHei">王</font> <font name="WenQuanYiMicroHei">小明</font>'
        ' &amp; Kim <font name="WenQuanYiMicroHei">김</font>'
    )
    assert markup("José") == "José"
