"""Reads the clinical tables shipped in `fertilitytracker.resources`."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def load_json(name: str) -> Any:
    """The parsed JSON resource `name` (read once per process)."""
    return json.loads(files("fertilitytracker.resources").joinpath(name).read_text("utf-8"))
