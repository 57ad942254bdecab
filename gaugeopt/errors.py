"""Errors the user can act on: bad input files (exit code 2 on the CLI)."""

from __future__ import annotations

import json
import re
from typing import Any


class InputError(ValueError):
    """An instance or solution file that cannot be used.

    ``str(error)`` is one line naming the field path and the bad value, e.g.
    ``trains[K1].carriages[K1-03].mass_t: must be > 0, got -3`` (list items named by
    their id where they have one, see :func:`format_path`).
    """

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


def _collection(loc: tuple[Any, ...] | list[Any]) -> str:
    """The list a location points into, indexes left out: ``trains.carriages``."""
    return ".".join(str(p) for p in loc if not isinstance(p, int))


def id_counts(data: Any, loc: tuple[Any, ...] = ()) -> dict[tuple[str, str], int]:
    """How often each ``id`` occurs per collection (``trains.carriages`` spans all trains)."""
    counts: dict[tuple[str, str], int] = {}
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, loc)]
    while stack:  # iterative: a document nested deeply must not overflow the call stack
        node, where = stack.pop()
        if isinstance(node, dict):
            stack.extend((value, (*where, key)) for key, value in node.items())
        elif isinstance(node, list):
            for i, item in enumerate(node):
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    key = (_collection(where), item["id"])
                    counts[key] = counts.get(key, 0) + 1
                stack.append((item, (*where, i)))
    return counts


def _label(item: Any, index: int, where: tuple[Any, ...], ids: dict[tuple[str, str], int]) -> str:
    """An item's id where it names the item alone, else its index."""
    ident = item.get("id") if isinstance(item, dict) else None
    if not isinstance(ident, str) or not ident or ids.get((_collection(where), ident)) != 1:
        return str(index)
    return id_label(ident)


def id_label(ident: str) -> str:
    """An id as it names its item in a path: as it is, or quoted when it could be read as
    an index or a path (``trains[K1]``, ``trains["1"]``)."""
    plain = ident.isprintable() and not ident.isdigit() and not any(c in ident for c in '[]." ')
    return ident if plain else printable_json(ident)


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, ..., 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def format_path(loc: tuple[Any, ...] | list[Any], data: Any = None) -> str:
    """Turn a pydantic location tuple into ``trains[K1].carriages[K1-03].mass_t``.

    With ``data`` (the document the location points into), a list item with an ``id`` is
    named by it, when that id is unique in its collection (carriages: over all trains);
    otherwise, and without ``data``, by its index: ``trains[2].carriages[5].mass_t``.
    """
    ids = id_counts(data) if data is not None else {}
    out = ""
    node = data
    where: tuple[Any, ...] = ()
    for part in loc:
        if isinstance(part, int):
            in_range = isinstance(node, list) and 0 <= part < len(node)
            item = node[part] if in_range else None
            out += f"[{_label(item, part, where, ids)}]"
            node = item
        else:
            out += ("." if out else "") + str(part)
            node = node.get(part) if isinstance(node, dict) else None
        where = (*where, part)
    return out or "<root>"


_PATH = re.compile(r"\.?([A-Za-z_]\w*)|\[(\d+)\]")


def parse_path(path: str) -> tuple[str | int, ...]:
    """``trains[2].carriages[5].id`` -> ``("trains", 2, "carriages", 5, "id")``."""
    return tuple(int(m[2]) if m[2] is not None else m[1] for m in _PATH.finditer(path))


def printable_json(value: Any) -> str:
    """``value`` as JSON, readable characters kept as they are and every other one (control
    characters, line and paragraph separators) escaped, so it stays on one line."""
    text = json.dumps(value, ensure_ascii=False)
    return "".join(c if c.isprintable() else json.dumps(c)[1:-1] for c in text)


def short_value(value: Any, limit: int = 60) -> str:
    """A value as it would appear in JSON, cut to one short line."""
    try:
        text = printable_json(value)
    except (TypeError, ValueError):
        text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
