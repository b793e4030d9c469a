"""The version the app prints and writes into its files is the installed package's."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest


def test_the_version_read_from_the_metadata_is_the_one_importlib_metadata_reads() -> None:
    from fertilitytracker import _metadata_version

    assert _metadata_version() == version("fertilitytracker")


def test_the_version_is_read_without_importlib_metadata() -> None:
    # The report writes it into every PDF: the email package importlib.metadata needs would
    # cost each report some 10 ms.
    code = (
        "import sys, fertilitytracker as f; v = f.__version__;"
        "assert 'importlib.metadata' not in sys.modules and 'email' not in sys.modules, v;"
        "print(v)"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == version("fertilitytracker")


@pytest.mark.parametrize(
    ("folder", "headers"),
    [("fertilitytracker-9.9.dist-info", "METADATA"), ("fertilitytracker.egg-info", "PKG-INFO")],
)
def test_the_metadata_first_on_the_path_names_the_version_as_importlib_metadata_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str, headers: str
) -> None:
    from fertilitytracker import _metadata_version

    (tmp_path / folder).mkdir()
    (tmp_path / folder / headers).write_text(
        "Metadata-Version: 2.1\nName: fertilitytracker\nVersion: 9.9\n\nVersion: 1.0\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert _metadata_version() == version("fertilitytracker") == "9.9"
