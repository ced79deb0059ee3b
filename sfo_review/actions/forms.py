"""Forms for the action plan: typing only (the rules and edit windows live in services.actions)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import DateField, RadioField, StringField, SubmitField, TextAreaField

from sfo_review import vocab
from sfo_review.findings.forms import IdsField
from sfo_review.forms_support import version_field
from sfo_review.models import Review


class GovDateField(DateField):
    """Day, month and year boxes. All empty means 'not given' (the service says it is needed)."""

    widget = GovDateInput()

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(label, format="%d %m %Y", **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        # The widget unpacks exactly three boxes when it redraws the form.
        parts = [str(v).strip() for v in valuelist[:3]]
        parts += [""] * (3 - len(parts))
        self.raw_data = parts
        if len(valuelist) > 3:
            self.data = None
            raise ValueError(f"{self.label.text} must be a real date, for example 27 3 2026")
        if not any(parts):
            self.data = None
            return
        try:
            self.data = datetime.strptime(" ".join(parts), "%d %m %Y").date()  # noqa: DTZ007
        except ValueError as exc:
            self.data = None
            raise ValueError(
                f"{self.label.text} must be a real date, for example 27 3 2026"
            ) from exc


class ActionForm(FlaskForm):
    description = TextAreaField(
        "Description of the action",
        description="What will change, so the learning is acted on.",
        widget=GovTextArea(),
    )
    owner = StringField(
        "Owner",
        description="The role responsible, for example ‘Head of PDU’.",
        widget=GovTextInput(),
    )
    level = RadioField(
        "Level",
        choices=[(c.key, c.label) for c in vocab.ACTION_LEVELS],
        widget=GovRadioInput(),
        validate_choice=False,
    )
    due_date = GovDateField("Due date", description="For example, 27 3 2026")
    finding_ids = IdsField("Findings this action responds to")
    submit = SubmitField("Save action", widget=GovSubmitInput())

    def fill_choices(self, review: Review) -> None:
        self.finding_ids.choices = [(f.id, f.title) for f in review.findings]


class EditActionForm(ActionForm):
    status = RadioField(
        "Status",
        choices=[(c.key, c.label) for c in vocab.ACTION_STATUSES],
        widget=GovRadioInput(),
        validate_choice=False,
    )
    completion_note = TextAreaField(
        "Completion note",
        description="What was done. Needed when the action is done.",
        widget=GovTextArea(),
    )
    version = version_field()
