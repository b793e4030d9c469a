"""The version the app prints and writes into its files is the installed package's."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version


def test_the_version_read_from_the_dist_info_is_the_one_importlib_metadata_reads() -> None:
    from fertilitytracker import _dist_info_version

    assert _dist_info_version() == version("fertilitytracker")


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
