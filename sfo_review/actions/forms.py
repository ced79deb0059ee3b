"""Forms for the action plan: typing only (the rules and edit windows live in services.actions)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovTextInput,
)
from wtforms import StringField, SubmitField, TextAreaField

from sfo_review import vocab
from sfo_review.fields import CharacterCount, GovDateField, IdsField, SubmitButton, radio
from sfo_review.forms_support import select_choices, version_field
from sfo_review.models import Review


class ActionForm(FlaskForm):
    description = TextAreaField(
        "Description of the action",
        description="What will change, so the learning is acted on.",
        widget=CharacterCount(),
    )
    owner = StringField(
        "Owner",
        description="The role responsible, for example ‘Head of PDU’.",
        widget=GovTextInput(),
    )
    level = radio(
        "Level",
        vocab.ACTION_LEVELS,
        description="Where the change has to be made.",
    )
    due_date = GovDateField("Due date", description="For example, 27 3 2026")
    finding_ids = IdsField(
        "Findings this action responds to",
        description="Select every finding whose learning this action acts on.",
    )
    submit = SubmitField("Save action", widget=SubmitButton())

    def fill_choices(self, review: Review) -> None:
        self.finding_ids.choices = select_choices((str(f.id), f.title) for f in review.findings)


class EditActionForm(ActionForm):
    status = radio(
        "Status",
        vocab.ACTION_STATUSES,
        description="An action is done once what it describes has changed.",
    )
    completion_note = TextAreaField(
        "Completion note",
        description="What was done. Needed when the action is done.",
        widget=CharacterCount(),
    )
    version = version_field()
