"""Reading and writing instance and solution files (JSON), with one-line errors."""

from __future__ import annotations

import difflib
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, ValidationError

from gaugeopt.errors import InputError, format_path, parse_path, short_value
from gaugeopt.model.instance import Instance, semantic_errors
from gaugeopt.model.limits import InputLimits
from gaugeopt.model.solution import Solution

M = TypeVar("M", bound=BaseModel)

_TYPE_NAMES = {
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "float_parsing": "a number",
    "string_type": "a string",
    "bool_type": "true or false",
    "list_type": "a list",
    "tuple_type": "a [start, end] pair",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
}


def _describe(err: dict[str, Any]) -> str:
    """One pydantic error as 'must ..., got X'."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    got = short_value(err.get("input"))
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return f"unknown field, got {got}"
    if kind in _TYPE_NAMES:
        return f"must be {_TYPE_NAMES[kind]}, got {got}"
    if kind == "greater_than":
        return f"must be > {ctx['gt']}, got {got}"
    if kind == "greater_than_equal":
        return f"must be >= {ctx['ge']}, got {got}"
    if kind == "less_than_equal":
        return f"must be <= {ctx['le']}, got {got}"
    if kind == "less_than":
        return f"must be < {ctx['lt']}, got {got}"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}, got {got}"
    if kind in ("too_short", "too_long") and ctx.get("field_type") == "Tuple":
        return f"must be {_TYPE_NAMES['tuple_type']}, got {got}"
    if kind in ("too_short", "string_too_short"):
        return f"must not be empty, got {got}"
    if kind in ("too_long", "string_too_long"):
        return f"is too long, got {got}"
    if kind == "finite_number":
        return f"must be a finite number, got {got}"
    if kind == "value_error":  # a validator's own words
        return f"{str(err.get('msg', 'invalid')).removeprefix('Value error, ')}, got {got}"
    if kind == "json_invalid":
        return f"not valid JSON ({ctx.get('error', 'syntax error')})"
    return f"{err.get('msg', 'invalid')}, got {got}"


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation (``list[Carriage]``, ``Changer | None``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names of the object at ``loc`` in a document of ``model`` ([] if unknown)."""
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if current is not None else None
        current = _model_in(field.annotation) if field is not None else None
    return list(current.model_fields) if current is not None else []


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """A location without pydantic's union-branch and validator tags."""
    loc = tuple(p for p in loc if not (isinstance(p, str) and p.endswith("]")))
    return tuple(p for p in loc if p not in ("int", "float", "str", "none", "function-after"))


def _suggest(name: str, choices: list[str]) -> str | None:
    """The closest choice to a misspelt ``name`` (case ignored), if any is close."""
    lowered = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.75)
    return lowered[close[0]] if close else None


def _unknown_field(err: dict[str, Any], model: type[BaseModel]) -> tuple[str, str | None]:
    """The message for an unknown field, and the known field it is a typo of (if any)."""
    loc = _clean_loc(err["loc"])
    known = _fields_at(model, loc[:-1])
    twin = _suggest(str(loc[-1]), known)
    if twin is not None:
        return f"unknown field; did you mean {twin!r}?", twin
    listed = f"; known fields here: {', '.join(known)}" if 0 < len(known) <= 8 else ""
    return f"unknown field, got {short_value(err.get('input'))}{listed}", None


def _literal_hint(err: dict[str, Any]) -> str:
    """``; did you mean 'individual'?`` for a value that differs from a choice in case or
    by a typo."""
    got = err.get("input")
    if err["type"] != "literal_error" or not isinstance(got, str):
        return ""
    choices = re.findall(r"'([^']*)'", str((err.get("ctx") or {}).get("expected", "")))
    close = _suggest(got, choices)
    return f"; did you mean {close!r}?" if close is not None and close != got else ""


def _first_error(exc: ValidationError, model: type[BaseModel], data: Any) -> InputError:
    """The one error to show: an unknown field first (it often explains a missing one),
    else pydantic's first; list items named by their ids."""
    errors: list[dict[str, Any]] = [dict(e) for e in exc.errors(include_url=False)]
    # A union (e.g. `X | None`) reports one error per branch: the first one names the field
    # just as well, and the message of the non-null branch is the one a user needs.
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    if err["type"] == "missing" and isinstance(err.get("input"), tuple):
        # A tuple (a shift) with too few items: name the pair, not its missing index.
        err = {**err, "type": "too_short", "loc": err["loc"][:-1], "ctx": {"field_type": "Tuple"}}
        errors = [err, *(e for e in errors if e["loc"][:-1] != err["loc"])]
    loc = _clean_loc(err["loc"])
    if err["type"] == "extra_forbidden":
        message, twin = _unknown_field(err, model)
        # The typo's twin is reported missing too: that is the same mistake, not one more.
        same = (*loc[:-1], twin)
        errors = [
            e for e in errors if not (e["type"] == "missing" and _clean_loc(e["loc"]) == same)
        ]
    else:
        message = _describe(err) + _literal_hint(err)
    extra = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return InputError(message + extra, path=format_path(loc, data))


_PATH_IN_TEXT = re.compile(r"\b(?:trains|station|tasks)(?:\.[A-Za-z_]\w*|\[\d+\])+")


def _name_ids(text: str, data: Any) -> str:
    """Every field path in ``text`` with list items named by their ids."""
    return _PATH_IN_TEXT.sub(lambda m: format_path(parse_path(m[0]), data), text)


class _Refused(ValueError):
    """A JSON document the reader refuses part-way (a key given twice)."""


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object; a key given twice is refused (JSON would keep the last silently)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            ident = out.get("id")
            where = f" in the object with id {short_value(ident)}" if isinstance(ident, str) else ""
            raise _Refused(f"duplicate key {short_value(key)}{where}")
        out[key] = value
    return out


def _huge_integer(exc: ValueError) -> str:
    """Python's refusal of an integer literal of thousands of digits, as one phrase."""
    digits = re.search(r"has (\d+) digits", str(exc))
    count = f"{int(digits[1]):,} digits" if digits else "too many digits"
    return f"an integer of {count} (at most {sys.get_int_max_str_digits():,})"


def _load_json(text: str | bytes, source: str, limits: InputLimits | None = None) -> Any:
    """The parsed document: counted first (a file too large is refused before anything else
    is done with it), then read again for keys given twice."""
    data = _parse_json(text, source, None)
    (limits or InputLimits.from_environment()).check_counts(data, source)
    return _parse_json(text, source, _object)


def _parse_json(text: str | bytes, source: str, pairs: Any) -> Any:
    try:
        return json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", path=source
        ) from None
    except _Refused as exc:
        raise InputError(f"not valid JSON: {exc}", path=source) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", path=source) from None
    except RecursionError:  # arrays or objects nested thousands deep
        raise InputError("not valid JSON: nested too deeply", path=source) from None
    except ValueError as exc:  # an integer literal of thousands of digits
        raise InputError(f"not valid JSON: {_huge_integer(exc)}", path=source) from None


def _read_text(path: str | os.PathLike[str], limits: InputLimits | None = None) -> bytes:
    """The file's bytes, read only up to the size limit (a larger file is refused)."""
    p = Path(path)
    most = (limits or InputLimits.from_environment()).bytes
    try:
        with p.open("rb") as fh:
            data = fh.read(most + 1)
    except FileNotFoundError:
        raise InputError("no such file", path=str(p)) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", path=str(p)) from None
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror})", path=str(p)) from None
    if len(data) > most:
        raise InputError(
            f"larger than {most / 1e6:g} MB, the most an input file may be "
            f"(set GAUGEOPT_MAX_MB to allow more)",
            path=str(p),
        )
    return data


def _validate(model: type[M], data: Any) -> M:
    if not isinstance(data, dict):
        raise InputError(f"must be a JSON object, got {short_value(data)}", path="<root>")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _first_error(exc, model, data) from None
    except RecursionError:
        raise InputError("nested too deeply", path="<root>") from None


def parse_instance(data: dict[str, Any] | str | bytes, source: str = "<input>") -> Instance:
    """Validate an instance given as a dict or JSON text; raise :class:`InputError`."""
    if isinstance(data, str | bytes):
        data = _load_json(data, source)
    inst = _validate(Instance, data)
    problems = semantic_errors(inst)
    if problems:
        path, msg = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InputError(_name_ids(msg, data) + more, path=_name_ids(path, data))
    return inst


def read_instance(path: str | os.PathLike[str]) -> Instance:
    """Read and validate an instance file (docs/file-formats.md).

    Parameters
    ----------
    path : str or path
        A JSON instance file (docs/file-formats.md).

    Returns
    -------
    Instance
        The validated station and trains.

    Raises
    ------
    InputError
        The file cannot be read, is not JSON, or breaks the schema or a rule of the file format: one
        line naming the field path (items by id) and the value.
    """
    return parse_instance(_read_text(path), source=str(path))


def parse_solution(data: dict[str, Any] | str | bytes, source: str = "<input>") -> Solution:
    """Validate a solution given as a dict or JSON text; raise :class:`InputError`."""
    if isinstance(data, str | bytes):
        data = _load_json(data, source)
    return _validate(Solution, data)


def read_solution(path: str | os.PathLike[str]) -> Solution:
    """Read and validate a solution file (docs/file-formats.md)."""
    return parse_solution(_read_text(path), source=str(path))


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write via a temporary file in the same folder and rename: never a half-written file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp makes the file private (0600); give it the usual mode for new files.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write UTF-8 text atomically (see :func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def _dump(model: BaseModel) -> str:
    return json.dumps(model.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def write_instance(instance: Instance, path: str | os.PathLike[str]) -> None:
    """Write an instance file atomically."""
    atomic_write_text(path, _dump(instance))


def write_solution(solution: Solution, path: str | os.PathLike[str]) -> None:
    """Write a solution file atomically."""
    atomic_write_text(path, _dump(solution))
