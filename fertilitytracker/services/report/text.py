"""Text for the report: numbers, flag words, markup, right-to-left order and CJK runs."""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata

from fertilitytracker.services.formatting import format_date, format_number
from fertilitytracker.services.report.fonts import cjk_font

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


_SPEC_REFERENCE = re.compile(
    r"\s*\((?:see )?docs/clinical\.md[^)]*\)"  # "(docs/clinical.md §2)"
    r"|;?\s*docs/clinical\.md,? (?:§|section)\s*\d+(?:,? rule \d+)?:?\s*",  # "docs/... §1: "
    re.IGNORECASE,
)


def clinician_text(text: str) -> str:
    """A source or rule text for print: no pointers into the project's own files, no markdown."""
    cleaned = _SPEC_REFERENCE.sub(" ", text).replace("**", "").replace("`", "")
    cleaned = re.sub(r"\s+\)", ")", cleaned)
    return re.sub(r"\s{2,}", " ", cleaned).strip()


# The longest text the report prints in one place. Every way in caps free text well below it
# (core/limits.py); a journal written before those caps may hold more, which is cut here with
# an ellipsis instead of a table row taller than a page or a paragraph that takes minutes to
# lay out.
REPORT_TEXT_MAX = 600


def clipped(text: str) -> str:
    """`text`, cut to REPORT_TEXT_MAX characters with an ellipsis when longer."""
    if len(text) <= REPORT_TEXT_MAX:
        return text
    return text[: REPORT_TEXT_MAX - 1] + "…"


def escape(text: str) -> str:
    """`text` with the three characters Paragraph markup gives a meaning to escaped.

    As xml.sax.saxutils.escape does, without importing it: it pulls in urllib.request,
    http.client, email and ssl, a tenth of the report command's start.
    """
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def markup(text: str) -> str:
    """Plain text made safe for a reportlab Paragraph: visual order, CJK in its own font."""
    return cjk_runs(escape(visual_order(clipped(text))))


_STRONG_RTL = ("R", "AL")
# Chinese, Japanese and Korean: ideographs, kana, Hangul, CJK punctuation, fullwidth forms.
_CJK_RANGES = (
    (0x1100, 0x11FF),
    (0x2E80, 0x2FDF),
    (0x3000, 0x30FF),
    (0x3100, 0x31FF),
    (0x3200, 0x9FFF),
    (0xA960, 0xA97F),
    (0xAC00, 0xD7FF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
    (0x20000, 0x3FFFF),
)
_CJK_STARTS = tuple(low for low, _high in _CJK_RANGES)
_CJK_FIRST = chr(_CJK_RANGES[0][0])


@functools.cache
def _cjk_run() -> re.Pattern[str]:
    # Compiled on first use: a class of these ranges costs the report process some 20 M
    # instructions to compile, and a report without CJK text never needs it.
    return re.compile(
        "([" + "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in _CJK_RANGES) + "]+)"
    )


def _is_cjk(character: str) -> bool:
    code = ord(character)
    index = bisect.bisect_right(_CJK_STARTS, code) - 1
    return index >= 0 and code <= _CJK_RANGES[index][1]


def has_rtl(text: str) -> bool:
    """Whether the text holds right-to-left letters (Hebrew, Arabic...)."""
    if text.isascii():
        return False  # most of a report: no ASCII character is written right to left
    return any(unicodedata.bidirectional(ch) in _STRONG_RTL for ch in text)


def has_cjk(text: str) -> bool:
    """Whether the text holds Chinese, Japanese or Korean characters."""
    if text.isascii() or max(text) < _CJK_FIRST:
        return False  # most of a report: no character before the first CJK range is CJK
    return any(_is_cjk(ch) for ch in text if ch >= _CJK_FIRST)


def visual_order(text: str) -> str:
    """The text in the left-to-right drawing order a PDF needs, for one line or paragraph.

    reportlab draws characters in the order given. Arabic letters are first joined into their
    contextual forms (arabic-reshaper), then the Unicode bidi algorithm puts right-to-left runs
    in drawing order with brackets mirrored (python-bidi). Text without right-to-left letters
    is returned unchanged.
    """
    if not has_rtl(text):
        return text
    # Loaded only for a text that needs them: most reports have none.
    import arabic_reshaper
    from bidi.algorithm import get_display

    return str(get_display(arabic_reshaper.reshape(text)))


def split_cjk(text: str) -> list[str]:
    """The text cut into alternating runs of non-CJK and CJK characters."""
    return _cjk_run().split(text)


def cjk_runs(escaped: str) -> str:
    """Paragraph markup with each CJK run set in the CJK font (DejaVu has no such glyphs)."""
    if not has_cjk(escaped):
        return escaped
    font = cjk_font()
    if font is None:
        return escaped
    return _cjk_run().sub(lambda match: f'<font name="{font}">{match.group(1)}</font>', escaped)
