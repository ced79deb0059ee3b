"""Forms for the action plan: typing only (the rules and who may do what live in
services.actions)."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired

from sfo_review import vocab
from sfo_review.fields import CharacterCount, GovDateField, IdsField, SubmitButton, radio
from sfo_review.forms_support import select_choices, version_field
from sfo_review.lifecycle import DONE, IN_PROGRESS, VERIFIED
from sfo_review.models import Review, SystemicFactor, User

NO_OWNER = ("", "Choose the owner")


def factor_label(factor: SystemicFactor) -> str:
    """A factor as the checkboxes name it: its category and its level."""
    category = vocab.CATEGORY_BY_KEY.get(factor.category)
    name = category.label if category else factor.category
    return f"{name} – {vocab.label(vocab.FACTOR_LEVELS, factor.level).lower()} level"


class ActionForm(FlaskForm):
    description = TextAreaField(
        "Description of the action",
        description="What will change, so the learning is acted on.",
        widget=CharacterCount(),
    )
    success_measure = TextAreaField(
        "How will we know it worked?",
        description="The success measure: what will be different, and how it will be checked.",
        widget=CharacterCount(),
    )
    systemic_factor_ids = IdsField(
        "Systemic factors this action addresses",
        description="Select every factor it acts on. An action needs a factor or a finding.",
    )
    finding_ids = IdsField(
        "Findings this action responds to",
        description="Select every finding whose learning this action acts on.",
    )
    level = radio(
        "Level",
        vocab.ACTION_LEVELS,
        description="Where the change has to be made.",
    )
    owner = StringField(
        "Owner’s title",
        description="The role responsible, for example ‘Head of PDU’.",
        widget=GovTextInput(),
    )
    owner_email = SelectField(
        "Owner",
        description="The leadership colleague who answers for it. They are told when it is "
        "assigned, before it is due and if it is overdue.",
        widget=GovSelect(),
        validate_choice=False,  # the service says who may own an action
    )
    due_date = GovDateField("Due date", description="For example, 27 3 2026")
    review_date = GovDateField(
        "Review date",
        description="When to look again to see whether it worked: on or after the due date.",
    )
    submit = SubmitField("Save action", widget=SubmitButton())

    def fill_choices(self, review: Review, owners: Iterable[User]) -> None:
        self.finding_ids.choices = select_choices((str(f.id), f.title) for f in review.findings)
        self.systemic_factor_ids.choices = select_choices(
            (str(f.id), factor_label(f)) for f in review.systemic_factors
        )
        self.owner_email.choices = select_choices(
            [NO_OWNER, *((u.email, f"{u.name} ({u.email})") for u in owners)]
        )


class EditActionForm(ActionForm):
    version = version_field()


PROGRESS_CHOICES = (
    vocab.Choice(IN_PROGRESS, "In progress"),
    vocab.Choice(DONE, "Done: it has been carried out"),
)


class ProgressForm(FlaskForm):
    status = radio(
        "Where is this action now?",
        PROGRESS_CHOICES,
        validators=[InputRequired("Select whether the action is in progress or done")],
    )
    completion_note = TextAreaField(
        "What was done (the evidence)",
        description="Someone else checks it against the success measure before it counts.",
        widget=CharacterCount(),
    )
    version = version_field()
    submit = SubmitField("Save progress", widget=SubmitButton())


SEND_BACK = IN_PROGRESS  # a verifier sends an action back to in progress (api-v1.1 B)
VERIFY_CHOICES = (
    vocab.Choice(VERIFIED, "Verify: it was done and it worked"),
    vocab.Choice(SEND_BACK, "Send it back to the owner"),
)


class VerifyForm(FlaskForm):
    status = radio(
        "Your decision",
        VERIFY_CHOICES,
        validators=[InputRequired("Select whether you verify the action or send it back")],
    )
    verification_note = TextAreaField(
        "Verification note",
        description="What you checked, and how it meets the success measure.",
        widget=CharacterCount(),
    )
    reason = TextAreaField(
        "Why it goes back",
        description="The owner sees this reason beside the action.",
        widget=CharacterCount(),
    )
    version = version_field()
    submit = SubmitField("Save decision", widget=SubmitButton())
