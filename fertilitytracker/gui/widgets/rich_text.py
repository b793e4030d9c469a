"""Text put into a label's rich text: shown as typed, never read as markup."""

from __future__ import annotations

# What html.escape replaces, and with the same entities; a translation table spares Today's
# first paint the html package, whose import loads its table of some 2,000 named entities.
_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def escaped(text: str) -> str:
    """`text` for rich text: a censored value ("<8") or a typed name shows as it is."""
    return text.translate(_ENTITIES)
