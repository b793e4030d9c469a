"""The depth check before parsing agrees with the parsed document, whatever its strings hold."""

from __future__ import annotations

import json
import random
from typing import Any

from fertilitytracker.services.exchange.files import json_depth

# Text that could fool a bracket count: brackets, quotes, backslashes, empty strings.
PIECES = ("", "[", "]", "{", "}", '"', "\\", '\\"', "[[", '"]', "a", "é", "\\[")


def _depth(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    return 0


def _document(rng: random.Random, levels: int) -> Any:
    text = "".join(rng.choice(PIECES) for _ in range(rng.randrange(4)))
    if levels == 0 or rng.random() < 0.25:
        return rng.choice((text, 1.5, None, ""))
    children = [_document(rng, levels - 1) for _ in range(rng.randrange(4))]
    if rng.random() < 0.5:
        return children
    return {
        "".join(rng.choice(PIECES) for _ in range(2)) + str(i): c for i, c in enumerate(children)
    }


def test_the_depth_is_the_parsed_documents_whatever_its_strings_hold() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        document = _document(rng, rng.randrange(8))
        text = json.dumps(document, ensure_ascii=rng.random() < 0.5)
        assert json_depth(text) == _depth(json.loads(text)), text


def test_a_bundle_of_many_short_strings_is_as_deep_as_its_objects() -> None:
    entries = [{"resource": {"code": {"coding": [{"code": f"{i}", "x": ""}]}}} for i in range(50)]
    assert json_depth(json.dumps({"entry": entries, "note": "]]]]"})) == 7
