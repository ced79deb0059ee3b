"""Forms for the action plan: typing only (the rules and edit windows live in services.actions)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovSelect,
    GovTextInput,
)
from wtforms import SelectField, StringField, SubmitField, TextAreaField

from sfo_review import vocab
from sfo_review.fields import CharacterCount, GovDateField, IdsField, SubmitButton, radio
from sfo_review.forms_support import select_choices, version_field
from sfo_review.models import Review
from sfo_review.services import actions as action_service


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
    owner_email = SelectField(
        "Owner's account",
        description="The leadership user who owns it: they are told, and reminded.",
        widget=GovSelect(),
        validate_choice=False,  # the service names an owner who may not own actions
    )
    level = radio(
        "Level",
        vocab.ACTION_LEVELS,
        description="Where the change has to be made.",
    )
    due_date = GovDateField("Due date", description="For example, 27 3 2026")
    review_date = GovDateField(
        "Review date",
        description="When to look at whether it worked: on or after the due date.",
    )
    success_measure = TextAreaField(
        "Success measure",
        description="How we will know it worked.",
        widget=CharacterCount(),
    )
    finding_ids = IdsField(
        "Findings this action responds to",
        description="Select every finding whose learning this action acts on.",
    )
    systemic_factor_ids = IdsField(
        "Systemic factors this action addresses",
        description="Select every factor it addresses (none only when it responds to findings).",
    )
    submit = SubmitField("Save action", widget=SubmitButton())

    def fill_choices(self, review: Review) -> None:
        self.finding_ids.choices = select_choices((str(f.id), f.title) for f in review.findings)
        self.systemic_factor_ids.choices = select_choices(
            (str(f.id), f.description) for f in review.systemic_factors
        )
        self.owner_email.choices = select_choices(
            [("", "Choose the owner")]
            + [(u.email, f"{u.name} ({u.email})") for u in action_service.owner_choices()]
        )


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
