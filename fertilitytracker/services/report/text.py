"""Text for the report: number formatting, flag words, markup escaping and right-to-left order."""

from __future__ import annotations

import unicodedata
from xml.sax.saxutils import escape

from fertilitytracker.services.formatting import format_date, format_number

# Flags must read without colour: a symbol and a word, never colour alone.
FLAG_WORDS: dict[str, str] = {
    "low": "▼ low",
    "high": "▲ high",
    "in_range": "",
    "indeterminate": "◆ cannot tell",
    "below_reference": "▼ below ref.",
    "none": "",
}
FLAG_SENTENCES: dict[str, str] = {
    "low": "▼ below target range",
    "high": "▲ above target range",
    "in_range": "in range",
    "indeterminate": "◆ cannot tell (censored)",
    "below_reference": "▼ below the reference",
    "none": "",
}
WHO_LOW_WORDS = "▼ below WHO lower reference limit"

# The report's short names for the display formatting shared with the screens.
number = format_number
day = format_date


def percent(value: float) -> str:
    """A relative change as a whole signed percentage: +130%, −44%."""
    rounded = round(value)
    if rounded == 0:
        return "0%"
    return f"+{rounded}%" if rounded > 0 else f"−{-rounded}%"


# Units as a clinician reads them on paper.
_UNIT_WORDS = {"10^6": "million", "10^6/mL": "million/mL"}


def unit(text: str) -> str:
    """A unit for print: "10^6/mL" reads "million/mL"."""
    return _UNIT_WORDS.get(text, text)


def signed(value: float) -> str:
    """A change with its sign: +12, −3.5 (a true minus sign reads better in print)."""
    text = number(value)
    if text == "0":
        return "0"
    return f"+{text}" if value > 0 else text


def markup(text: str) -> str:
    """Plain text made safe for a reportlab Paragraph, in visual order if right-to-left."""
    return escape(visual_order(text))


# Mirrored pairs drawn the other way round inside right-to-left runs.
_MIRRORS = {"(": ")", ")": "(", "[": "]", "]": "[", "{": "}", "}": "{", "<": ">", ">": "<"}
_STRONG_RTL = ("R", "AL")
_NUMBERS = ("EN", "AN")


def has_rtl(text: str) -> bool:
    """Whether the text holds right-to-left letters (Hebrew, Arabic...)."""
    return any(unicodedata.bidirectional(ch) in _STRONG_RTL for ch in text)


def visual_order(text: str) -> str:
    """The text in the left-to-right drawing order a PDF needs, for one line or paragraph.

    reportlab draws characters in the order given, and without its optional bidi package it
    would print Hebrew or Arabic backwards. This is a compact form of the Unicode bidi
    algorithm (rules P2–P3, W, N1–N2, I1–I2, L2) without explicit embeddings, enough for
    names and notes: runs of right-to-left letters are reversed, numbers inside them stay
    left-to-right and brackets are mirrored. Text without right-to-left letters is returned
    unchanged. Arabic letters are not joined (that needs a shaping engine).
    """
    if not has_rtl(text):
        return text
    classes = [unicodedata.bidirectional(ch) for ch in text]
    base = 0
    for cls in classes:
        if cls == "L":
            break
        if cls in _STRONG_RTL:
            base = 1
            break
    # Resolved direction per character: "L", "R", or None for neutrals still to resolve.
    strong: list[str | None] = []
    previous = "R" if base else "L"
    for cls in classes:
        if cls == "L":
            strong.append("L")
            previous = "L"
        elif cls in _STRONG_RTL:
            strong.append("R")
            previous = "R"
        elif cls in _NUMBERS:
            # Numbers act as right-to-left for neutrals next to them (N1) but stay LTR inside.
            strong.append("N" if previous == "R" or cls == "AN" else "L")
        else:
            strong.append(None)
    # N1/N2: a neutral between two of the same direction takes it, otherwise the base.
    resolved: list[str] = []
    for index, value in enumerate(strong):
        if value is not None:
            resolved.append(value)
            continue
        before = _neighbour(strong, index, -1, base)
        after = _neighbour(strong, index, 1, base)
        resolved.append(before if before == after else ("R" if base else "L"))
    levels = []
    for value in resolved:
        if value == "R":
            levels.append(base + 1 if base == 0 else base)
        elif value == "N":
            levels.append(base + 2 if base == 0 else base + 1)
        else:
            levels.append(base if base == 0 else base + 1)
    return _reorder(text, levels)


def _neighbour(strong: list[str | None], index: int, step: int, base: int) -> str:
    position = index + step
    while 0 <= position < len(strong):
        value = strong[position]
        if value is not None:
            return "R" if value in ("R", "N") else "L"
        position += step
    return "R" if base else "L"


def _reorder(text: str, levels: list[int]) -> str:
    chars = [
        _MIRRORS.get(ch, ch) if level % 2 else ch for ch, level in zip(text, levels, strict=True)
    ]
    order = list(range(len(chars)))
    highest = max(levels)
    lowest_odd = min(level for level in levels if level % 2) if any(lv % 2 for lv in levels) else 1
    for level in range(highest, lowest_odd - 1, -1):
        index = 0
        while index < len(order):
            if levels[order[index]] >= level:
                end = index
                while end < len(order) and levels[order[end]] >= level:
                    end += 1
                order[index:end] = reversed(order[index:end])
                index = end
            else:
                index += 1
    return "".join(chars[position] for position in order)
