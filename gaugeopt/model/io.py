"""Reading and writing instance and solution files (JSON), with one-line errors."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from gaugeopt.errors import InputError, format_path, short_value
from gaugeopt.model.instance import Instance, semantic_errors
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
    if kind == "json_invalid":
        return f"not valid JSON ({ctx.get('error', 'syntax error')})"
    return f"{err.get('msg', 'invalid')}, got {got}"


def _first_error(exc: ValidationError) -> InputError:
    errors = exc.errors(include_url=False)
    # A union (e.g. `X | None`) reports one error per branch: the first one names the field
    # just as well, and the message of the non-null branch is the one a user needs.
    err = errors[0]
    if err["type"] == "missing" and isinstance(err.get("input"), tuple):
        # A tuple (a shift) with too few items: name the pair, not its missing index.
        err = {**err, "type": "too_short", "loc": err["loc"][:-1], "ctx": {"field_type": "Tuple"}}
        errors = [err, *(e for e in errors if e["loc"][:-1] != err["loc"])]
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.endswith("]")))
    loc = tuple(p for p in loc if p not in ("int", "float", "str", "none", "function-after"))
    extra = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return InputError(_describe(err) + extra, path=format_path(loc))


def _load_json(text: str | bytes, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", path=source
        ) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", path=source) from None
    except RecursionError:  # arrays or objects nested thousands deep
        raise InputError("not valid JSON: nested too deeply", path=source) from None


def _read_text(path: str | os.PathLike[str]) -> bytes:
    p = Path(path)
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=str(p)) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", path=str(p)) from None
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror})", path=str(p)) from None


def _validate(model: type[M], data: Any) -> M:
    if not isinstance(data, dict):
        raise InputError(f"must be a JSON object, got {short_value(data)}", path="<root>")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _first_error(exc) from None
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
        raise InputError(msg + more, path=path)
    return inst


def read_instance(path: str | os.PathLike[str]) -> Instance:
    """Read and validate an instance file (DESIGN.md §3)."""
    return parse_instance(_read_text(path), source=str(path))


def parse_solution(data: dict[str, Any] | str | bytes, source: str = "<input>") -> Solution:
    """Validate a solution given as a dict or JSON text; raise :class:`InputError`."""
    if isinstance(data, str | bytes):
        data = _load_json(data, source)
    return _validate(Solution, data)


def read_solution(path: str | os.PathLike[str]) -> Solution:
    """Read and validate a solution file (DESIGN.md §5)."""
    return parse_solution(_read_text(path), source=str(path))


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write via a temporary file in the same folder and rename: never a half-written file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp makes the file private (0600); give it the usual mode for new files.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _dump(model: BaseModel) -> str:
    return json.dumps(model.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def write_instance(instance: Instance, path: str | os.PathLike[str]) -> None:
    """Write an instance file atomically."""
    atomic_write_text(path, _dump(instance))


def write_solution(solution: Solution, path: str | os.PathLike[str]) -> None:
    """Write a solution file atomically."""
    atomic_write_text(path, _dump(solution))
