"""Shared file handling for exchange: size and depth limits, encodings, private writes."""

from __future__ import annotations

import codecs
import contextlib
import json
from collections.abc import Iterator
from itertools import accumulate
from pathlib import Path
from typing import IO, Any

from fertilitytracker.core.errors import InputError
from fertilitytracker.storage.files import atomic_private_file

MAX_IMPORT_BYTES = 100 * 1024 * 1024
MAX_JSON_DEPTH = 64

# Every byte but the brackets and the quote, deleted by bytes.translate (UTF-8 bytes of other
# characters are never one of these).
_NOT_STRUCTURE = bytes(set(range(256)) - set(b'[]{}"'))
_NESTING = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def check_import_file(path: Path) -> None:
    """Refuse, before reading a byte, a path that is missing, a folder, or over the size limit."""
    if not path.exists():
        raise InputError("file", f"{path} does not exist")
    if path.is_dir():
        raise InputError("file", f"{path} is a folder, not a file")
    size = path.stat().st_size
    if size > MAX_IMPORT_BYTES:
        raise InputError(
            "file",
            f"{path.name} is {size / 1024 / 1024:.0f} MB; files over "
            f"{MAX_IMPORT_BYTES // 1024 // 1024} MB are not imported",
        )
    if size == 0:
        raise InputError("file", f"{path.name} is empty")


def sniff_encoding(path: Path) -> str:
    """The text encoding from the byte-order mark: UTF-16 with a BOM, else UTF-8 (BOM optional)."""
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8-sig"


def read_text(path: Path) -> str:
    """The whole file as text (after the size check), UTF-8 or UTF-16 by its BOM."""
    check_import_file(path)
    data = path.read_bytes()
    encoding = sniff_encoding(path)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(f"line {line}", "the file is not UTF-8 or UTF-16 text") from None


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in JSON text, found without recursion."""
    # Escaped backslashes go first, then escaped quotes: every quote left opens or closes a
    # string, so the pieces between them alternate outside, inside. Replaces, translate and
    # split run in C: a small part of reading a 50 MB file.
    unescaped = text.replace("\\\\", "").replace('\\"', "") if "\\" in text else text
    structure = unescaped.encode("utf-8", "surrogatepass").translate(None, _NOT_STRUCTURE)
    # A string without brackets is left as two adjacent quotes: dropping them (most strings of
    # a file) keeps every other quote opening a string, and leaves little to split.
    structure = structure.replace(b'""', b"")
    brackets = b"".join(structure.split(b'"')[::2]) if b'"' in structure else structure
    return max(accumulate(map(_NESTING.__getitem__, brackets)), default=0)


# No lab value, dose or count needs more digits than this; longer numbers are kept as text
# (refused, naming their field, by the reader) instead of converted at great cost or
# overflowing a float.
MAX_NUMBER_DIGITS = 40


class HugeNumber(str):
    """A number in a JSON file with more digits than any value this app reads."""

    def __repr__(self) -> str:
        return f"a number of {len(self)} characters"


def _parse_int(text: str) -> int | HugeNumber:
    return HugeNumber(text) if len(text) > MAX_NUMBER_DIGITS else int(text)


def _parse_float(text: str) -> float | HugeNumber:
    return HugeNumber(text) if len(text) > MAX_NUMBER_DIGITS else float(text)


def load_json_file(path: Path) -> Any:
    """Parse a JSON file, refusing it when too big, not JSON, or nested absurdly deep."""
    text = read_text(path)
    # Measured before parsing: the parser recurses once per level and a file of 100,000
    # brackets must get a clean message, never a crash of the thread that reads it.
    if json_depth(text) > MAX_JSON_DEPTH:
        raise InputError(
            "file", f"the JSON is nested more than {MAX_JSON_DEPTH} levels deep; not imported"
        )
    try:
        return json.loads(text, parse_int=_parse_int, parse_float=_parse_float)
    except json.JSONDecodeError as error:
        raise InputError(
            f"line {error.lineno}", f"not valid JSON ({error.msg}, column {error.colno})"
        ) from None
    except RecursionError:  # pragma: no cover - the depth check comes first
        raise InputError("file", "the JSON is nested too deeply; not imported") from None


@contextlib.contextmanager
def private_output(target: Path, *, newline: str | None = None) -> Iterator[IO[str]]:
    """Write `target` readable only by its owner (0600), all at once: a temp file, then rename.

    A failure leaves any earlier file at `target` untouched.
    """
    with atomic_private_file(Path(target), "w", newline=newline) as handle:
        yield handle
