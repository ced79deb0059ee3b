"""The review list's filter form: a GET form (no CSRF: it changes nothing), typing only.

The rules (which values exist, date order, search text) are services.review_list's; this
form only turns the query string into typed values and offers the choices.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSelect, GovTextInput
from markupsafe import Markup
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.validators import ValidationError

from sfo_review import vocab
from sfo_review.fields import TextDateField
from sfo_review.forms_support import select_choices
from sfo_review.rendered_once import rendered_once
from sfo_review.services import review_list

FILTER_FIELDS = tuple(review_list.FILTER_RULES)


class RenderedOnce:
    """A GOV.UK widget whose HTML is kept once rendered (sfo_review.rendered_once): it
    depends only on its params, and the filter is drawn on every list page with the same
    few options."""

    template: str

    def render(self, params: dict[str, Any]) -> Markup:
        parent: Any = super()
        return rendered_once(self.template, parent.render, params)


class _Checkboxes(RenderedOnce, GovCheckboxesInput):
    pass


class _Select(RenderedOnce, GovSelect):
    pass


class _Text(RenderedOnce, GovTextInput):
    pass


def _checkboxes(label: str, choices: tuple[vocab.Choice, ...]) -> SelectMultipleField:
    return SelectMultipleField(
        label,
        choices=select_choices((c.key, c.label) for c in choices),
        widget=_Checkboxes(),
        validate_choice=False,  # the service names the values it knows
    )


class ChoiceFromList(SelectField):
    """A select of values found in the data (regions, PDUs): anything else is refused here,
    since the list offers only what exists."""

    widget = _Select()

    def __init__(self, label: str, any_label: str, name_in_messages: str, **kw: Any) -> None:
        super().__init__(label, validate_choice=False, **kw)
        self.any_label = any_label
        self.name_in_messages = name_in_messages
        self.known: set[str] = set()

    def offer(self, values: list[str]) -> None:
        self.known = set(values)
        self.choices = select_choices([("", self.any_label), *((v, v) for v in values)])

    def pre_validate(self, form: Any) -> None:
        if self.data and self.data not in self.known:
            raise ValidationError(f"Select a {self.name_in_messages} from the list")  # noqa: S608


class ReviewFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a search changes nothing

    q = StringField(
        "Reference, CRN or initials",
        description="For example SFO-2025-0012, X123456 or JM",
        widget=_Text(),
    )
    status = _checkboxes("Status", vocab.STATUSES)
    deadline = _checkboxes("Deadline", review_list.DEADLINE_FILTERS)
    offence_category = SelectField(
        "Offence category",
        choices=select_choices(
            [("", "Any offence category"), *((c.key, c.label) for c in vocab.OFFENCE_CATEGORIES)]
        ),
        widget=_Select(),
        validate_choice=False,
    )
    region = ChoiceFromList("Region", "Any region", "region")
    pdu = ChoiceFromList("Probation delivery unit (PDU)", "Any PDU", "PDU")
    notified_from = TextDateField(
        "Notified from", "notified from date", description="For example, 1/4/2025", widget=_Text()
    )
    notified_to = TextDateField(
        "Notified to", "notified to date", description="For example, 31/3/2026", widget=_Text()
    )
    sort = HiddenField()
    order = HiddenField()

    def offer(self, options: dict[str, list[str]], deadlines: tuple[vocab.Choice, ...]) -> None:
        self.region.offer(options["region"])
        self.pdu.offer(options["pdu"])
        self.deadline.choices = select_choices((c.key, c.label) for c in deadlines)

    def values(self) -> dict[str, Any]:
        """The typed values for review_list.parse_filters ("" means not given)."""
        data: dict[str, Any] = {}
        for name in FILTER_FIELDS:
            value = self[name].data
            if value not in ("", None, []):
                data[name] = value
        return data
