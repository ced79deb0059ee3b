"""Forms for moving a review through its lifecycle (the rules live in lifecycle.py)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextArea
from wtforms import HiddenField, RadioField, TextAreaField

from sfo_review import vocab
from sfo_review.fields import CharacterCount, radio
from sfo_review.services import ratings


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


def rating_name(standard: str) -> str:
    return f"rating_{standard}"


def rationale_name(standard: str) -> str:
    return f"rationale_{standard}"


class ApprovalForm(CountersignForm):
    """The countersign form with the ratings approval takes (api-v1.1 C): for each of the
    inspectorate's standards and overall, a rating (`rating_<standard>`) and why
    (`rationale_<standard>`). Typing only: the service says what is missing or too short."""

    def ratings_data(self) -> dict[str, dict[str, Any]]:
        """The ratings as the service takes them ("" means not given)."""
        return {
            standard: {
                "rating": self[rating_name(standard)].data or None,
                "rationale": self[rationale_name(standard)].data or None,
            }
            for standard in ratings.STANDARDS
        }

    def rating_fields(self) -> list[tuple[str, RadioField, TextAreaField]]:
        """(description, radios, textarea) for each standard, in the page's order."""
        return [
            (
                ratings.DESCRIPTIONS[standard],
                self[rating_name(standard)],
                self[rationale_name(standard)],
            )
            for standard in ratings.STANDARDS
        ]


for _standard in ratings.STANDARDS:
    _label = ratings.standard_label(_standard)
    setattr(ApprovalForm, rating_name(_standard), radio(_label, vocab.RATINGS))
    setattr(
        ApprovalForm,
        rationale_name(_standard),
        TextAreaField(
            f"Why this rating for {_label.lower()}",
            description=f"At least {ratings.RATIONALE_MIN} characters. It is printed in the "
            "full report’s sign-off.",
            widget=CharacterCount(),
        ),
    )
