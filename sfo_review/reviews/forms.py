"""Forms for the review pages: typing only (the rules live in services.reviews).

Also the typed fields the evidence forms share: a GOV.UK three-box date and a whole number,
each with a message that names the field when what was typed is not a date or a number.
"""

from __future__ import annotations

from typing import TypeVar

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovSelect,
    GovTextInput,
)
from wtforms import (
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)

from sfo_review import vocab
from sfo_review.area_fields import PduSelect, RegionSelect
from sfo_review.fields import CharacterCount, GovDateField, SubmitButton, radio
from sfo_review.forms_support import select_choices, version_field
from sfo_review.models import User

T = TypeVar("T")
DATE_PARTS = ("day", "month", "year")
DATE_EXAMPLE = "like 26 6 2023"


class ReviewForm(FlaskForm):
    """The SFO notification."""

    case_reference = StringField(
        "Case reference number (CRN)",
        description="One letter followed by 6 digits, for example X123456.",
        widget=GovTextInput(),
    )
    person_initials = StringField(
        "Initials of the person on probation",
        description="Up to 4 letters. Do not enter their name.",
        widget=GovTextInput(),
    )
    offence_charged = StringField(
        "Offence charged",
        description="As on the charge sheet, for example ‘Murder’.",
        widget=GovTextInput(),
    )
    offence_category = radio("Offence category", vocab.OFFENCE_CATEGORIES)
    charge_date = GovDateField("Charge date", "charge date", description="For example, 26 6 2023.")
    notification_date = GovDateField(
        "Notification date",
        "notification date",
        description="The day the SFO notification was made. The due date is counted in working "
        "days from it.",
    )
    region = RegionSelect("Probation region", "Choose a region")
    pdu = PduSelect(
        "Probation delivery unit (PDU)",
        "Choose a PDU",
        description="A PDU of the region chosen above.",
    )
    sentence_type = radio("Sentence type", vocab.SENTENCE_TYPES)
    rosh_level = radio(
        "Risk of serious harm (RoSH) level",
        vocab.ROSH_LEVELS,
        description="As assessed at the time of the offence.",
    )
    submit = SubmitField("Record notification", widget=SubmitButton())


class EditDetailsForm(ReviewForm):
    version = version_field()
    submit = SubmitField("Save details", widget=SubmitButton())


class ParticipantForm(FlaskForm):
    email = StringField(
        "Email address of the officer",
        description="They must have an account with the officer role.",
        widget=GovTextInput(),
    )
    role_in_case = radio("Role in the case", vocab.PARTICIPANT_ROLES)
    submit = SubmitField("Add participant", widget=SubmitButton())


class ConfirmForm(FlaskForm):
    """A POST button (CSRF-protected) for removals and deletions."""

    submit = SubmitField("Remove", widget=SubmitButton())


class JudgementForm(FlaskForm):
    version = version_field()
    overall_judgement = TextAreaField(
        "Overall judgement",
        description="Were all reasonable steps taken to manage the risk of serious harm the "
        "person posed, and why? Weigh the practice against the conditions the people involved "
        "worked in.",
        widget=CharacterCount(),
    )
    countersigner_email = SelectField(
        "Countersigner",
        description="A quality assurer who will countersign the review. They can see it from "
        "now on.",
        widget=GovSelect(),
        validate_choice=False,  # the service checks the person is an active quality assurer
    )
    submit = SubmitField("Save", widget=SubmitButton())

    def fill_choices(self, assurers: list[User], current: User | None) -> None:
        pairs = [("", "Not named yet")]
        pairs += [(u.email, f"{u.name} ({u.email})") for u in assurers]
        if current is not None and current.email not in {u.email for u in assurers}:
            pairs.append((current.email, f"{current.name} ({current.email}) – not available"))
        self.countersigner_email.choices = select_choices(pairs)
