"""The report's embedded fonts (DejaVu Sans, and WenQuanYi Micro Hei for CJK), registered once."""

from __future__ import annotations

import threading
from importlib.resources import files

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics

from fertilitytracker.services.report.font_cache import cached_ttfont

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
FAMILY = "DejaVuSans"
# Chinese, Japanese and Korean: DejaVu has none of these glyphs.
CJK = "WenQuanYiMicroHei"

_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", ITALIC: "DejaVuSans-Oblique.ttf"}
_CJK_FILE = "wqy-microhei.ttc"
_lock = threading.Lock()
_registered = False
_cjk_registered: bool | None = None  # None: not tried yet


class FontMissingError(RuntimeError):
    """The packaged fonts are missing: the installation is incomplete."""


def _font_bytes(filename: str) -> bytes:
    return files("fertilitytracker.resources").joinpath("fonts").joinpath(filename).read_bytes()


def register_fonts() -> None:
    """Register the report fonts with reportlab (once per process, from any thread).

    The TrueType files are read from the package resources (fonts/), so they work from a
    wheel, an editable install or a frozen app alike; reportlab embeds the glyphs used.
    Their parsed metrics come from the user's cache folder when stored there (font_cache.py).
    """
    global _registered
    with _lock:
        if _registered:
            return
        for name, filename in _FILES.items():
            try:
                data = _font_bytes(filename)
            except OSError as error:
                raise FontMissingError(
                    f"the report font {filename} is missing from the installation ({error})"
                ) from error
            pdfmetrics.registerFont(cached_ttfont(name, data))
        # <b> and <i> in paragraphs pick the right face; there is no bold oblique, bold serves.
        addMapping(FAMILY, 0, 0, REGULAR)
        addMapping(FAMILY, 1, 0, BOLD)
        addMapping(FAMILY, 0, 1, ITALIC)
        addMapping(FAMILY, 1, 1, BOLD)
        _registered = True


def cjk_font() -> str | None:
    """The CJK font's name once registered (loaded on first use: it is large), else None."""
    global _cjk_registered
    with _lock:
        if _cjk_registered is None:
            try:
                data = _font_bytes(_CJK_FILE)
                pdfmetrics.registerFont(cached_ttfont(CJK, data, subfont_index=0))
                # One face serves for bold and italic too (<b> inside a CJK run).
                for bold in (0, 1):
                    for italic in (0, 1):
                        addMapping(CJK, bold, italic, CJK)
                _cjk_registered = True
            except (OSError, ValueError):
                _cjk_registered = False  # the text then says the characters cannot print
        return CJK if _cjk_registered else None
