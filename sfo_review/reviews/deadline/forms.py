"""Forms for deadline extensions: typing only (the rules live in services.deadline_extensions)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField

from sfo_review import lifecycle, vocab
from sfo_review.fields import CharacterCount, GovDateField, SubmitButton, radio

DECISIONS = (
    vocab.Choice(lifecycle.AGREED, "Agree the new deadline"),
    vocab.Choice(lifecycle.REFUSED, "Refuse the request"),
)


class ExtensionRequestForm(FlaskForm):
    new_due_date = GovDateField(
        "New deadline",
        "new deadline",
        description="A working day after the deadline in force, for example 27 3 2026",
    )
    reason = TextAreaField(
        "Reason for the extension",
        description="Why the review needs more time: for example, waiting for police disclosure "
        "or for a participant who is on sick leave. The reason is kept in the review's history.",
        widget=CharacterCount(),
    )
    submit = SubmitField("Ask for the extension", widget=SubmitButton())


class ExtensionDecisionForm(FlaskForm):
    decision = radio("Your decision", DECISIONS)
    note = TextAreaField(
        "Note on the decision (optional)",
        description="For example, what the reviewer should do before the new deadline, or why "
        "the request is refused. The note is kept with the request.",
        widget=CharacterCount(),
    )
    submit = SubmitField("Save the decision", widget=SubmitButton())


class ExtensionWithdrawForm(FlaskForm):
    """Only the confirmation (and its CSRF token): withdrawing takes nothing typed."""

    submit = SubmitField("Withdraw the request", widget=SubmitButton())
