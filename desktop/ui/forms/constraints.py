"""What the domain models allow for one field, read from their pydantic metadata, and the model's errors
reworded as sentences a clinician can act on ("ANC must be between 0 and 100 ×10⁹/L").

The limits are never restated here: they come from `model_fields`, so a change in the model changes the form.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo


@dataclass(frozen=True, slots=True)
class Limits:
    """Numeric bounds and text length of one model field (None = no limit)."""

    low: float | None = None
    low_inclusive: bool = True
    high: float | None = None
    high_inclusive: bool = True
    max_length: int | None = None
    integer: bool = False
    optional: bool = False


def _metadata(annotation: Any) -> tuple[list[Any], Any]:
    """Constraint objects and the base type inside `Annotated[...]` (unwrapping `X | None`)."""
    found: list[Any] = []
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return _metadata(args[0]) if len(args) == 1 else (found, annotation)
    if origin is Annotated:
        base, *extra = get_args(annotation)
        for item in extra:
            found.extend(item.metadata if isinstance(item, FieldInfo) else [item])
        inner, base = _metadata(base)
        return found + inner, base
    return found, annotation


def limits(model: type[BaseModel], name: str) -> Limits:
    """The limits `model` puts on field `name`."""
    info = model.model_fields[name]
    found, base = _metadata(info.annotation)
    found = list(info.metadata) + found
    values: dict[str, Any] = {"integer": base is int, "optional": not info.is_required()}
    for item in found:
        if isinstance(item, annotated_types.Ge):
            values.update(low=float(item.ge), low_inclusive=True)  # type: ignore[arg-type]
        elif isinstance(item, annotated_types.Gt):
            values.update(low=float(item.gt), low_inclusive=False)  # type: ignore[arg-type]
        elif isinstance(item, annotated_types.Le):
            values.update(high=float(item.le), high_inclusive=True)  # type: ignore[arg-type]
        elif isinstance(item, annotated_types.Lt):
            values.update(high=float(item.lt), high_inclusive=False)  # type: ignore[arg-type]
        max_length = getattr(item, "max_length", None)
        if isinstance(max_length, int):
            values["max_length"] = max_length
    return Limits(**values)


def number_text(value: float) -> str:
    """`100` rather than `100.0`; `0.5` stays `0.5`; thousands separated (`10,000`)."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.6g}"


def range_sentence(label: str, bounds: Limits, unit: str = "") -> str:
    """`ANC must be between 0 and 100 ×10⁹/L`, `ABL1 copies must be more than 0`, …"""
    suffix = f" {unit}" if unit else ""
    low, high = bounds.low, bounds.high
    if low is not None and high is not None:
        if bounds.low_inclusive and bounds.high_inclusive:
            return f"{label} must be between {number_text(low)} and {number_text(high)}{suffix}"
        low_word = "at least" if bounds.low_inclusive else "more than"
        high_word = "at most" if bounds.high_inclusive else "less than"
        return f"{label} must be {low_word} {number_text(low)} and {high_word} {number_text(high)}{suffix}"
    if low is not None:
        return f"{label} must be {'at least' if bounds.low_inclusive else 'more than'} {number_text(low)}{suffix}"
    if high is not None:
        return f"{label} must be {'at most' if bounds.high_inclusive else 'less than'} {number_text(high)}{suffix}"
    return f"{label} is out of range"


_RANGE_ERRORS = frozenset({"greater_than_equal", "greater_than", "less_than_equal", "less_than"})


def error_sentence(error: Any, label: str, bounds: Limits, unit: str = "", pattern_hint: str = "") -> str:
    """One pydantic error on a field as a sentence naming the field (and its unit for numbers)."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind in _RANGE_ERRORS:
        return range_sentence(label, bounds, unit)
    if kind in ("missing", "string_too_short"):
        return f"{label} is required"
    if kind == "string_too_long":
        return f"{label} must be at most {ctx.get('max_length')} characters"
    if kind == "string_pattern_mismatch":
        return f"{label}: {pattern_hint}" if pattern_hint else f"{label} contains characters that are not allowed"
    if kind == "literal_error":
        return f"{label}: choose one of the listed values"
    message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
    return f"{label}: {message}"
