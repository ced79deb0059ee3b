"""The just-culture guide's decision, as pure functions of the answers (api-v1.1 A).

`answers` is a mapping of the contract's keys (`deliberate_harm` … `mitigation`) to what
was recorded so far; a key missing or None is not answered yet. The order of the rules is
the contract's: refer_elsewhere, support_for_health, system_learning, individual_learning.
The stored `outcome` column is always `outcome(answers)` of the stored answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sfo_review import vocab

YES, NO, UNCLEAR = "yes", "no", "unclear"
QUESTIONS: tuple[str, ...] = vocab.keys(vocab.JUST_CULTURE_QUESTIONS)
GAPS: tuple[str, ...] = ("training_gap", "supervision_gap")
COMPARATOR_MAX = 200
RATIONALE_MIN = 100

REFER_ELSEWHERE = "refer_elsewhere"
SUPPORT_FOR_HEALTH = "support_for_health"
SYSTEM_LEARNING = "system_learning"
INDIVIDUAL_LEARNING = "individual_learning"
# Outcomes that point to another process: the review records only that, never the
# statements or replies beside the finding.
OTHER_PROCESS: tuple[str, ...] = (REFER_ELSEWHERE, SUPPORT_FOR_HEALTH)

# Every key of the object, in the guide's order (the browser's pages follow it).
FIELDS: tuple[str, ...] = (*QUESTIONS, "comparator", *GAPS, "rationale", "mitigation")

# What each outcome means, in plain words for the check-your-answers page and the PDF.
MEANINGS: dict[str, str] = {
    REFER_ELSEWHERE: "There was an intention to cause harm. This is not a matter for learning "
    "in this review: refer it to the appropriate process (disciplinary, police or "
    "safeguarding). The review records only that the finding points to that process, and "
    "shows no statement or reply with it.",
    SUPPORT_FOR_HEALTH: "Ill health or substance misuse affected what the practitioner did. "
    "Refer them to occupational health and the employee assistance programme and agree "
    "support with their manager. The review records only that the finding points to that "
    "process, and shows no statement or reply with it.",
    SYSTEM_LEARNING: "The shortfall is best explained by the conditions the practitioner "
    "worked in: record what the system must learn. Add a team, PDU, organisational, "
    "partnership or national attribution to this finding, linked to a systemic factor of "
    "that level, and answer it with an action at that level or above.",
    INDIVIDUAL_LEARNING: "A peer in the same conditions would probably have acted "
    "differently, the procedure was workable and no training or supervision gap explains "
    "it. Agree individual learning with the practitioner and their manager, in supervision, "
    "with support.",
}


# How each answer is named in summaries (the browser's check page, the finding, the PDF).
LABELS: dict[str, str] = {
    **dict(vocab.JUST_CULTURE_QUESTIONS),
    "comparator": "Compared with",
    "training_gap": "Was there a gap in the training the practitioner had been given?",
    "supervision_gap": "Was there a gap in the supervision or management oversight they had?",
    "rationale": "Rationale",
    "mitigation": "Mitigation",
}


def answer_words(key: str, value: Any) -> str:
    """An answer as a person reads it: "Not clear", "Yes", the text as written."""
    if value is None or value == "":
        return "None given" if key == "mitigation" else "Not answered"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if key in QUESTIONS:
        return vocab.label(vocab.JUST_CULTURE_ANSWERS, value)
    return str(value)


def summary(assessment: object | None) -> list[tuple[str, str, str]]:
    """(key, label, answer in words) for every key, in the guide's order."""
    answers = answers_of(assessment)
    return [(key, LABELS[key], answer_words(key, answers.get(key))) for key in FIELDS]


def _given(answers: Mapping[str, Any], key: str) -> bool:
    return answers.get(key) is not None


def outcome(answers: Mapping[str, Any]) -> str | None:
    """The computed outcome, or None while the answers that decide it are missing.

    `deliberate_harm` yes decides at once; `health_factors` yes once `deliberate_harm` is
    answered (and not yes); otherwise every question and both gaps must be answered.
    """
    harm = answers.get("deliberate_harm")
    if harm == YES:
        return REFER_ELSEWHERE
    if harm is None:
        return None
    health = answers.get("health_factors")
    if health == YES:
        return SUPPORT_FOR_HEALTH
    if not all(_given(answers, key) for key in (*QUESTIONS, *GAPS)):
        return None
    if (
        answers.get("peers_would_act_same") == YES
        or any(answers.get(gap) is True for gap in GAPS)
        or answers.get("protocol_existed") == NO
        or answers.get("protocol_workable") == NO
    ):
        return SYSTEM_LEARNING
    return INDIVIDUAL_LEARNING


def rationale_long_enough(rationale: str | None) -> bool:
    return len((rationale or "").strip()) >= RATIONALE_MIN


def is_complete(answers: Mapping[str, Any]) -> bool:
    """Every question and both gaps answered, a comparator, and a rationale of at least
    RATIONALE_MIN characters (leading and trailing spaces not counted)."""
    return (
        all(_given(answers, key) for key in (*QUESTIONS, *GAPS))
        and bool((answers.get("comparator") or "").strip())
        and rationale_long_enough(answers.get("rationale"))
    )


def answers_of(assessment: object | None) -> dict[str, Any]:
    """The stored answers of an assessment row (or none) as a mapping of FIELDS."""
    if assessment is None:
        return {}
    return {key: getattr(assessment, key, None) for key in FIELDS}


def is_individual_shortfall(finding: object) -> bool:
    """A finding judged insufficient whose attribution includes an individual: the only
    findings the assessment is for (a good-practice or sufficient finding about a person
    is praise or a neutral judgement, not blame)."""
    attribution: list[str] = getattr(finding, "attribution", [])
    return getattr(finding, "judgement", None) == "insufficient" and "individual" in attribution


def points_elsewhere(finding: object) -> bool:
    """The finding's assessment points to another process: no statements, no replies."""
    assessment = getattr(finding, "just_culture", None)
    return assessment is not None and getattr(assessment, "outcome", None) in OTHER_PROCESS
