"""The text of a lab report file: a .txt (UTF-8 or UTF-16) or a PDF with a text layer."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import BinaryIO

from fertilitytracker.core.errors import InputError
from fertilitytracker.services.exchange.files import check_import_file
from fertilitytracker.services.exchange.lab_text import MAX_TEXT_CHARS

# A lab report is a few pages: a text file over 5 MB or a PDF over 30 MB or 50 pages is not one.
MAX_TEXT_FILE_BYTES = 5 * 1024 * 1024
MAX_PDF_BYTES = 30 * 1024 * 1024
MAX_PDF_PAGES = 50
PDF_MAGIC = b"%PDF-"


def _refuse_large_text(size: int, name: str) -> None:
    """Refuse a text of `size` bytes over MAX_TEXT_FILE_BYTES (a file's before it is read)."""
    if size > MAX_TEXT_FILE_BYTES:
        raise InputError(
            "file",
            f"{name} is {size / 1024 / 1024:.1f} MB, too large to be a lab report"
            f" (at most {MAX_TEXT_FILE_BYTES // 1024 // 1024} MB); nothing was read",
        )


def decode_text(data: bytes, name: str) -> str:
    """Bytes of a text file as text (UTF-16 by its byte-order mark, else UTF-8)."""
    _refuse_large_text(len(data), name)
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("file", f"{name} is binary data, not text; nothing was read")
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise InputError("file", f"{name} is not UTF-8 text; nothing was read") from None


def read_stream(stream: BinaryIO, name: str = "the input") -> str:
    """Text piped in (`read-lab -`), refused past the size limit without reading it all."""
    data = stream.read(MAX_TEXT_FILE_BYTES + 1)
    if data.startswith(PDF_MAGIC):
        raise InputError("file", "a PDF cannot be piped in; give its file name")
    return decode_text(data, name)


def read_lab_file(path: Path | str) -> str:
    """The text of a lab report file: a PDF's text layer, or a text file's content."""
    path = Path(path)
    check_import_file(path)
    with path.open("rb") as handle:
        head = handle.read(len(PDF_MAGIC))
    if head == PDF_MAGIC or path.suffix.lower() == ".pdf":
        return pdf_text(path)
    _refuse_large_text(path.stat().st_size, path.name)
    return decode_text(path.read_bytes(), path.name)


def pdf_text(path: Path) -> str:
    """The text layer of a PDF, page after page; a scanned PDF (no text) is refused."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if path.stat().st_size > MAX_PDF_BYTES:
        raise InputError(
            "file", f"{path.name} is too large to be a lab report PDF; nothing was read"
        )
    # pypdf logs recoverable oddities of real-world PDFs as warnings; they are not the user's.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError("file", f"{path.name} is password-protected; nothing was read")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise InputError(
                "file", f"{path.name} has over {MAX_PDF_PAGES} pages, too many for a lab report"
            )
        pages = []
        length = 0
        for page in reader.pages:
            text = page.extract_text(extraction_mode="layout") or ""
            length += len(text)
            if length > MAX_TEXT_CHARS:
                raise InputError("file", f"{path.name} holds too much text to be a lab report")
            pages.append(text)
    except InputError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise InputError("file", f"{path.name} is not a readable PDF ({error})") from None
    text = "\n".join(pages)
    if not text.strip():
        raise InputError(
            "file",
            f"{path.name} has no text to read (a scanned image?); type the results in instead",
        )
    return text
