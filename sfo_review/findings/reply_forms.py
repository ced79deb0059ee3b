"""The form that answers a participant's reply to a finding: typing only (the rules live in
services.reply_outcomes)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField

from sfo_review import vocab
from sfo_review.fields import CharacterCount, SubmitButton, radio
from sfo_review.services.reply_outcomes import NOT_ACCEPTED_NOTE_MIN

# Each answer reveals its own note box (GOV.UK conditional reveal): one box per answer, so
# what was typed under another answer is never sent with this one.
NOTE_FIELDS = {key: f"note_{key}" for key in vocab.keys(vocab.RESPONSE_OUTCOMES)}
OUTCOME_HINTS = {
    "fact_corrected": "The reply showed that a fact was wrong, and you have corrected the "
    "finding or the chronology.",
    "context_added": "The facts stand, and you have added the context the reply gave.",
    "not_accepted": "The finding stands as written. Say why, so the person who replied "
    "knows it was considered.",
}


class AnswerReplyForm(FlaskForm):
    outcome = radio(
        "How have you answered this reply?",
        vocab.RESPONSE_OUTCOMES,
        description="The person who replied sees your answer beside their reply, and it is "
        "printed in the report. An answer cannot be changed once saved.",
    )
    note_fact_corrected = TextAreaField("What did you correct? (optional)", widget=CharacterCount())
    note_context_added = TextAreaField(
        "What context did you add? (optional)", widget=CharacterCount()
    )
    note_not_accepted = TextAreaField(
        "Why was the reply not accepted?",
        description=f"At least {NOT_ACCEPTED_NOTE_MIN} characters.",
        widget=CharacterCount(),
    )
    submit = SubmitField("Save answer", widget=SubmitButton())

    def service_data(self) -> dict[str, Any]:
        """{"outcome", "note"} for the service: the note typed under the chosen answer."""
        outcome = self.outcome.data or None
        field = NOTE_FIELDS.get(outcome or "")
        note = getattr(self, field).data if field else None
        return {"outcome": outcome, "note": note or None}

    def field_for(self, key: str) -> str:
        """The form field a service message about `key` belongs next to."""
        if key == "note":
            return NOTE_FIELDS.get(self.outcome.data or "", "outcome")
        return key
