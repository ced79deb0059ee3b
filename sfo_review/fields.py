"""Typed form fields shared by every feature's forms: typing only, the rules live in services.

A GOV.UK three-box date, a whole number typed in a text box, checkboxes of ids and radios
from sfo_review.vocab; each says what is wrong in words that name the field.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovDateInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import DateField, IntegerField, RadioField, SelectMultipleField

from sfo_review import vocab
from sfo_review.forms_support import select_choices
from sfo_review.services.validation import LONG_MAX, typed_day

DATE_PARTS = ("day", "month", "year")
DATE_EXAMPLE = "like 26 6 2023"


class GovDateField(DateField):
    """Three boxes (day, month, year) posted under one name, read as a date.

    Blank boxes mean 'not given' (the service says the date is needed); anything else that
    is not a real date gets a message next to the field.
    """

    widget = GovDateInput()

    def __init__(self, label: str, name_in_messages: str | None = None, **kwargs: Any) -> None:
        super().__init__(label, format="%d %m %Y", **kwargs)
        self.name_in_messages = name_in_messages or label.lower()

    def _sentence(self) -> str:
        return self.name_in_messages[:1].upper() + self.name_in_messages[1:]

    def process_formdata(self, valuelist: list[str]) -> None:
        # Exactly three boxes, whatever was posted: the widget shows them back as typed.
        parts = [str(p).strip() for p in list(valuelist)[:3]]
        parts += [""] * (3 - len(parts))
        self.raw_data = parts
        self.data = None
        if not any(parts):
            return
        missing = [name for name, part in zip(DATE_PARTS, parts, strict=True) if not part]
        if missing:
            raise ValueError(f"{self._sentence()} must include a {' and '.join(missing)}")
        day, month, year = parts
        if not (re.fullmatch(r"[0-9]{1,2}", day) and re.fullmatch(r"[0-9]{1,2}", month)):
            raise ValueError(f"{self._sentence()} must be a real date, {DATE_EXAMPLE}")
        if not re.fullmatch(r"[0-9]{4}", year):
            raise ValueError(f"Year of the {self.name_in_messages} must include 4 numbers")
        try:
            self.data = date(int(year), int(month), int(day))
        except ValueError as exc:
            raise ValueError(f"{self._sentence()} must be a real date, {DATE_EXAMPLE}") from exc


class TextDateField(DateField):
    """A date typed in one box, like 17/5/2024 (the format of the MoJ date picker; links made
    by the app carry 2024-05-17, which is read too). For filters, where three boxes per date
    would crowd the page; forms that record a date use GovDateField."""

    widget = GovTextInput()

    def __init__(self, label: str, name_in_messages: str, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.name_in_messages = name_in_messages

    def process_formdata(self, valuelist: list[str]) -> None:
        text = str(valuelist[0]).strip() if valuelist else ""
        self.raw_data = [text]
        self.data = None
        if not text:
            return
        try:
            self.data = typed_day(text)
        except ValueError:
            name = self.name_in_messages[:1].upper() + self.name_in_messages[1:]
            raise ValueError(f"{name} must be a real date, like 17/5/2024") from None

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return f"{self.data.day}/{self.data.month}/{self.data.year}" if self.data else ""


class WholeNumberField(IntegerField):
    """A number typed in a text box (GOV.UK advise against type=number)."""

    widget = GovTextInput()

    def __init__(self, label: str, name_in_messages: str, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.name_in_messages = name_in_messages

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        if not valuelist or not str(valuelist[0]).strip():
            return
        text = str(valuelist[0]).strip()
        if not re.fullmatch(r"-?[0-9]{1,9}", text):
            name = self.name_in_messages[:1].upper() + self.name_in_messages[1:]
            raise ValueError(f"{name} must be a whole number, like 45")
        self.data = int(text)


class IdsField(SelectMultipleField):
    """Checkboxes of rows on this review; whose ids they are is checked by the service."""

    widget = GovCheckboxesInput()

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(label, coerce=int, validate_choice=False, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            self.data = [int(value) for value in valuelist]
        except ValueError as exc:
            self.data = []
            raise ValueError(f"Choose {self.label.text.lower()} from the list") from exc


def radio(label: str, choices: tuple[vocab.Choice, ...], **kwargs: Any) -> RadioField:
    return RadioField(
        label,
        choices=select_choices((c.key, c.label) for c in choices),
        widget=GovRadioInput(),
        validate_choice=False,  # the service names the allowed values
        **kwargs,
    )


class CharacterCount(GovCharacterCount):
    """GOV.UK character count for long text: the hint states the limit without JavaScript and
    the count follows typing with it. The limit itself is the service's (validation.LONG_MAX):
    the textarea has no maxlength, so what was typed is kept and the message names the field.
    """

    def __init__(self, maxlength: int = LONG_MAX) -> None:
        super().__init__()
        self.maxlength = maxlength

    def map_gov_params(self, field: Any, **kwargs: Any) -> dict[str, Any]:
        params: dict[str, Any] = super().map_gov_params(field, **kwargs)
        params.setdefault("maxlength", self.maxlength)
        params.setdefault(
            "textareaDescriptionText", f"You can enter up to {self.maxlength:,} characters"
        )
        return params


class SubmitButton(GovSubmitInput):
    """GOV.UK's button, set to ignore a second click within a second (preventDoubleClick): a
    double-click must not send a form twice (two identical entries, two requests)."""

    def map_gov_params(self, field: Any, **kwargs: Any) -> dict[str, Any]:
        params: dict[str, Any] = super().map_gov_params(field, **kwargs)
        params.setdefault("preventDoubleClick", True)
        return params
