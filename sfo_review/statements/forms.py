"""Forms for contextual statements: typing only (the rules live in services.statements)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextArea
from wtforms import RadioField, SubmitField, TextAreaField

from sfo_review import vocab
from sfo_review.fields import CharacterCount, SubmitButton
from sfo_review.forms_support import select_choices, version_field


class StatementForm(FlaskForm):
    body = TextAreaField(
        "Your statement",
        description="Write in your own words. Only you can see your draft until you submit "
        "it. Once submitted, the reviewer, quality assurance and leadership can read it; the "
        "other officers involved never see it.",
        widget=CharacterCount(),
    )
    # Empty for a first draft; the version of the saved draft afterwards.
    version = version_field(optional=True)
    submit = SubmitField("Save draft", widget=SubmitButton())


class SubmitStatementForm(FlaskForm):
    submit = SubmitField("Submit your statement", widget=SubmitButton())


class InclusionForm(FlaskForm):
    include_in_report = RadioField(
        "How should this statement appear in the report?",
        description="Statements appear in full unless there is a reason to summarise, for "
        "example length. A summary must be fair to what the officer said.",
        choices=select_choices(
            [("full", "In full, exactly as written"), ("summary", "As a summary you write below")]
        ),
        widget=GovRadioInput(),
        validate_choice=False,
    )
    summary = TextAreaField(
        "Summary (needed if you choose a summary)",
        description="A fair summary of what the officer said, in plain words.",
        widget=CharacterCount(),
    )
    version = version_field()
    submit = SubmitField("Save", widget=SubmitButton())


INCLUSION_LABELS = {c.key: c.label for c in vocab.REPORT_INCLUSIONS}


class DeclineStatementForm(FlaskForm):
    reason = TextAreaField(
        "Why are you choosing not to give a statement?",
        description="You do not have to give a statement. Your reason is shown to the "
        "reviewer, quality assurance and leadership in place of a statement; other officers "
        "involved never see it. You can change your mind while the review is in review or at "
        "factual accuracy.",
        widget=CharacterCount(),
    )
    submit = SubmitField("Decline to give a statement", widget=SubmitButton())


class WithdrawDeclineForm(FlaskForm):
    submit = SubmitField("Write a statement after all", widget=SubmitButton())


class AddendumForm(FlaskForm):
    body = TextAreaField(
        "Your addendum",
        description="Add anything you want to say after submitting your statement. It is "
        "kept separate from your statement and cannot be changed once submitted. The "
        "reviewer, quality assurance and leadership can read it; other officers cannot.",
        widget=GovTextArea(),
    )


class OutstandingReasonForm(FlaskForm):
    statements_outstanding_reason = TextAreaField(
        "Why should the review go on before every statement is in?",
        description="Say why the review goes to factual accuracy now, for example what was "
        "done to ask for the statements and by when they are expected (at least 50 "
        "characters). Officers can still write, submit or decline their statement at "
        "factual accuracy.",
        widget=CharacterCount(),
    )
    version = version_field()
    submit = SubmitField("Save the reason", widget=SubmitButton())
