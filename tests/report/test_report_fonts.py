"""The report fonts' metrics cache: a face built from it is the parsed face, and so is the PDF."""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFile

from fertilitytracker.services.report import font_cache, fonts, write_report
from fertilitytracker.services.report.font_cache import (
    CACHE_SUFFIX,
    cached_ttfont,
    font_cache_dir,
)
from fertilitytracker.storage.journal import Journal
from tests.builders import TODAY

FACES = [(name, filename, 0) for name, filename in fonts._FILES.items()]
CJK_FACE = (fonts.CJK, fonts._CJK_FILE, 0)
# Font units, as reportlab's layout and shaping hand them to the face's scale.
SCALE_SAMPLES = (0, 1, -7, 3.5, 1000, 2048, 1229)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of each face reportlab parses (its tables read) from here on."""
    parsed: list[str] = []
    parse = TTFontFile.extractInfo

    def counted(self: TTFontFile, charInfo: int = 1) -> None:
        parse(self, charInfo)
        parsed.append(self.name.ustr)

    monkeypatch.setattr(TTFontFile, "extractInfo", counted)
    return parsed


def _data(filename: str) -> bytes:
    return fonts._font_bytes(filename)


def _same(parsed: Any, cached: Any) -> bool:
    """Equal in type and value all the way down (1 is not 1.0), names with their text."""
    return (
        type(parsed) is type(cached)
        and repr(parsed) == repr(cached)
        and getattr(parsed, "ustr", None) == getattr(cached, "ustr", None)
    )


def _assert_like_parsed(parsed: TTFont, built: TTFont) -> None:
    """Every attribute of `built` and its face is the one a fresh parse gives."""
    face, parsed_face = vars(built.face), vars(parsed.face)
    assert face.keys() == parsed_face.keys()
    for attribute, value in parsed_face.items():
        if attribute == "_pdfScale":
            assert [face[attribute](units) for units in SCALE_SAMPLES] == [
                value(units) for units in SCALE_SAMPLES
            ]
        else:
            assert _same(value, face[attribute]), attribute
    font, parsed_font = vars(built), vars(parsed)
    assert font.keys() == parsed_font.keys()
    for attribute, value in parsed_font.items():
        if attribute == "face":
            continue
        if attribute == "encoding":
            assert vars(value) == vars(font[attribute])
        elif attribute == "state":
            assert dict(value) == dict(font[attribute]) == {}
        else:
            assert _same(value, font[attribute]), attribute


@pytest.mark.parametrize("face", [*FACES, CJK_FACE], ids=lambda face: face[0])
def test_a_cached_face_is_the_parsed_face_attribute_by_attribute(
    face: tuple[str, str, int], tmp_path: Path, parses: list[str]
) -> None:
    name, filename, index = face
    data = _data(filename)
    parsed = TTFont(name, io.BytesIO(data), subfontIndex=index)
    cold = cached_ttfont(name, data, subfont_index=index, cache_dir=tmp_path)
    assert len(parses) == 2, "the cold cache parses"
    warm = cached_ttfont(name, data, subfont_index=index, cache_dir=tmp_path)
    assert len(parses) == 2, "the warm cache does not parse"
    _assert_like_parsed(parsed, cold)
    _assert_like_parsed(parsed, warm)


def test_the_cold_cache_writes_one_private_file_a_face(tmp_path: Path) -> None:
    folder = tmp_path / "cache" / "fonts"
    for name, filename, _index in FACES:
        cached_ttfont(name, _data(filename), cache_dir=folder)
    written = sorted(folder.iterdir())
    expected = sorted(f"{name}-0{CACHE_SUFFIX}" for name, _filename, _index in FACES)
    assert [path.name for path in written] == expected
    assert all(path.stat().st_mode & 0o077 == 0 for path in written)
    assert folder.stat().st_mode & 0o077 == 0


@pytest.mark.skipif(sys.platform != "linux", reason="XDG_CACHE_HOME is the Linux convention")
def test_the_cache_lives_in_the_user_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert font_cache_dir() == tmp_path / "fertilitytracker" / "fonts"


def _corrupt(damage: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def apply(path: Path) -> None:
        path.write_bytes(damage(path.read_bytes()))

    return apply


@pytest.mark.parametrize(
    "damage",
    [
        _corrupt(lambda content: b""),
        _corrupt(lambda content: content[: len(content) // 2]),
        _corrupt(lambda content: content[:-100] + bytes(100)),
        _corrupt(lambda content: b"not a cache file at all" * 100),
        _corrupt(lambda content: __import__("marshal").dumps(("foreign", 1, b"x"))),
        _corrupt(lambda content: __import__("marshal").dumps([1, 2, 3])),
    ],
    ids=["empty", "truncated", "zeroed tail", "garbage", "foreign", "not a triple"],
)
def test_a_damaged_cache_file_is_parsed_again_and_rewritten(
    damage: Callable[[Path], None], tmp_path: Path, parses: list[str]
) -> None:
    name, filename, _index = FACES[0]
    data = _data(filename)
    cached_ttfont(name, data, cache_dir=tmp_path)
    path = tmp_path / f"{name}-0{CACHE_SUFFIX}"
    damage(path)
    rebuilt = cached_ttfont(name, data, cache_dir=tmp_path)
    assert len(parses) == 2, "the damaged file is not used"
    _assert_like_parsed(TTFont(name, io.BytesIO(data)), rebuilt)
    del parses[:]
    cached_ttfont(name, data, cache_dir=tmp_path)
    assert parses == [], "the file was rewritten"


def test_a_cache_of_other_font_bytes_or_another_reportlab_is_not_used(
    tmp_path: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    regular, bold = FACES[0], FACES[1]
    # The bold face's bytes stored under the regular face's name: a replaced font file.
    cached_ttfont(regular[0], _data(bold[1]), cache_dir=tmp_path)
    font = cached_ttfont(regular[0], _data(regular[1]), cache_dir=tmp_path)
    assert len(parses) == 2
    assert font.face.name.ustr == "DejaVuSans"
    monkeypatch.setattr("reportlab.Version", "0.0.1")
    cached_ttfont(regular[0], _data(regular[1]), cache_dir=tmp_path)
    assert len(parses) == 3


def test_a_cache_folder_that_cannot_be_written_means_no_cache(
    tmp_path: Path, parses: list[str]
) -> None:
    blocker = tmp_path / "a file where the folder would be"
    blocker.write_text("")
    name, filename, _index = FACES[0]
    data = _data(filename)
    for _ in range(2):
        font = cached_ttfont(name, data, cache_dir=blocker / "fonts")
    assert len(parses) == 2
    _assert_like_parsed(TTFont(name, io.BytesIO(data)), font)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in a read-only folder")
def test_a_read_only_cache_folder_means_no_cache(tmp_path: Path, parses: list[str]) -> None:
    folder = tmp_path / "fonts"
    folder.mkdir()
    folder.chmod(0o500)
    name, filename, _index = FACES[0]
    data = _data(filename)
    try:
        font = cached_ttfont(name, data, cache_dir=folder)
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)
    assert len(parses) == 1
    _assert_like_parsed(TTFont(name, io.BytesIO(data)), font)


# --- the report itself -----------------------------------------------------------------------


@pytest.fixture
def fresh_registration(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Callable[[], None]]:
    """Undo the process's font registration; the registered fonts come back afterwards."""
    with monkeypatch.context() as first:
        first.setattr(font_cache, "font_cache_dir", lambda: tmp_path / "first")
        fonts.register_fonts()  # when this test is the process's first
    originals = [pdfmetrics.getFont(name) for name in fonts._FILES]

    def unregister() -> None:
        for name in fonts._FILES:
            pdfmetrics.getFont(name).unregister()
        monkeypatch.setattr(fonts, "_registered", False)

    yield unregister
    for name in fonts._FILES:
        pdfmetrics.getFont(name).unregister()
    for font in originals:
        pdfmetrics.registerFont(font)


def _pdf_without_dates(path: Path) -> bytes:
    """The PDF's bytes without what changes from one second to the next."""
    content = path.read_bytes()
    content = re.sub(rb"/(CreationDate|ModDate) \(D:[^)]*\)", rb"/\1 ()", content)
    return re.sub(rb"/ID\s*\[<[0-9a-fA-F]+>\s*<[0-9a-fA-F]+>\]", b"/ID []", content)


def test_the_report_is_the_same_without_the_cache_and_with_it_cold_or_warm(
    demo_journal: Journal,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fresh_registration: Callable[[], None],
    parses: list[str],
) -> None:
    fresh_registration()
    for name, filename, _index in FACES:
        pdfmetrics.registerFont(TTFont(name, io.BytesIO(_data(filename))))
    parsed = write_report(demo_journal, tmp_path / "parsed.pdf", today=TODAY)
    monkeypatch.setattr(font_cache, "font_cache_dir", lambda: tmp_path / "cache")
    reports = {}
    for run in ("cold", "warm"):
        fresh_registration()
        del parses[:]
        reports[run] = write_report(demo_journal, tmp_path / f"{run}.pdf", today=TODAY)
        assert len(parses) == (3 if run == "cold" else 0), run
    expected = _pdf_without_dates(parsed)
    assert b"FontFile2" in expected
    assert _pdf_without_dates(reports["cold"]) == expected
    assert _pdf_without_dates(reports["warm"]) == expected


def test_a_report_is_written_when_the_cache_folder_cannot_be(
    demo_journal: Journal,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fresh_registration: Callable[[], None],
) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("")
    monkeypatch.setattr(font_cache, "font_cache_dir", lambda: blocker / "fonts")
    fresh_registration()
    path = write_report(demo_journal, tmp_path / "report.pdf", today=TODAY)
    assert path.read_bytes().startswith(b"%PDF")
