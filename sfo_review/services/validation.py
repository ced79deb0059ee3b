"""Field rules of the contract, written once and used by both the browser and the API.

`clean()` takes already-typed values (the browser's WTForms fields coerce text to dates and
integers; JSON gives strings, numbers, booleans and lists) and returns the cleaned values or
raises ValidationFailed with one message per field, each naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sfo_review import clock
from sfo_review.services.errors import ValidationFailed

SHORT_MAX = 200
LONG_MAX = 20_000


@dataclass(frozen=True)
class Rule:
    kind: str  # short | long | enum | enum_list | date | int | bool | ids | email
    name: str  # how a person calls the field, e.g. "case reference"
    required: bool = True
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    pattern: str | None = None
    pattern_message: str | None = None
    earliest: date | None = None  # dates: the first day allowed
    latest_days: int | None = None  # dates: how many days after today the last allowed is


def short(name: str, required: bool = True, **kw: Any) -> Rule:
    return Rule("short", name, required, **kw)


def long(name: str, required: bool = True) -> Rule:
    return Rule("long", name, required)


def enum(name: str, choices: tuple[str, ...], required: bool = True) -> Rule:
    return Rule("enum", name, required, choices=choices)


def enum_list(name: str, choices: tuple[str, ...], required: bool = True) -> Rule:
    return Rule("enum_list", name, required, choices=choices)


# How far back and ahead dates may go. Nothing before these can be on a review: a year
# 0001 made the dashboard draw 8,104 quarters.
NOTIFICATIONS_BEGIN = date(2000, 1, 1)  # SFO notifications, charges, actions, the filters
RECORDS_BEGIN = date(1900, 1, 1)  # a chronology's events, caseload periods
NOT_AFTER_TODAY = 0
A_YEAR_AHEAD = 366
TEN_YEARS_AHEAD = 3653


def a_date(
    name: str,
    required: bool = True,
    earliest: date | None = None,
    latest_days: int | None = None,
) -> Rule:
    """A date from `earliest` to `latest_days` days after today (NOT_AFTER_TODAY: today)."""
    return Rule("date", name, required, earliest=earliest, latest_days=latest_days)


def long_date(day: date) -> str:
    """1 January 2000."""
    return f"{day.day} {day:%B %Y}"


def integer(name: str, minimum: int, maximum: int, required: bool = True) -> Rule:
    return Rule("int", name, required, minimum=minimum, maximum=maximum)


def boolean(name: str, required: bool = False) -> Rule:
    return Rule("bool", name, required)


def ids(name: str) -> Rule:
    return Rule("ids", name, required=False)


def email(name: str, required: bool = True) -> Rule:
    return Rule("email", name, required)


UK_DAY = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")


def typed_day(text: str) -> date:
    """A date a person typed in one box, as 17/5/2024 or 2024-05-17 (the list filters, the
    chronology CSV); ValueError when it is neither, or is not a real date."""
    text = text.strip()
    if found := UK_DAY.fullmatch(text):
        return date(int(found[3]), int(found[2]), int(found[1]))
    if found := ISO_DAY.fullmatch(text):
        return date(int(found[1]), int(found[2]), int(found[3]))
    raise ValueError(f"not a date: {text!r}")


class _Invalid(Exception):
    pass


def _sentence(name: str) -> str:
    return name[:1].upper() + name[1:]


def _storable(text: str) -> bool:
    """Whether `text` is real Unicode. JSON can carry half of a UTF-16 surrogate pair on its
    own ("\\ud800"), which is not a character: no UTF-8 text, and so no database, can hold it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_text(rule: Rule, value: Any) -> str | None:
    if not isinstance(value, str):
        raise _Invalid(f"{_sentence(rule.name)} must be text")
    if not value.strip():
        if rule.required:
            raise _Invalid(f"Enter the {rule.name}")
        return None
    limit = SHORT_MAX if rule.kind in ("short", "email") else LONG_MAX
    if len(value) > limit:
        raise _Invalid(f"{_sentence(rule.name)} must be {limit:,} characters or fewer")
    if "\x00" in value:
        raise _Invalid(f"{_sentence(rule.name)} must not contain a null character")
    if not _storable(value):
        raise _Invalid(f"{_sentence(rule.name)} contains a character that cannot be stored")
    if rule.pattern and not re.fullmatch(rule.pattern, value):
        raise _Invalid(rule.pattern_message or f"Enter a valid {rule.name}")
    if rule.kind == "email" and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value.strip()):
        raise _Invalid(f"Enter the {rule.name} in the correct format, like name@example.org")
    return value.strip() if rule.kind == "email" else value


def _check_enum(rule: Rule, value: Any) -> str:
    if not isinstance(value, str) or value not in rule.choices:
        raise _Invalid(f"Select the {rule.name} (one of: {', '.join(rule.choices)})")
    return value


def _check_enum_list(rule: Rule, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Invalid(f"{_sentence(rule.name)} must be a list of values")
    unknown = [v for v in value if v not in rule.choices]
    if unknown:
        raise _Invalid(
            f"{_sentence(rule.name)} must only contain: {', '.join(rule.choices)} "
            f"(not {', '.join(unknown)})"
        )
    if rule.required and not value:
        raise _Invalid(f"Select at least one {rule.name}")
    return list(dict.fromkeys(value))


def _check_date(rule: Rule, value: Any) -> date:
    day = _real_date(rule, value)
    if rule.earliest is not None and day < rule.earliest:
        raise _Invalid(f"{_sentence(rule.name)} must be {long_date(rule.earliest)} or later")
    if rule.latest_days is not None:
        latest = clock.today() + timedelta(days=rule.latest_days)
        if day > latest and rule.latest_days == NOT_AFTER_TODAY:
            raise _Invalid(f"{_sentence(rule.name)} must be today or in the past")
        if day > latest:
            raise _Invalid(f"{_sentence(rule.name)} must be {long_date(latest)} or earlier")
    return day


def _real_date(rule: Rule, value: Any) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _Invalid(f"{_sentence(rule.name)} must be a real date in the format YYYY-MM-DD")


def _check_int(rule: Rule, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Invalid(f"{_sentence(rule.name)} must be a whole number")
    assert rule.minimum is not None and rule.maximum is not None  # noqa: S101 - rule set-up
    if not rule.minimum <= value <= rule.maximum:
        raise _Invalid(f"{_sentence(rule.name)} must be between {rule.minimum} and {rule.maximum}")
    return value


def _check_ids(rule: Rule, value: Any) -> list[int]:
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise _Invalid(f"{_sentence(rule.name)} must be a list of ids (whole numbers)")
    return list(dict.fromkeys(value))


def _check_one(rule: Rule, value: Any) -> Any:
    if value is None or value == "" or (value == [] and rule.kind not in ("ids", "enum_list")):
        if rule.required:
            verb = "Select" if rule.kind in ("enum", "enum_list") else "Enter"
            raise _Invalid(f"{verb} the {rule.name}")
        return [] if rule.kind == "ids" else None
    if rule.kind in ("short", "long", "email"):
        return _check_text(rule, value)
    if rule.kind == "enum":
        return _check_enum(rule, value)
    if rule.kind == "enum_list":
        return _check_enum_list(rule, value)
    if rule.kind == "date":
        return _check_date(rule, value)
    if rule.kind == "int":
        return _check_int(rule, value)
    if rule.kind == "bool":
        if not isinstance(value, bool):
            raise _Invalid(f"{_sentence(rule.name)} must be true or false")
        return value
    return _check_ids(rule, value)


def clean(
    data: Mapping[str, Any],
    rules: Mapping[str, Rule],
    *,
    partial: bool = False,
    extra_allowed: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Check `data` against `rules`; with partial=True only the keys present are checked."""
    errors: dict[str, list[str]] = {}
    for key in data:
        if key not in rules and key not in extra_allowed:
            errors[key] = [f"Unknown field: {key}"]
    cleaned: dict[str, Any] = {}
    for key, rule in rules.items():
        if partial and key not in data:
            continue
        try:
            cleaned[key] = _check_one(rule, data.get(key))
        except _Invalid as exc:
            errors[key] = [str(exc)]
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def require(errors: dict[str, list[str]]) -> None:
    """Raise the cross-field errors collected by a use case, if any."""
    if errors:
        raise ValidationFailed(errors)


def tidy_region(region: str | None) -> str:
    """A region as compared: runs of spaces made one, the ends trimmed ('' for none)."""
    return " ".join((region or "").split())
