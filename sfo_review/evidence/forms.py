"""Forms for the evidence pages: typing only (the rules live in services.evidence)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice

from sfo_review import vocab
from sfo_review.fields import CharacterCount, GovDateField, SubmitButton, WholeNumberField, radio
from sfo_review.forms_support import select_choices, version_field
from sfo_review.models import Review
from sfo_review.services.caseload_accounts import DISPUTABLE_FIELDS


class ChronologyForm(FlaskForm):
    occurred_on = GovDateField(
        "Date of the event", "date of the event", description="For example, 2 5 2023."
    )
    source = StringField(
        "Source",
        description="Where this comes from, for example ‘nDelius contact log’ or ‘Police "
        "intelligence’.",
        widget=GovTextInput(),
    )
    summary = TextAreaField(
        "What happened",
        description="The facts as recorded. Keep analysis for the findings.",
        widget=CharacterCount(),
    )
    significant = BooleanField(
        "This is a significant event",
        description="Significant events are marked in the chronology and can be shown on "
        "their own.",
        widget=GovCheckboxInput(),
    )
    known_at_the_time = radio(
        "Was this known to the practitioner at the time?",
        vocab.KNOWN_AT_THE_TIME,
        description="or was it found afterwards, for example during this review?",
    )
    submit = SubmitField("Save entry", widget=SubmitButton())
    # On the new-entry page only: save, then the form again, empty (entries come in runs).
    add_another = SubmitField("Save and add another", widget=SubmitButton())


class EditChronologyForm(ChronologyForm):
    version = version_field()


class ParticipantChoiceField(RadioField):
    """The participant whose conditions these are (whose review they belong to: the service)."""

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(label, widget=GovRadioInput(), coerce=int, validate_choice=False, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        if not valuelist or not str(valuelist[0]).strip():
            return
        try:
            self.data = int(valuelist[0])
        except ValueError as exc:
            raise ValueError("Select a participant of this review") from exc


class CaseloadForm(FlaskForm):
    participant_id = ParticipantChoiceField("Whose working conditions are these?")
    period_start = GovDateField(
        "Start of the period",
        "start of the period",
        description="Usually the start of the period under review, for example 1 1 2023.",
    )
    period_end = GovDateField(
        "End of the period",
        "end of the period",
        description="Usually the date of the offence or the charge.",
    )
    caseload_count = WholeNumberField(
        "Number of cases",
        "number of cases",
        # The hint with the configured reference point is in templates/evidence/caseload_form.
        description="Cases held on average in the period.",
    )
    high_risk_count = WholeNumberField(
        "Number of high-risk cases",
        "number of high-risk cases",
        description="Cases assessed as high or very high risk of serious harm.",
    )
    workload_percent = WholeNumberField(
        "Workload measurement tool (WMT) percentage",
        "workload measurement tool percentage",
        description="The percentage the workload measurement tool showed in the period.",
    )
    grade = radio("Grade", vocab.GRADES)
    months_in_role = WholeNumberField(
        "Months in role", "months in role", description="How long they had held this grade."
    )
    team_vacancy_percent = WholeNumberField(
        "Team vacancy rate (%)",
        "team vacancy rate",
        description="The share of the team's posts that were vacant in the period.",
    )
    officer_changes_on_case = WholeNumberField(
        "Changes of officer on this case",
        "number of changes of officer on this case",
        description="How many times the case changed officer before the offence.",
    )
    management_oversight_sessions = WholeNumberField(
        "Management supervision sessions received",
        "number of management supervision sessions",
        description="Supervision sessions with their manager in the period.",
    )
    notes = TextAreaField(
        "Notes (optional)",
        description="Anything else about their conditions: covering for colleagues, sickness "
        "in the team, a trainee caseload, office moves.",
        widget=CharacterCount(),
    )
    submit = SubmitField("Save caseload context", widget=SubmitButton())

    def fill_choices(self, review: Review) -> None:
        self.participant_id.choices = [
            SelectChoice(
                p.id, f"{p.user.name} ({vocab.label(vocab.PARTICIPANT_ROLES, p.role_in_case)})"
            )
            for p in review.participants
        ]


class EditCaseloadForm(CaseloadForm):
    version = version_field()


class FactorForm(FlaskForm):
    category = radio(
        "Category",
        tuple(vocab.Choice(c.key, c.label) for c in vocab.SYSTEMIC_FACTOR_CATEGORIES),
        description="The part of the system this factor belongs to.",
    )
    level = radio(
        "Level",
        vocab.FACTOR_LEVELS,
        description="Where it sits: the team, the probation region or service "
        "(organisational), other agencies (partnership), or HMPPS and national policy.",
    )
    description = TextAreaField(
        "Description",
        description="What the condition was and how it bore on this case.",
        widget=CharacterCount(),
    )
    evidence = TextAreaField(
        "Evidence (optional)",
        description="Where this is shown, for example a staffing return or interviews.",
        widget=CharacterCount(),
    )
    submit = SubmitField("Save systemic factor", widget=SubmitButton())

    def category_params(self) -> dict[str, Any]:
        """Radios whose hints are the taxonomy's definitions."""
        return {
            "fieldset": {"legend": {"text": "Category", "classes": "govuk-fieldset__legend--s"}},
            "items": [
                {"hint": {"text": c.definition[:1].upper() + c.definition[1:]}}
                for c in vocab.SYSTEMIC_FACTOR_CATEGORIES
            ],
        }


class EditFactorForm(FactorForm):
    version = version_field()


class DeleteForm(FlaskForm):
    submit = SubmitField("Yes, delete it", widget=SubmitButton())


class CaseloadAccountForm(FlaskForm):
    """The subject's account of their recorded working conditions (never edited afterwards)."""

    body = TextAreaField(
        "Your account",
        description="Say in your own words what the figures leave out or get wrong. Once "
        "added, your account cannot be changed or deleted; the reviewer, quality assurance and "
        "leadership read it beside the figures, and the full report prints it.",
        widget=CharacterCount(),
    )
    disputed_fields = SelectMultipleField(
        "Which figures do you dispute?",
        description="Select every figure you think is wrong. Leave them all unticked if you "
        "are adding context rather than disputing a figure.",
        choices=select_choices(DISPUTABLE_FIELDS),
        widget=GovCheckboxesInput(),
        validate_choice=False,  # the service names the context's own fields
    )
    submit = SubmitField("Add your account", widget=SubmitButton())

    def __init__(self, context_id: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # One form per caseload context on the page: the inputs keep their names (and the
        # CSRF token its own), their ids name the context so that each is unique.
        for field in (self.body, self.disputed_fields):
            field.id = f"c{context_id}-{field.name}"
