"""The inspection sample's form: a GET form (no CSRF: it changes nothing but the audit
trail, like the dashboard's downloads), typing only; the rules are the service's."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import StringField, SubmitField

from sfo_review.dashboard.forms import FilterDateField
from sfo_review.fields import SubmitButton


class SampleForm(FlaskForm):
    class Meta:
        csrf = False

    # Named as the API's parameters, so a page address and an API call read alike.
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
    percent = StringField(
        "Percentage of the approved and closed reviews",
        widget=GovTextInput(),
        description="A whole number from 1 to 100. At least one review is drawn from each "
        "region that has any.",
    )
    seed = StringField(
        "Seed",
        widget=GovTextInput(),
        description="A whole number from 0 to 999999999. The same period, percentage and "
        "seed always draw the same reviews: keep it to show how the sample was drawn.",
    )
    submit = SubmitField("Draw the sample", widget=SubmitButton())

    def service_data(self) -> dict[str, Any]:
        """The parameters for the service; a date with an error on the form is left out."""
        return {
            "from": None if self.start.errors else self.start.data,
            "to": None if self.end.errors else self.end.data,
            "percent": self.percent.data,
            "seed": self.seed.data,
        }
