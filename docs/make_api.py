"""Build docs/api.md, the API page, from the numpy-style docstrings of the public API.

    python3 docs/make_api.py           # write docs/api.md
    python3 docs/make_api.py --check   # exit 1 if docs/api.md differs from the docstrings

tests/api/test_api_docs.py fails while docs/api.md is out of date. Each function must have the
sections ``Parameters`` and ``Returns``, each class ``Parameters``, each method ``Returns``:
the page is not built without them.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "api.md"

#: The public API, in page order: (name users write, module defining it, its name there).
#: ``gaugeopt.replan`` and ``gaugeopt.whatif`` are callable packages; their function is in
#: the ``run`` module.
ENTRIES = [
    ("gaugeopt.solve", "gaugeopt.solver", "solve"),
    ("gaugeopt.replan", "gaugeopt.replan.run", "replan"),
    ("gaugeopt.whatif", "gaugeopt.whatif.run", "whatif"),
    ("gaugeopt.check", "gaugeopt.checker.check", "check"),
    ("gaugeopt.report", "gaugeopt.report", "report"),
    ("gaugeopt.report.plot_result", "gaugeopt.report", "plot_result"),
    ("gaugeopt.read_instance", "gaugeopt.model.io", "read_instance"),
    ("gaugeopt.Result", "gaugeopt.result", "Result"),
    ("gaugeopt.SolveParams", "gaugeopt.params", "SolveParams"),
]

#: Sections whose entries are ``name : type`` (or just ``type``) lines, each followed by an
#: indented description.
LISTS = ("Parameters", "Other Parameters", "Attributes", "Returns", "Yields", "Raises")

HEADER = """\
# API reference

The public Python API of gaugeopt. This page is generated from the docstrings by
`python3 docs/make_api.py`; do not edit it by hand (tests/api/test_api_docs.py fails while it
is out of date). The command line is described in the README.
"""


def public_object(module: str, name: str) -> Any:
    """The object ``name`` of ``module``."""
    return getattr(importlib.import_module(module), name)


# -- docstrings -------------------------------------------------------------------------------


def sections(doc: str) -> dict[str, list[str]]:
    """A numpy-style docstring cut into sections: ``""`` (the text before the first header)
    and each header (a line underlined with dashes) -> its lines."""
    lines = doc.splitlines()
    out: dict[str, list[str]] = {"": []}
    current, i = "", 0
    while i < len(lines):
        line = lines[i]
        under = lines[i + 1] if i + 1 < len(lines) else ""
        if line.strip() and re.fullmatch(r"-{3,}", under.strip()) and not line.startswith(" "):
            current = line.strip()
            out[current] = []
            i += 2
            continue
        out[current].append(line)
        i += 1
    return out


def entries(lines: list[str]) -> Iterator[tuple[str, str]]:
    """(head, description) of each entry of a list section: the head is an unindented line,
    the description the indented lines below it, joined."""
    head: str | None = None
    body: list[str] = []
    for line in lines:
        if line.strip() and not line.startswith(" "):
            if head is not None:
                yield head, " ".join(body)
            head, body = line.strip(), []
        elif line.strip():
            body.append(line.strip())
    if head is not None:
        yield head, " ".join(body)


def inline(text: str) -> str:
    """reST inline markup as Markdown: roles and double backquotes become code spans."""

    def role(m: re.Match[str]) -> str:
        target = m.group(1)
        if target.startswith("~"):
            target = target.rsplit(".", 1)[-1]
        return f"`{target}`"

    text = re.sub(r":(?:func|class|meth|mod|attr|data|exc):`([^`]+)`", role, text)
    return re.sub(r"``(.+?)``", r"`\1`", text)


def list_item(section: str, head: str, description: str) -> str:
    """One entry as a Markdown list item."""
    name, _, kind = (part.strip() for part in head.partition(" : "))
    if section in ("Returns", "Yields", "Raises") and not kind:
        name, kind = "", name
    label = f"`{name}` " if name else ""
    kind_text = f"*{inline(kind)}*" if kind else ""
    if section == "Raises":
        label, kind_text = f"`{kind}`", ""
    lead = (label + (f"({kind_text})" if label and kind_text else kind_text)).strip()
    return f"- {lead}: {inline(description)}" if description else f"- {lead}"


def markdown(doc: str) -> str:
    """A numpy-style docstring as Markdown."""
    out: list[str] = []
    for title, lines in sections(doc).items():
        if title:
            out += ["", f"**{title}**", ""]
        if title in LISTS:
            out += [list_item(title, head, text) for head, text in entries(lines)]
        else:
            out += [inline(line) for line in lines]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"


def require(where: str, doc: str, *wanted: str) -> None:
    """Stop unless ``doc`` has each of the ``wanted`` sections."""
    missing = [s for s in wanted if s not in sections(doc)]
    if missing:
        raise SystemExit(f"{where}: the docstring has no {', '.join(missing)} section")


# -- signatures -------------------------------------------------------------------------------


def _parameter(p: inspect.Parameter, factories: dict[str, Callable[[], Any]]) -> str:
    star = {p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "")
    text = star + p.name
    if p.annotation is not p.empty:
        ann = p.annotation
        text += f": {ann if isinstance(ann, str) else inspect.formatannotation(ann)}"
    if p.name in factories:  # a dataclass field's default_factory, e.g. ``list()``
        text += f" = {getattr(factories[p.name], '__name__', 'factory')}()"
    elif p.default is not p.empty:
        text += f" = {p.default!r}"
    return text


def signature(name: str, fn: Callable[..., Any], *, skip_self: bool = False) -> str:
    """``name(params) -> returns`` as in the source, one parameter a line when long."""
    sig = inspect.signature(fn)
    params = list(sig.parameters.values())[1 if skip_self else 0 :]
    factories: dict[str, Callable[[], Any]] = {}
    if inspect.isclass(fn) and dataclasses.is_dataclass(fn):
        factories = {
            f.name: f.default_factory
            for f in dataclasses.fields(fn)
            if f.default_factory is not dataclasses.MISSING
        }
    parts: list[str] = []
    star = not any(q.kind == q.VAR_POSITIONAL for q in params)  # no *args: a bare * then
    for i, p in enumerate(params):
        first_keyword = p.kind == p.KEYWORD_ONLY and (i == 0 or params[i - 1].kind < p.kind)
        if first_keyword and star:
            parts.append("*")
        parts.append(_parameter(p, factories))
    ret = sig.return_annotation
    if inspect.isclass(fn) or ret is sig.empty:
        tail = ""
    else:
        tail = f" -> {ret if isinstance(ret, str) else inspect.formatannotation(ret)}"
    one_line = f"{name}({', '.join(parts)}){tail}"
    if len(one_line) <= 88:
        return one_line
    return f"{name}(\n" + "".join(f"    {p},\n" for p in parts) + f"){tail}"


def code(text: str) -> str:
    return f"```python\n{text}\n```\n"


# -- the page ---------------------------------------------------------------------------------


def function_part(public: str, fn: Callable[..., Any]) -> str:
    doc = inspect.getdoc(fn) or ""
    require(public, doc, "Parameters", "Returns")
    return f"## `{public}`\n\n" + code(signature(public, fn)) + "\n" + markdown(doc)


def _methods(cls: type) -> list[tuple[str, Callable[..., Any]]]:
    """Public methods defined in ``cls`` itself (not properties, not inherited)."""
    out = []
    for name, raw in vars(cls).items():
        if name.startswith("_") or isinstance(raw, property):
            continue
        if isinstance(raw, classmethod | staticmethod) or inspect.isfunction(raw):
            out.append((name, getattr(cls, name)))
    return out


def _fields_table(cls: Any) -> str:
    """A pydantic model's fields: name, type, default and description."""
    rows = ["| field | type | default | meaning |", "|---|---|---|---|"]
    for name, field in cls.model_fields.items():
        ann = field.annotation
        kind = ann.__name__ if isinstance(ann, type) else str(ann).replace("typing.", "")
        text = (field.description or "").replace("|", "\\|")
        rows.append(f"| `{name}` | `{kind}` | `{field.default!r}` | {text} |")
    return "\n".join(rows) + "\n"


def class_part(public: str, cls: type) -> str:
    doc = inspect.getdoc(cls) or ""
    require(public, doc, "Parameters")
    pydantic = hasattr(cls, "model_fields")
    head = f"{public}(**fields)" if pydantic else signature(public, cls)
    parts = [f"## `{public}`\n\n" + code(head) + "\n" + markdown(doc)]
    if pydantic:
        parts.append("**Fields**\n\n" + _fields_table(cls))
    for name, method in _methods(cls):
        where = f"{public}.{name}"
        mdoc = inspect.getdoc(method) or ""
        require(where, mdoc, "Returns")
        bound = not isinstance(vars(cls)[name], staticmethod | classmethod)
        parts.append(
            f"### `{where}`\n\n"
            + code(signature(where, method, skip_self=bound))
            + "\n"
            + markdown(mdoc)
        )
    return "\n".join(parts)


def render() -> str:
    """The whole page."""
    parts = [HEADER]
    for public, module, name in ENTRIES:
        obj = public_object(module, name)
        parts.append(
            class_part(public, obj) if inspect.isclass(obj) else function_part(public, obj)
        )
    return "\n".join(parts)


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = PAGE.read_text(encoding="utf-8") if PAGE.exists() else ""
        if current != text:
            print(f"{PAGE} is out of date: run python3 docs/make_api.py", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))  # document this checkout's package, not an installed one
    sys.exit(main(sys.argv[1:]))
