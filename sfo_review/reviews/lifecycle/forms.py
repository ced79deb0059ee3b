"""Forms for moving a review through its lifecycle (the rules live in lifecycle.py)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextArea
from wtforms import HiddenField, TextAreaField


class TransitionForm(FlaskForm):
    """One button per next status; the status asked for travels in a hidden field."""

    to = HiddenField()


class CountersignForm(FlaskForm):
    """Approve (`to=approved`) or return to the reviewer with a reason (`to=in_review`)."""

    to = HiddenField()
    reason = TextAreaField(
        "Reason for returning the review",
        description="Say what the reviewer needs to change before you can countersign. The "
        "reviewer sees this reason, and it is kept in the review's history.",
        widget=GovTextArea(),
    )
