"""Forms for the criminal case and the family pages: typing only (the rules live in
services.criminal_case and services.family)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextInput
from wtforms import RadioField, StringField, SubmitField, TextAreaField

from sfo_review import vocab
from sfo_review.fields import CharacterCount, GovDateField, SubmitButton, radio
from sfo_review.forms_support import select_choices, version_field


class CaseOutcomeForm(FlaskForm):
    version = version_field()
    case_outcome = radio("What is the outcome of the criminal case?", vocab.CASE_OUTCOMES)
    # One date below the answers, not a conditional reveal under each: GOV.UK Frontend's
    # reveal sets aria-expanded on the radio inputs, which axe reports as a critical problem
    # (tests/browser/test_accessibility.py; findings/reply_forms.py does the same).
    case_outcome_date = GovDateField(
        "Date of the outcome",
        "date of the outcome",
        description="The day of the verdict, the sentence or the decision to discontinue, for "
        "example 14 2 2024. Leave it empty while awaiting the outcome.",
    )
    submit = SubmitField("Save the outcome", widget=SubmitButton())


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


class FamilySummaryForm(FlaskForm):
    version = version_field()
    family_summary = TextAreaField(
        "Summary for the family",
        description="Plain English for the victim’s family: the apology first, no "
        "abbreviations, no staff names, no one’s caseload or workload figures.",
        widget=CharacterCount(),
    )
    family_summary_exceptions = TextAreaField(
        "Why the remaining items stay (optional)",
        description="Only if an item the check lists must stay, for example a term the family "
        "used themselves. Say why for each one.",
        widget=CharacterCount(),
    )
    submit = SubmitField("Save the summary", widget=SubmitButton())


class DraftForm(FlaskForm):
    submit = SubmitField("Start from a draft", widget=SubmitButton())
