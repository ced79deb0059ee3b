"""Glue between WTForms and the service layer: the rules live in the services only."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import HiddenInput

from sfo_review.services._common import STALE_MESSAGE
from sfo_review.services.errors import Conflict, ServiceError, ValidationFailed

T = TypeVar("T")
SKIP = ("csrf_token", "submit")


def select_choices(items: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """WTForms 3.3 choices from (value, label) pairs such as sfo_review.vocab's."""
    return [SelectChoice(value, label) for value, label in items]


class _VersionField(IntegerField):
    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(
                "This page is out of date or was changed: open it again and make your changes"
            ) from exc


def version_field() -> IntegerField:
    """The version the editor started from, so a stale save never overwrites (409)."""
    return _VersionField(widget=HiddenInput())


def error_summary_items(form: FlaskForm) -> list[dict[str, str]]:
    """GOV.UK error summary entries, each linking to the first input of its field."""
    items: list[dict[str, str]] = []
    for name, field in form._fields.items():
        if not field.errors or name == "csrf_token":
            continue
        # A date input's first box is "<id>-day"; other fields link to their own id.
        is_date = type(field.widget).__name__ == "GovDateInput"
        href = f"#{field.id}-day" if is_date else f"#{field.id}"
        if name == "version":
            href = "#stale-help"  # the version is hidden: link to the explanation instead
        items.extend({"text": str(message), "href": href} for message in field.errors[:1])
    csrf = form._fields.get("csrf_token")
    if csrf is not None and csrf.errors:
        items.append({"text": "Your form expired. Submit it again.", "href": "#main-content"})
    items.extend({"text": str(m), "href": "#main-content"} for m in form.form_errors)
    return items


def form_data(form: FlaskForm, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """The form's values for a service call ("" and None both mean 'not given')."""
    data: dict[str, Any] = {}
    for name, field in form._fields.items():
        if name in SKIP or name in skip:
            continue
        value = field.data
        if isinstance(value, str) and value == "":
            value = None
        data[name] = value
    return data


def show_errors(form: FlaskForm, exc: ServiceError) -> None:
    """Put the service's messages next to the fields they concern (form-level otherwise)."""
    for name, messages in exc.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors), *messages]
        else:
            form.form_errors.extend(messages)
    if not exc.fields:
        form.form_errors.append(exc.message)


def submit(form: FlaskForm, call: Callable[[], T]) -> T | None:
    """Run a service call for a validated form; on failure show its errors and return None.

    Validation problems and conflicts (a stale version, a closed edit window) are shown on
    the form; permission errors propagate and become 403/404 pages.
    """
    try:
        return call()
    except (ValidationFailed, Conflict) as exc:
        show_errors(form, exc)
        return None


def submit_form(form: FlaskForm, call: Callable[[], T]) -> T | None:
    """forms_support.submit, with a closed edit window shown in the service's own words.

    A stale version keeps its field message (the page explains it next to the form); any
    other conflict (the review moved on) is one sentence at the top of the form.
    """

    def guarded() -> T:
        try:
            return call()
        except Conflict as exc:
            if "version" in exc.fields:
                raise
            raise Conflict(exc.message) from exc

    return submit(form, guarded)


# Two people editing at once: a stale save is refused by the service (Conflict on "version");
# the page then shows the saved row and what was typed side by side, keeping the form as typed.

NOTHING = "Not given"


@dataclass(frozen=True)
class StaleRow:
    label: str
    saved: str  # the value saved now, by the other person
    typed: str  # what this person typed


@dataclass(frozen=True)
class StaleComparison:
    their_version: int
    your_version: int | None
    rows: list[StaleRow]


def is_stale(form: FlaskForm) -> bool:
    field = form._fields.get("version")
    return field is not None and any(STALE_MESSAGE in str(m) for m in field.errors)


def _choice_labels(field: Any) -> dict[str, str]:
    labels: dict[str, str] = {}
    for choice in getattr(field, "choices", None) or []:
        if isinstance(choice, SelectChoice):
            labels[str(choice.value)] = str(choice.label)
        elif isinstance(choice, tuple | list) and len(choice) >= 2:
            labels[str(choice[0])] = str(choice[1])
    return labels


def _shown(field: Any, value: Any) -> str:
    """A value as a person reads it: labels for choices, dates in words, Yes/No."""
    if value is None or value == "" or value == []:
        return NOTHING
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    labels = _choice_labels(field)
    if isinstance(value, list | tuple):
        return "; ".join(labels.get(str(v), str(v)) for v in value)
    text = labels.get(str(value), str(value))
    return text.replace("\r\n", "\n")


def _typed(field: Any) -> Any:
    if field.data is None and field.raw_data:
        return " ".join(str(v) for v in field.raw_data if str(v).strip()) or None
    return field.data


def stale_comparison(
    form: FlaskForm, row: Any, current: dict[str, Any] | None = None
) -> StaleComparison | None:
    """After a stale save: each field whose saved value differs from what was typed.

    `row` is the record as saved now (the service rolled back, so it reads afresh);
    `current` gives saved values the row does not hold under the form's field names
    (linked ids, a countersigner's email). The form keeps what was typed but now carries
    the saved version: saving again is then a choice made with both versions in view.
    """
    if row is None or not is_stale(form):
        return None
    saved = current or {}
    rows = []
    for name, field in form._fields.items():
        if name in SKIP or name == "version":
            continue
        value = saved[name] if name in saved else getattr(row, name, None)
        theirs, yours = _shown(field, value), _shown(field, _typed(field))
        if theirs.strip() != yours.strip():
            rows.append(StaleRow(str(field.label.text), theirs, yours))
    version_field_ = form._fields["version"]
    yours_version = version_field_.data
    version_field_.data = row.version
    version_field_.raw_data = [str(row.version)]
    return StaleComparison(row.version, yours_version, rows)
