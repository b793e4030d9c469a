"""The embedded DejaVu Sans fonts of the report, registered once with reportlab (thread-safe)."""

from __future__ import annotations

import io
import threading
from importlib.resources import files

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
FAMILY = "DejaVuSans"

_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", ITALIC: "DejaVuSans-Oblique.ttf"}
_lock = threading.Lock()
_registered = False


class FontMissingError(RuntimeError):
    """The packaged fonts are missing: the installation is incomplete."""


def register_fonts() -> None:
    """Register the report fonts with reportlab (once per process, from any thread).

    The TrueType files are read from the package resources (fonts/), so they work from a
    wheel, an editable install or a frozen app alike; reportlab embeds the glyphs used.
    """
    global _registered
    with _lock:
        if _registered:
            return
        folder = files("fertilitytracker.resources").joinpath("fonts")
        for name, filename in _FILES.items():
            try:
                data = folder.joinpath(filename).read_bytes()
            except OSError as error:
                raise FontMissingError(
                    f"the report font {filename} is missing from the installation ({error})"
                ) from error
            pdfmetrics.registerFont(TTFont(name, io.BytesIO(data)))
        # <b> and <i> in paragraphs pick the right face; there is no bold oblique, bold serves.
        addMapping(FAMILY, 0, 0, REGULAR)
        addMapping(FAMILY, 1, 0, BOLD)
        addMapping(FAMILY, 0, 1, ITALIC)
        addMapping(FAMILY, 1, 1, BOLD)
        _registered = True
