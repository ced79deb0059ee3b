"""Glue between WTForms and the service layer: the rules live in the services only."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from flask import current_app, flash
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import Markup
from wtforms import Field, IntegerField
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import Optional
from wtforms.widgets import HiddenInput

from sfo_review.services._common import STALE_MESSAGE
from sfo_review.services.errors import Conflict, ServiceError, ValidationFailed

T = TypeVar("T")
SKIP = ("csrf_token", "submit", "add_another")  # buttons, not values


def select_choices(items: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """WTForms 3.3 choices from (value, label) pairs such as sfo_review.vocab's."""
    return [SelectChoice(value, label) for value, label in items]


LOADED = "_loaded"  # suffix of the hidden input beside the version (see stale_comparison)


class _VersionInputs(HiddenInput):
    """The version, and beside it the signed digest of the values the page was loaded with."""

    def __call__(self, field: Field, **kwargs: Any) -> Markup:
        html: Markup = super().__call__(field, **kwargs)
        loaded = getattr(field, "loaded", None)
        if not loaded:
            return html
        beside = Markup('<input type="hidden" name="{}" value="{}">')
        return html + beside.format(field.name + LOADED, loaded)


class _VersionField(IntegerField):
    loaded: str | None = None  # as posted, or as set for the page (stale_comparison)

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        super().process(formdata, data, extra_filters)
        self.loaded = formdata.get(self.name + LOADED) if formdata is not None else None

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(
                "This page is out of date or was changed: open it again and make your changes"
            ) from exc


def version_field(optional: bool = False) -> IntegerField:
    """The version the editor started from, so a stale save never overwrites (409), and
    what the fields held then, so a stale save is merged field by field (submit_edit).
    `optional`: empty for a record not saved yet (a first draft)."""
    return _VersionField(widget=_VersionInputs(), validators=[Optional()] if optional else [])


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


# Two people editing at once. Each edit form carries the version it was loaded at and a
# signed digest of each field's value then (one hidden input, beside the version: it only
# decides what a stale save merges; the version check still protects every save). A stale
# save is merged field by field against the record as saved now:
# - a field only this editor changed is saved;
# - a field only the other person changed keeps their value;
# - a field both changed, differently, is a conflict: nothing is saved, and the page shows
#   those fields side by side (saved now / what you typed), the form keeping what was typed
#   but the other person's values in every other field and the saved version, so saving
#   again is a choice made with both in view.
# Without a digest (tampered with, or from a page of another version) every differing
# field is a conflict. The API has no merge: a stale PATCH answers 409 (the contract).

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
    both_changed: bool = False  # the rows are the fields both changed (else: all that differ)


@dataclass(frozen=True)
class _Merge:
    mine: list[str]  # changed by this editor only (or by both, to the same value)
    theirs: list[str]  # changed by the other person only
    both: list[str]  # changed by both, differently


def is_stale(form: FlaskForm) -> bool:
    field = form._fields.get("version")
    return field is not None and any(STALE_MESSAGE in str(m) for m in field.errors)


def _editable(form: FlaskForm) -> dict[str, Any]:
    return {n: f for n, f in form._fields.items() if n not in SKIP and n != "version"}


def _saved_values(form: FlaskForm, row: Any, current: dict[str, Any]) -> dict[str, Any]:
    """The record as saved now, under the form's field names (`current` gives what the row
    does not hold under those names: linked ids, a countersigner's email)."""
    return {n: current[n] if n in current else getattr(row, n, None) for n in _editable(form)}


def _normal(value: Any) -> Any:
    """One form for a value whether it came from the row or the posted form."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, list | tuple | set):
        return sorted(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value.replace("\r\n", "\n")
    return str(value)


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(_normal(value)).encode()).hexdigest()[:16]


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="stale-edit-loaded")


def _remember(form: FlaskForm, values: dict[str, Any], version: int) -> None:
    digests = {name: _digest(value) for name, value in values.items()}
    form._fields["version"].loaded = _signer().dumps({"v": version, "d": digests})


def _remembered(form: FlaskForm) -> dict[str, str] | None:
    """The digests the page was loaded with, if genuine and of the version posted."""
    field = form._fields["version"]
    try:
        payload = _signer().loads(field.loaded or "")
    except BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("v") != field.data:
        return None
    digests = payload.get("d")
    return digests if isinstance(digests, dict) else None


def _merge(form: FlaskForm, saved: dict[str, Any]) -> _Merge | None:
    loaded = _remembered(form)
    if loaded is None:
        return None
    mine, theirs, both = [], [], []
    for name, field in _editable(form).items():
        here = _digest(field.data) != loaded.get(name)
        there = _digest(saved[name]) != loaded.get(name)
        if here and there and _normal(field.data) != _normal(saved[name]):
            both.append(name)
        elif here:
            mine.append(name)
        elif there:
            theirs.append(name)
    return _Merge(mine, theirs, both)


def _merged_message(form: FlaskForm, theirs: list[str]) -> str:
    labels = [str(form._fields[name].label.text) for name in theirs]
    if not labels:
        return (
            "Saved. Someone else had saved other changes since you opened this page; "
            "they were kept."
        )
    named = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
    return f"Saved. Someone else had changed {named}; their changes were kept."


def submit_edit(
    form: FlaskForm,
    call: Callable[[dict[str, Any]], T],
    row: Any,
    current: Callable[[], dict[str, Any]] | None = None,
) -> T | None:
    """submit_form for an edit form: `call` gets the form's data; a stale save is merged.

    When someone else saved first and no field was changed by both, what this editor
    changed is saved over their version and a message names what they had changed (theirs
    kept). Otherwise the stale error is shown (stale_comparison explains it on the page).
    `row` is the record edited (read afresh after the refused save); `current` gives its
    values the row does not hold under the form's field names.
    """
    stale: Conflict | None = None

    def first() -> T:
        nonlocal stale
        try:
            return call(form_data(form))
        except Conflict as exc:
            if "version" not in exc.fields:
                raise Conflict(exc.message) from exc
            stale = exc
            raise

    try:
        return first()
    except ValidationFailed as exc:
        show_errors(form, exc)
        return None
    except Conflict as exc:
        if stale is None:
            show_errors(form, exc)
            return None
    merge = _merge(form, _saved_values(form, row, current() if current else {}))
    if merge is None or merge.both:
        show_errors(form, stale)
        return None
    typed = form_data(form)
    data = {name: typed[name] for name in merge.mine} | {"version": row.version}
    saved = submit_form(form, lambda: call(data))
    if saved is not None:
        flash(_merged_message(form, merge.theirs))
    return saved


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


def _set(field: Any, value: Any) -> None:
    """Show `value` in the field as if the page had been loaded with it."""
    field.process(None, value)
    field.raw_data = None


def stale_comparison(
    form: FlaskForm, row: Any, current: dict[str, Any] | None = None
) -> StaleComparison | None:
    """For an edit form's page: the fields to show side by side after a stale save.

    Every render of an edit form passes here: on a page loaded from `row`, the form is given
    the digest of the values it starts from (what submit_edit merges against). After a
    stale save that could not be merged, the rows are the fields both people changed (every
    differing field without a digest); the form keeps what was typed there and in the
    fields only this editor changed, takes the other person's values everywhere else, and
    now carries the saved version and its values' digest.
    """
    if row is None or "version" not in form._fields:
        return None
    saved = _saved_values(form, row, current or {})
    if not is_stale(form):
        if not form.is_submitted():
            _remember(form, saved, row.version)
        return None
    merge = _merge(form, saved)
    rows = []
    for name, field in _editable(form).items():
        if merge is not None and name not in merge.both:
            if name in merge.theirs:
                _set(field, saved[name])
            continue
        theirs, yours = _shown(field, saved[name]), _shown(field, _typed(field))
        if theirs.strip() != yours.strip():
            rows.append(StaleRow(str(field.label.text), theirs, yours))
    version = form._fields["version"]
    yours_version = version.data
    version.data = row.version
    version.raw_data = [str(row.version)]
    _remember(form, saved, row.version)
    return StaleComparison(row.version, yours_version, rows, merge is not None)
