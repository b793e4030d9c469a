"""report_10y: `fertilitytracker report` of the ten-year journal, as a whole process.

    python bench/report.py [--runs 15]

Floor: a process that imports reportlab and writes a document of the same page count from
plain paragraphs (platypus, the same page size), the least a PDF of that length costs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _figures import (
    DEFAULT_RUNS,
    alternate,
    note,
    print_figure,
    process_ms,
    python,
    ten_year_journal,
)

GOAL = 3.0
TODAY = "2026-06-01"

PLAIN = """
import sys
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate
pages = int(sys.argv[2])
style = getSampleStyleSheet()["BodyText"]
text = "Total testosterone 512 ng/dL, estradiol 24 pg/mL, LH 4.1 IU/L, FSH 5.2 IU/L. " * 6
story = []
for page in range(pages):
    story += [Paragraph(text, style) for _ in range(8)]
    if page < pages - 1:
        story.append(PageBreak())
SimpleDocTemplate(sys.argv[1], pagesize=A4).build(story)
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS)
    args = parser.parse_args(argv)
    journal = ten_year_journal()
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.pdf"
        plain = Path(folder) / "plain.pdf"
        command = [python(), "-m", "fertilitytracker", "--db", str(journal), "report", str(report)]
        process_ms(command)
        from pypdf import PdfReader

        pages = len(PdfReader(report).pages)
        measured, floor = alternate(
            lambda: process_ms([python(), "-c", PLAIN, str(plain), str(pages)]),
            lambda: process_ms(command),
            args.runs,
        )
        note(f"{pages} pages; the plain document has {len(PdfReader(plain).pages)}")
    print_figure("report_10y", measured, floor, "ms", GOAL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
