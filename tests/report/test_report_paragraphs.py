"""A report paragraph measured again keeps its lines only while the width is the same."""

from __future__ import annotations

import io

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas

from fertilitytracker.services.report.fonts import REGULAR, register_fonts
from fertilitytracker.services.report.layout import LaidOutParagraph

TEXT = "Total testosterone 512 ng/dL, estradiol 24 pg/mL, LH 4.1 IU/L, FSH 5.2 IU/L. " * 3


def test_a_narrower_column_breaks_the_text_into_more_lines() -> None:
    register_fonts()
    paragraph = LaidOutParagraph(TEXT, ParagraphStyle("p", fontName=REGULAR, leading=10))
    wide = paragraph.wrap(400, 1000)
    assert paragraph.wrap(400, 50) == wide
    narrow = paragraph.wrap(100, 1000)
    assert narrow[0] == 100 and narrow[1] > wide[1]
    assert paragraph.wrap(400, 1000) == wide


def test_a_split_paragraph_is_laid_out_again_where_it_goes_on() -> None:
    register_fonts()
    paragraph = LaidOutParagraph(TEXT, ParagraphStyle("p", fontName=REGULAR, leading=10))
    _width, height = paragraph.wrap(100, 1000)
    first, rest = paragraph.split(100, height / 2)
    assert first.wrap(100, 1000)[1] + rest.wrap(100, 1000)[1] == height
    # Too little room even for two lines: the paragraph moves on whole and lays out again.
    assert paragraph.split(100, 5) == []
    assert paragraph.wrap(100, 1000) == (100, height)
    paragraph.drawOn(Canvas(io.BytesIO()), 0, 0)  # its lines are there to draw
