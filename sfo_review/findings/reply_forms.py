"""The form that answers a participant's reply to a finding: typing only (the rules live in
services.reply_outcomes)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField

from sfo_review import vocab
from sfo_review.fields import CharacterCount, SubmitButton, radio
from sfo_review.services.reply_outcomes import NOT_ACCEPTED_NOTE_MIN

OUTCOME_HINTS = {
    "fact_corrected": "The reply showed that a fact was wrong, and you have corrected the "
    "finding or the chronology.",
    "context_added": "The facts stand, and you have added the context the reply gave.",
    "not_accepted": "The finding stands as written. Say why in the note, so the person who "
    "replied knows it was considered.",
}


class AnswerReplyForm(FlaskForm):
    outcome = radio(
        "How have you answered this reply?",
        vocab.RESPONSE_OUTCOMES,
        description="The person who replied sees your answer beside their reply, and it is "
        "printed in the report. An answer cannot be changed once saved.",
    )
    # One note box below the answers, not a conditional reveal under each: GOV.UK Frontend's
    # reveal sets aria-expanded on the radio inputs, which axe reports as a critical problem
    # (tests/browser/test_accessibility.py).
    note = TextAreaField(
        "Note",
        description=f"Needed if you did not accept the reply: at least {NOT_ACCEPTED_NOTE_MIN} "
        "characters saying why. Optional otherwise, for example what you corrected or added.",
        widget=CharacterCount(),
    )
    submit = SubmitField("Save answer", widget=SubmitButton())
