"""Forms for findings and replies: typing only (the rules live in services.findings)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovTextInput,
)
from wtforms import HiddenField, SelectMultipleField, StringField, SubmitField, TextAreaField

from sfo_review import lifecycle, vocab
from sfo_review.fields import CharacterCount, IdsField, SubmitButton, radio
from sfo_review.forms_support import select_choices, version_field
from sfo_review.models import (
    CaseloadContext,
    ChronologyEntry,
    Participant,
    Review,
    Statement,
    SystemicFactor,
)

FIRST_WORDS = 12


def first_words(text: str, count: int = FIRST_WORDS) -> str:
    words = text.split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


def chronology_label(entry: ChronologyEntry) -> str:
    return f"{entry.occurred_on.day} {entry.occurred_on:%B %Y} · {entry.source} · " + first_words(
        entry.summary
    )


def factor_label(factor: SystemicFactor) -> str:
    category = vocab.CATEGORY_BY_KEY.get(factor.category)
    name = category.label if category else factor.category
    level = vocab.label(vocab.FACTOR_LEVELS, factor.level).lower()
    return f"{name} ({level}) · {first_words(factor.description)}"


def caseload_label(context: CaseloadContext) -> str:
    start, end = context.period_start, context.period_end
    return (
        f"{context.participant.user.name} · {start.day} {start:%b %Y} to {end.day} {end:%b %Y} · "
        f"{context.caseload_count} cases, {context.workload_percent}% workload (WMT)"
    )


def participant_label(participant: Participant) -> str:
    role = vocab.label(vocab.PARTICIPANT_ROLES, participant.role_in_case)
    return f"{participant.user.name} ({role.lower()})"


def statement_label(statement: Statement) -> str:
    if statement.include_in_report == "summary":
        return f"{statement.author.name}, shown as your summary · " + first_words(
            statement.summary or ""
        )
    return f"{statement.author.name}, shown in full · {first_words(statement.body)}"


class FindingForm(FlaskForm):
    title = StringField(
        "Title",
        description="A short statement of what was found, for example ‘Risk not reassessed "
        "after the arrest’.",
        widget=GovTextInput(),
    )
    practice_area = radio(
        "Practice area",
        vocab.PRACTICE_AREAS,
        description="The area of practice the finding is about.",
    )
    judgement = radio(
        "Judgement",
        vocab.JUDGEMENTS,
        description="Was the practice sufficient, insufficient, or good practice to share?",
    )
    narrative = TextAreaField(
        "Narrative",
        description="What happened, what the evidence shows, and what should have happened.",
        widget=CharacterCount(),
    )
    attribution = SelectMultipleField(
        "Who or what the finding is attributed to",
        description="Select every level that applies. A finding attributed to an individual "
        "must show the conditions they worked in (see ‘Context’ below).",
        choices=select_choices((c.key, c.label) for c in vocab.ATTRIBUTIONS),
        widget=GovCheckboxesInput(),
        validate_choice=False,
    )
    subject_participant_ids = IdsField(
        "Who is this finding about?",
        description="Select the people whose practice the finding is about. A finding of "
        "insufficient practice attributed to an individual must name them; they can read "
        "what it says about them and reply.",
    )
    statement_ids = IdsField(
        "Statements to show with this finding",
        description="The submitted statements whose words appear under the finding, on its "
        "page and in the report (in full, or as your summary where you chose one). Each "
        "officer sees only their own. Not for a finding referred to another process.",
    )
    chronology_ids = IdsField(
        "Chronology entries",
        description="The events in the chronology this finding is based on.",
    )
    systemic_factor_ids = IdsField(
        "Systemic factors",
        description="The wider conditions that contributed to what was found.",
    )
    caseload_context_ids = IdsField(
        "Caseload contexts",
        description="The working conditions of the people involved at the time.",
    )
    context_note = TextAreaField(
        "Context note (optional)",
        description="If the finding is attributed to an individual and you have not linked a "
        "systemic factor or caseload context, explain in at least "
        f"{lifecycle.BALANCE_NOTE_MIN} characters why no wider factor applied (would a "
        "colleague in the same conditions have done the same?). The review cannot go to "
        "quality assurance otherwise.",
        widget=CharacterCount(),
    )
    submit = SubmitField("Save finding", widget=SubmitButton())

    def fill_choices(self, review: Review) -> None:
        """The checkboxes offer this review's own evidence, with enough text to choose."""
        self.subject_participant_ids.choices = select_choices(
            (str(p.id), participant_label(p)) for p in review.participants
        )
        self.statement_ids.choices = select_choices(
            (str(s.id), statement_label(s)) for s in review.statements if lifecycle.is_submitted(s)
        )
        self.chronology_ids.choices = select_choices(
            (str(e.id), chronology_label(e)) for e in review.chronology
        )
        self.systemic_factor_ids.choices = select_choices(
            (str(f.id), factor_label(f)) for f in review.systemic_factors
        )
        self.caseload_context_ids.choices = select_choices(
            (str(c.id), caseload_label(c)) for c in review.caseload_contexts
        )


class EditFindingForm(FindingForm):
    version = version_field()


class ResponseForm(FlaskForm):
    body = TextAreaField(
        "Your reply",
        description="Say what is factually wrong or missing, and what you would add. Your reply "
        "appears under the finding, in the review and in the report.",
        widget=CharacterCount(),
    )
    submit = SubmitField("Add your reply", widget=SubmitButton())
    # Set by the check page: the reply was read back and is added for good.
    confirmed = HiddenField()
    change = SubmitField("Change your reply", widget=SubmitButton())


class ConfirmForm(FlaskForm):
    submit = SubmitField("Yes, delete this finding", widget=SubmitButton())


class NothingToAddForm(FlaskForm):
    submit = SubmitField("I have nothing to add", widget=SubmitButton())
