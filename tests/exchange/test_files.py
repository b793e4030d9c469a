"""Limits and file handling shared by the formats: size, nesting depth, encodings, 0600 writes."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fertilitytracker.core.errors import InputError
from fertilitytracker.services.exchange import import_file
from fertilitytracker.services.exchange.files import (
    MAX_IMPORT_BYTES,
    json_depth,
    load_json_file,
    private_output,
    read_text,
)
from fertilitytracker.storage.journal import Journal
from tests.builders import broken_off_write


@pytest.mark.parametrize("name", ["big.csv", "big.json"])
def test_files_over_100_mb_are_refused_before_reading(
    journal: Journal, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    with path.open("wb") as handle:  # sparse: no 100 MB written to disk
        handle.truncate(MAX_IMPORT_BYTES + 1)
    with pytest.raises(InputError) as refused:
        import_file(journal, path)
    assert refused.value.field == "file"
    assert "over 100 MB" in refused.value.reason


def test_missing_and_empty_files_are_refused(journal: Journal, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        import_file(journal, tmp_path / "absent.csv")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        import_file(journal, empty)
    with pytest.raises(InputError, match="folder"):
        import_file(journal, tmp_path)


def test_json_depth_ignores_brackets_inside_strings() -> None:
    assert json_depth('{"a": "[[[[{{{{", "b": [1, [2]]}') == 3
    assert json_depth('["\\"[["]') == 1
    assert json_depth("5") == 0


@given(st.integers(min_value=0, max_value=300))
def test_json_depth_counts_nesting(depth: int) -> None:
    assert json_depth("[" * depth + "]" * depth) == depth


def test_depth_64_is_read_and_65_refused(tmp_path: Path) -> None:
    fine = tmp_path / "fine.json"
    fine.write_text("[" * 64 + "]" * 64, encoding="utf-8")
    assert load_json_file(fine) is not None
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 65 + "]" * 65, encoding="utf-8")
    with pytest.raises(InputError, match="nested more than 64"):
        load_json_file(deep)


def test_text_in_utf16_and_utf8_with_bom(tmp_path: Path) -> None:
    for encoding in ("utf-16", "utf-8-sig", "utf-8"):
        path = tmp_path / f"t-{encoding}.txt"
        path.write_text("µg ≥ 5", encoding=encoding)
        assert read_text(path) == "µg ≥ 5"


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{\n"a":\n"caf\xe9"}')
    with pytest.raises(InputError) as refused:
        read_text(path)
    assert refused.value.field == "line 3"


def test_private_output_is_0600_and_replaces_atomically(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o644)
    with private_output(target) as handle:
        handle.write("new")
    assert target.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_failed_write_leaves_the_earlier_file(tmp_path: Path) -> None:
    assert broken_off_write(tmp_path, private_output) == ("old", ["out.txt"])
