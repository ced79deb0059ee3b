"""The just-culture assessment's question pages: one question a page, in the guide's order.

Typing only: which answers are allowed, and that the page's question must be answered, is
decided by services.findings.set_just_culture.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import Field, StringField, SubmitField, TextAreaField

from sfo_review import just_culture as jc
from sfo_review import vocab
from sfo_review.fields import CharacterCount, SubmitButton, radio
from sfo_review.forms_support import version_field

YES_NO = (vocab.Choice("yes", "Yes"), vocab.Choice("no", "No"))
QUESTION_LABELS = dict(vocab.JUST_CULTURE_QUESTIONS)


@dataclass(frozen=True)
class Step:
    """One page: its path segment, the keys it saves, its heading and hint."""

    slug: str
    keys: tuple[str, ...]
    heading: str
    hint: str = ""

    @property
    def key(self) -> str:
        return self.keys[0]


def _question(slug: str, key: str, hint: str) -> Step:
    return Step(slug, (key,), QUESTION_LABELS[key], hint)


STEPS: tuple[Step, ...] = (
    _question(
        "deliberate-harm",
        "deliberate_harm",
        "Only answer yes where the evidence shows the practitioner meant to cause harm.",
    ),
    _question(
        "health-factors",
        "health_factors",
        "For example illness, medication, stress-related ill health or a substance "
        "misuse problem at the time.",
    ),
    _question(
        "protocol-existed",
        "protocol_existed",
        "A national or local policy, a procedure, or a practice agreed in the team.",
    ),
    _question(
        "protocol-workable",
        "protocol_workable",
        "Think of the workload, staffing and systems at the time, not as they are now.",
    ),
    _question(
        "knowingly-departed",
        "knowingly_departed",
        "Did they know what the procedure required and choose to do something else?",
    ),
    Step(
        "substitution-test",
        ("peers_would_act_same", "comparator"),
        QUESTION_LABELS["peers_would_act_same"],
        "This is the substitution test: picture a colleague of the same grade and "
        "experience, with the same caseload, in the same conditions.",
    ),
    Step(
        "training-gap",
        ("training_gap",),
        "Was there a gap in the training the practitioner had been given?",
        "For example training not offered, not yet taken, or not covering this situation.",
    ),
    Step(
        "supervision-gap",
        ("supervision_gap",),
        "Was there a gap in the supervision or management oversight they had?",
        "For example supervision sessions missed, or a case of this risk not discussed.",
    ),
    Step(
        "rationale",
        ("rationale", "mitigation"),
        "Why did you reach these answers?",
        f"Explain in at least {jc.RATIONALE_MIN} characters, referring to the evidence.",
    ),
)
BY_SLUG = {step.slug: step for step in STEPS}
STEP_OF_KEY = {key: step for step in STEPS for key in step.keys}


def next_step(step: Step) -> Step | None:
    index = STEPS.index(step)
    return STEPS[index + 1] if index + 1 < len(STEPS) else None


def previous_step(step: Step) -> Step | None:
    index = STEPS.index(step)
    return STEPS[index - 1] if index > 0 else None


class _StepForm(FlaskForm):
    version = version_field()
    submit = SubmitField("Save and continue", widget=SubmitButton())

    def answers(self) -> dict[str, Any]:
        """The page's answers for the service ("" is not answered)."""
        raise NotImplementedError

    def fill(self, answers: dict[str, Any]) -> None:
        raise NotImplementedError


class QuestionForm(_StepForm):
    answer = radio("Answer", vocab.JUST_CULTURE_ANSWERS)

    key = ""

    def answers(self) -> dict[str, Any]:
        return {self.key: self.answer.data or None}

    def fill(self, answers: dict[str, Any]) -> None:
        self.answer.data = answers.get(self.key)


class SubstitutionForm(QuestionForm):
    comparator = StringField(
        "Who did you compare them with?",
        description="The peer group: grade, experience and caseload, for example ‘PSOs in "
        "their first two years, holding 50 to 60 cases’.",
        widget=GovTextInput(),
    )

    def answers(self) -> dict[str, Any]:
        return {
            "peers_would_act_same": self.answer.data or None,
            "comparator": self.comparator.data or None,
        }

    def fill(self, answers: dict[str, Any]) -> None:
        self.answer.data = answers.get("peers_would_act_same")
        self.comparator.data = answers.get("comparator")


class GapForm(_StepForm):
    answer = radio("Answer", YES_NO)

    key = ""

    def answers(self) -> dict[str, Any]:
        chosen = self.answer.data
        # Anything but yes or no goes to the service as sent, which refuses it.
        return {self.key: {"yes": True, "no": False}.get(chosen, chosen) if chosen else None}

    def fill(self, answers: dict[str, Any]) -> None:
        value = answers.get(self.key)
        self.answer.data = None if value is None else ("yes" if value else "no")


class RationaleForm(_StepForm):
    rationale = TextAreaField(
        "Rationale",
        description=f"At least {jc.RATIONALE_MIN} characters: what the evidence shows, and "
        "why the answers follow from it.",
        widget=CharacterCount(),
    )
    mitigation = TextAreaField(
        "Mitigation (optional)",
        description="Anything that lessens the weight of the shortfall: what the practitioner "
        "did well, what they raised at the time, what has changed since.",
        widget=CharacterCount(),
    )

    def answers(self) -> dict[str, Any]:
        return {
            "rationale": self.rationale.data or None,
            "mitigation": self.mitigation.data or None,
        }

    def fill(self, answers: dict[str, Any]) -> None:
        self.rationale.data = answers.get("rationale")
        self.mitigation.data = answers.get("mitigation")


def form_for(step: Step, **kwargs: Any) -> _StepForm:
    """The page's form; its radio's error key is the step's key (see error_fields)."""
    form: _StepForm
    if step.key == "peers_would_act_same":
        form = SubstitutionForm(**kwargs)
    elif step.key in jc.GAPS:
        form = GapForm(**kwargs)
    elif step.key == "rationale":
        form = RationaleForm(**kwargs)
    else:
        form = QuestionForm(**kwargs)
    form.key = step.key
    return form


def field_for(form: _StepForm, key: str) -> Field | None:
    """The form's field answering `key` (the service names errors `just_culture.<key>`)."""
    if hasattr(form, key) and key not in ("key", "answers", "fill"):
        field: Field = getattr(form, key)
        return field
    answer: Field | None = getattr(form, "answer", None)
    return answer


class ConfirmAssessmentForm(FlaskForm):
    submit = SubmitField("Confirm the assessment", widget=SubmitButton())
