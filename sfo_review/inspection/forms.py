"""The inspection sample's form: a GET form (no CSRF: it changes nothing but the audit
trail, like the dashboard's downloads), typing only; the rules are the service's."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import StringField, SubmitField

from sfo_review.dashboard.forms import PeriodForm
from sfo_review.fields import SubmitButton


class SampleForm(PeriodForm):
    """The period (from the dashboard's filters), the percentage and the seed."""

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
