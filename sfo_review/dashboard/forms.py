"""The dashboard's filters: GET forms (no CSRF: they change nothing), typing only.

Dates are GOV.UK three-box dates, or one YYYY-MM-DD value as the API takes (so links can be
short). Region, PDU, level and owner are chosen from what exists; anything else is named
as an error next to its field, never silently ignored.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from markupsafe import Markup, escape
from wtforms import SelectField, SubmitField
from wtforms.validators import ValidationError

from sfo_review import vocab
from sfo_review.fields import DATE_EXAMPLE, GovDateField, SubmitButton
from sfo_review.forms_support import select_choices
from sfo_review.services.figures.actions import STATES

ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class FilterDateField(GovDateField):
    def process_formdata(self, valuelist: list[str]) -> None:
        if len(valuelist) == 1 and ISO.fullmatch(str(valuelist[0]).strip()):
            text = str(valuelist[0]).strip()
            self.raw_data = [str(int(text[8:])), str(int(text[5:7])), text[:4]]
            try:
                self.data = date.fromisoformat(text)
            except ValueError as exc:
                self.data = None
                raise ValueError(f"{self._sentence()} must be a real date, {DATE_EXAMPLE}") from exc
            return
        super().process_formdata(valuelist)


def _known(message: str) -> Any:
    def check(form: FlaskForm, field: SelectField) -> None:
        allowed = {str(c[0]) for c in field.iter_choices()}
        if field.data and field.data not in allowed:
            raise ValidationError(message)

    return check


def options_html(field: SelectField) -> Markup:
    """The <option>s of a select, escaped, built at once: a national PDU list has about a
    hundred, which the GOV.UK macro renders one by one several times slower."""
    chosen = field.data or ""
    return Markup(  # noqa: S704 - every value and label is escaped here
        "".join(
            f'<option value="{escape(value)}"{" selected" if str(value) == chosen else ""}>'
            f"{escape(label)}</option>"
            for value, label, *_ in field.iter_choices()
        )
    )


class PeriodForm(FlaskForm):
    """Reviews notified between two dates (the dashboard's filters, the inspection sample)."""

    class Meta:
        csrf = False

    # Named as the API's parameters, so a dashboard address and an API call read alike.
    start = FilterDateField(
        "Start date",
        name="from",
        name_in_messages="start date",
        description="Notified on or after, for example 1 4 2025",
    )
    end = FilterDateField(
        "End date",
        name="to",
        name_in_messages="end date",
        description="Notified on or before, for example 31 3 2026",
    )


class ScopeForm(PeriodForm):
    """Which reviews count: notified between two dates, in a region, in a PDU."""

    region = SelectField(
        "Region",
        widget=GovSelect(),
        validate_choice=False,
        validators=[_known("Select a region from the list")],
    )
    pdu = SelectField(
        "Probation delivery unit (PDU)",
        widget=GovSelect(),
        validate_choice=False,
        validators=[_known("Select a PDU from the list")],
    )
    submit = SubmitField("Apply filters", widget=SubmitButton())

    def fill_choices(self, areas: list[tuple[str, str]]) -> None:
        """`areas`: the (region, PDU) pairs the reviews have."""
        regions = sorted({r for r, _ in areas})
        self.region.choices = select_choices([("", "All regions"), *((r, r) for r in regions)])
        # Within a region only its PDUs are offered (another region's is then an error).
        chosen = self.region.data if self.region.data in regions else None
        pdus = sorted({(p, r) for r, p in areas if chosen in (None, r)})
        self.pdu.choices = select_choices(
            [("", "All PDUs"), *((p, p if chosen else f"{p} ({r})") for p, r in pdus)]
        )

    def service_data(self) -> dict[str, Any]:
        """The filters for the service; a filter with an error on the form is left out."""
        values = {
            "from": self.start.data,
            "to": self.end.data,
            "region": self.region.data or None,
            "pdu": self.pdu.data or None,
        }
        fields = {"from": self.start, "to": self.end, "region": self.region, "pdu": self.pdu}
        return {k: None if fields[k].errors else v for k, v in values.items()}


STATE_LABELS = {"open": "Not done", "overdue": "Overdue", "done": "Done"}


class ActionFilterForm(ScopeForm):
    state = SelectField(
        "Status",
        choices=select_choices([("", "All"), *((s, STATE_LABELS[s]) for s in STATES)]),
        widget=GovSelect(),
        validate_choice=False,
        validators=[_known("Select a status from the list")],
    )
    level = SelectField(
        "Level",
        choices=select_choices(
            [("", "All levels"), *((c.key, c.label) for c in vocab.ACTION_LEVELS)]
        ),
        widget=GovSelect(),
        validate_choice=False,
        validators=[_known("Select a level from the list")],
    )
    owner = SelectField(
        "Owner",
        widget=GovSelect(),
        validate_choice=False,
        validators=[_known("Select an owner from the list")],
    )

    def fill_owners(self, owners: list[str]) -> None:
        self.owner.choices = select_choices([("", "All owners"), *((o, o) for o in owners)])
