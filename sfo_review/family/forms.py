"""Forms for the criminal case and the family pages: typing only (the rules live in
services.criminal_case and services.family)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextInput
from wtforms import RadioField, StringField, SubmitField, TextAreaField

from sfo_review import vocab
from sfo_review.fields import CharacterCount, GovDateField, SubmitButton, radio
from sfo_review.forms_support import select_choices, version_field

# The outcomes that need a date: each reveals its own date input (GOV.UK conditional reveal;
# without JavaScript every box shows and only the chosen outcome's is read).
DATED_OUTCOMES = tuple(c.key for c in vocab.CASE_OUTCOMES if c.key != "awaiting")


def date_field_name(outcome: str) -> str:
    return f"date_{outcome}"


class CaseOutcomeForm(FlaskForm):
    version = version_field()
    case_outcome = radio("What is the outcome of the criminal case?", vocab.CASE_OUTCOMES)
    date_convicted_of_sfo = GovDateField(
        "Date of the conviction", "date of the outcome", description="For example, 14 2 2024."
    )
    date_convicted_lesser = GovDateField(
        "Date of the conviction", "date of the outcome", description="For example, 14 2 2024."
    )
    date_acquitted = GovDateField(
        "Date of the acquittal", "date of the outcome", description="For example, 14 2 2024."
    )
    date_discontinued = GovDateField(
        "Date the case was discontinued",
        "date of the outcome",
        description="For example, 14 2 2024.",
    )
    submit = SubmitField("Save the outcome", widget=SubmitButton())

    def chosen_date_field(self) -> str | None:
        outcome = self.case_outcome.data
        return date_field_name(outcome) if outcome in DATED_OUTCOMES else None

    def drop_unchosen_date_errors(self) -> bool:
        """Only the chosen outcome's date is read: what is in the other boxes is ignored.
        True when no error is left."""
        chosen = self.chosen_date_field()
        for outcome in DATED_OUTCOMES:
            name = date_field_name(outcome)
            if name != chosen:
                self[name].errors = []
        return not any(field.errors for field in self)


class ContactForm(FlaskForm):
    occurred_on = GovDateField(
        "Date of the contact", "date of the contact", description="For example, 3 3 2024."
    )
    channel = radio("How was the contact made?", vocab.FAMILY_CONTACT_CHANNELS)
    with_whom = StringField(
        "Who was contacted",
        description="Their relationship to the victim, for example ‘the victim’s mother’. "
        "A name only if the family asked for it to be used.",
        widget=GovTextInput(),
    )
    advocate_offered = RadioField(
        "Was an advocate offered?",
        description="For example a homicide caseworker or an independent victims’ advocate.",
        choices=select_choices((("yes", "Yes"), ("no", "No"))),
        widget=GovRadioInput(),
        validate_choice=False,
    )
    summary = TextAreaField(
        "What was said",
        description="What the family were told and what they said, in plain words.",
        widget=CharacterCount(),
    )
    submit = SubmitField("Save the contact", widget=SubmitButton())


class EditContactForm(ContactForm):
    version = version_field()


class QuestionForm(FlaskForm):
    question = TextAreaField(
        "The family’s question",
        description="In the family’s own words where you can.",
        widget=CharacterCount(),
    )
    asked_on = GovDateField(
        "Date the question was asked",
        "date the question was asked",
        description="For example, 3 3 2024.",
    )
    submit = SubmitField("Add the question", widget=SubmitButton())


class AnswerForm(FlaskForm):
    version = version_field()
    answer = TextAreaField(
        "Answer",
        description="Written for the family: plain words, no abbreviations. It goes in the "
        "summary written for them.",
        widget=CharacterCount(),
    )
    submit = SubmitField("Save the answer", widget=SubmitButton())


class ConfirmDeleteForm(FlaskForm):
    submit = SubmitField("Yes, delete it", widget=SubmitButton())
