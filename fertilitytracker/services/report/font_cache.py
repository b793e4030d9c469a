"""The report fonts' parsed metrics, kept in the user's cache folder between processes.

reportlab's TTFont reads a face's names, widths, character map and glyph offsets from the
TrueType tables in pure Python each time one is built: for DejaVu's ~6,000 glyphs, three
faces, a good share of a report's work. What that parse yields is plain data (numbers,
strings, lists and dicts), so it is written once to `<user cache>/fertilitytracker/fonts/`
and a later process builds the face from it. The face is still reportlab's own class over
the real font bytes, so embedding (which reads the glyph outlines again when a subset is
written) is unchanged, and so is the PDF (docs/design.md, "The report's fonts").

The cache is only ever a shortcut: a missing, unreadable, truncated or foreign file, or one
written for other font bytes, another reportlab or another format, is parsed again and
rewritten; a folder that cannot be written just means no cache.
"""

from __future__ import annotations

import io
import marshal
import zlib
from fnmatch import fnmatch
from pathlib import Path
from typing import Any, TypeGuard
from weakref import WeakKeyDictionary

import reportlab
from reportlab import rl_config
from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont, TTFontFace

from fertilitytracker.paths import make_private_dirs

# Raised whenever what is stored changes shape: a file of another format is parsed again.
CACHE_FORMAT = 1
CACHE_SUFFIX = ".metrics"
# reportlab keeps a function of unitsPerEm here; it is made again from unitsPerEm on load.
_SCALE_ATTRIBUTE = "_pdfScale"
# What reading a damaged or foreign file can raise (marshal: EOFError, ValueError, TypeError,
# or MemoryError for a length it cannot allocate).
_UNREADABLE = (OSError, EOFError, ValueError, TypeError, MemoryError)


def font_cache_dir() -> Path:
    """The per-user folder of the parsed font metrics (platformdirs: $XDG_CACHE_HOME, else
    ~/.cache, on Linux), e.g. ~/.cache/fertilitytracker/fonts."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("fertilitytracker", appauthor=False)) / "fonts"


def cached_ttfont(
    name: str, data: bytes, *, subfont_index: int = 0, cache_dir: Path | None = None
) -> TTFont:
    """The TTFont `name` of the TrueType bytes `data`, its metrics read from the cache when
    they were stored for these very bytes and this reportlab, else parsed and stored."""
    folder = font_cache_dir() if cache_dir is None else cache_dir
    path = folder / f"{name}-{subfont_index}{CACHE_SUFFIX}"
    key = _cache_key(data, subfont_index)
    stored = _read_metrics(path, key)
    extracted: dict[str, Any] = {}
    face = MetricsFace(data, stored, extracted, subfont_index=subfont_index)
    if stored is None:
        _write_metrics(path, key, extracted)
    return FaceFont(name, face)


class MetricsFace(TTFontFace):  # type: ignore[misc]  # reportlab ships no types
    """A TTFontFace that takes what `extractInfo` sets from stored metrics when it has them.

    Without them it parses, and puts what `extractInfo` set (every attribute it added or
    replaced) into `extracted`, for the cache. The parser's own reading of the file (its
    header and table directory, which embedding uses) runs either way.
    """

    def __init__(
        self,
        data: bytes,
        stored: dict[str, Any] | None,
        extracted: dict[str, Any],
        *,
        subfont_index: int = 0,
    ) -> None:
        self._stored = stored
        self._extracted = extracted
        try:
            super().__init__(io.BytesIO(data), subfontIndex=subfont_index)
        finally:
            # Off the face: a parsed TTFontFace has neither (the tests compare every attribute).
            del self._stored, self._extracted

    def extractInfo(self, charInfo: int = 1) -> None:
        if self._stored is not None:
            self.__dict__.update(_from_stored(self._stored))
            return
        before = dict(self.__dict__)
        super().extractInfo(charInfo)
        self._extracted.update(
            (attribute, value)
            for attribute, value in self.__dict__.items()
            if before.get(attribute, _ABSENT) is not value
        )


class FaceFont(TTFont):  # type: ignore[misc]  # reportlab ships no types
    """A TTFont over a face built here: TTFont's own constructor always parses the file.

    It sets what that constructor sets; the tests compare both, attribute by attribute.
    """

    def __init__(self, name: str, face: TTFontFace) -> None:
        self.fontName = name
        self.face = face
        self.encoding = TTEncoding()
        self.state: WeakKeyDictionary[Any, Any] = WeakKeyDictionary()
        self._asciiReadable = rl_config.ttfAsciiReadable
        self.shapable = not any(fnmatch(name, glob) for glob in rl_config.unShapedFontGlob)


_ABSENT = object()


def _cache_key(data: bytes, subfont_index: int) -> tuple[Any, ...]:
    # A checksum of the bytes, not a cryptographic hash: it tells one font file from another
    # (a new release, a replaced file) at a twentieth of the cost, and the cache folder is
    # the user's own. reportlab's version: another release may parse differently.
    return (CACHE_FORMAT, reportlab.Version, len(data), zlib.crc32(data), subfont_index)


def _read_metrics(path: Path, key: tuple[Any, ...]) -> dict[str, Any] | None:
    """The metrics stored at `path` for `key`, or None (no file, unreadable, or another key)."""
    try:
        stored_key, checksum, payload = marshal.loads(path.read_bytes())
        if stored_key != key or zlib.crc32(payload) != checksum:
            return None
        metrics = marshal.loads(payload)
    except _UNREADABLE:
        return None
    return metrics if _well_formed(metrics) else None


def _well_formed(metrics: object) -> TypeGuard[dict[str, Any]]:
    """Whether `metrics` has the shape `_to_stored` gives (a foreign file may not)."""
    if not isinstance(metrics, dict):
        return False
    plain, names = metrics.get("plain"), metrics.get("names")
    return (
        isinstance(plain, dict)
        and isinstance(names, dict)
        and all(isinstance(text, str) for text in names.values())
        and isinstance(plain.get("unitsPerEm"), int)
        and plain["unitsPerEm"] > 0
    )


def _write_metrics(path: Path, key: tuple[Any, ...], extracted: dict[str, Any]) -> None:
    """Store `extracted` at `path` for `key` atomically; a failure only means no cache."""
    try:
        payload = marshal.dumps(_to_stored(extracted))
    except ValueError:
        return  # an attribute of a type marshal cannot keep: parse each time instead
    from fertilitytracker.storage.files import write_private_bytes

    try:
        make_private_dirs(path.parent)
        write_private_bytes(path, marshal.dumps((key, zlib.crc32(payload), payload)))
    except OSError:
        pass


def _to_stored(extracted: dict[str, Any]) -> dict[str, Any]:
    """`extracted` in types marshal keeps: reportlab's name strings as their text, the scale
    function left out (it follows from unitsPerEm)."""
    plain = {}
    names = {}
    for attribute, value in extracted.items():
        if attribute == _SCALE_ATTRIBUTE:
            continue
        if isinstance(value, TTFNameBytes):
            names[attribute] = value.ustr
        else:
            plain[attribute] = value
    return {"plain": plain, "names": names}


def _from_stored(stored: dict[str, Any]) -> dict[str, Any]:
    attributes = dict(stored["plain"])
    for attribute, text in stored["names"].items():
        # TTFNameBytes holds its text as UTF-8 whatever the font's encoding was.
        attributes[attribute] = TTFNameBytes(text.encode("utf-8"), "utf-8")
    attributes[_SCALE_ATTRIBUTE] = _scale_to_thousandths(attributes["unitsPerEm"])
    return attributes


def _scale_to_thousandths(units_per_em: int) -> Any:
    """Font units to the PDF's 1/1000 em, as reportlab's parse computes it."""
    if units_per_em == 1000:
        return lambda units: units
    per_unit = 1000 / units_per_em
    return lambda units: units * per_unit
