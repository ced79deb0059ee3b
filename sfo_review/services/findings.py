"""Use cases for findings and participants' responses to them."""

from __future__ import annotations

from typing import Any

from sfo_review import just_culture as jc
from sfo_review import lifecycle, vocab
from sfo_review import permissions as perm
from sfo_review.extensions import db
from sfo_review.models import (
    CaseloadContext,
    ChronologyEntry,
    Finding,
    FindingAttribution,
    FindingResponse,
    JustCultureAssessment,
    Participant,
    Review,
    Statement,
    SystemicFactor,
    User,
)
from sfo_review.models._base import utcnow
from sfo_review.services import validation as v
from sfo_review.services._common import (
    apply,
    audit,
    check_version,
    ensure_editable,
    require_permission,
    review_edit,
)
from sfo_review.services.errors import Conflict, ValidationFailed

FINDING_RULES: dict[str, v.Rule] = {
    "title": v.short("title"),
    "practice_area": v.enum("practice area", vocab.keys(vocab.PRACTICE_AREAS)),
    "judgement": v.enum("judgement", vocab.keys(vocab.JUDGEMENTS)),
    "narrative": v.long("narrative"),
    "attribution": v.enum_list("attribution", vocab.keys(vocab.ATTRIBUTIONS)),
    "systemic_factor_ids": v.ids("systemic factors"),
    "caseload_context_ids": v.ids("caseload contexts"),
    "chronology_ids": v.ids("chronology entries"),
    "context_note": v.long("context note", required=False),
    "subject_participant_ids": v.ids("people the finding is about"),
    "statement_ids": v.ids("statements"),
}
# Finding keys that are not columns: the assessment has its own use case (set_just_culture).
JUST_CULTURE_KEY = "just_culture"

_QUESTION_NAMES = {
    "deliberate_harm": "answer about intention to cause harm",
    "health_factors": "answer about ill health or substance misuse",
    "protocol_existed": "answer about whether a procedure existed",
    "protocol_workable": "answer about whether the procedure was workable",
    "knowingly_departed": "answer about knowingly departing from the procedure",
    "peers_would_act_same": "answer to the substitution test",
}
JUST_CULTURE_RULES: dict[str, v.Rule] = {
    **{
        key: v.enum(name, vocab.keys(vocab.JUST_CULTURE_ANSWERS), required=False)
        for key, name in _QUESTION_NAMES.items()
    },
    "comparator": v.short("comparator", required=False),
    "training_gap": v.boolean("training gap"),
    "supervision_gap": v.boolean("supervision gap"),
    "rationale": v.long("rationale", required=False),
    "mitigation": v.long("mitigation", required=False),
}
OTHER_PROCESS_MESSAGE = (
    "This finding’s just-culture assessment points to another process: the review records "
    "only that, and shows no statement or reply with it"
)
RESPONSE_RULES: dict[str, v.Rule] = {"body": v.long("response")}

# request key -> (model, collection on Review, collection on Finding)
_LINKS: dict[str, tuple[type[Any], str, str]] = {
    "systemic_factor_ids": (SystemicFactor, "systemic_factors", "systemic_factors"),
    "caseload_context_ids": (CaseloadContext, "caseload_contexts", "caseload_contexts"),
    "chronology_ids": (ChronologyEntry, "chronology", "chronology_entries"),
}


def _resolve_links(review: Review, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Turn id lists into rows of *this* review; ids from elsewhere are a validation error."""
    resolved: dict[str, list[Any]] = {}
    errors: dict[str, list[str]] = {}
    for key, (model, review_attr, attr) in _LINKS.items():
        if key not in values:
            continue
        wanted: list[int] = values.pop(key) or []
        own = {obj.id: obj for obj in getattr(review, review_attr)}
        missing = [i for i in wanted if i not in own]
        if missing:
            errors[key] = [
                f"These are not ids of {model.__tablename__.replace('_', ' ')} on this review: "
                + ", ".join(str(i) for i in missing)
            ]
        resolved[attr] = [own[i] for i in wanted if i in own]
    v.require(errors)
    return resolved


def _resolve_people(review: Review, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Subjects (participants of this review) and statements (this review's, submitted)."""
    resolved: dict[str, list[Any]] = {}
    errors: dict[str, list[str]] = {}
    if "subject_participant_ids" in values:
        wanted: list[int] = values.pop("subject_participant_ids") or []
        people: dict[int, Participant] = {p.id: p for p in review.participants}
        missing = [i for i in wanted if i not in people]
        if missing:
            errors["subject_participant_ids"] = [
                "These are not ids of participants on this review: "
                + ", ".join(str(i) for i in missing)
            ]
        resolved["subjects"] = [people[i] for i in wanted if i in people]
    if "statement_ids" in values:
        wanted = values.pop("statement_ids") or []
        own: dict[int, Statement] = {s.id: s for s in review.statements}
        missing = [i for i in wanted if i not in own]
        unsent = [i for i in wanted if i in own and not lifecycle.is_submitted(own[i])]
        if missing:
            errors["statement_ids"] = [
                "These are not ids of statements on this review: "
                + ", ".join(str(i) for i in missing)
            ]
        elif unsent:
            errors["statement_ids"] = [
                "Only submitted statements can be shown with a finding (not submitted: "
                + ", ".join(str(i) for i in unsent)
                + ")"
            ]
        resolved["statements"] = [own[i] for i in wanted if i in own]
    v.require(errors)
    return resolved


def _check_people(finding: Finding, decides: bool) -> None:
    """Cross-field rules on the finding as changed (the use case rolls back if they fail):
    an individual shortfall names whom it is about (checked when the finding is added or its
    judgement, attribution or subjects change: `decides` — a v1 finding edited otherwise is
    left to the rules to quality assurance), and a finding pointing to another process
    shows no statement."""
    errors: dict[str, list[str]] = {}
    if decides and jc.is_individual_shortfall(finding) and not finding.subjects:
        errors["subject_participant_ids"] = [
            "Select who this finding is about: a finding of insufficient practice attributed "
            "to an individual names the people it concerns"
        ]
    if finding.statements and jc.points_elsewhere(finding):
        errors["statement_ids"] = [OTHER_PROCESS_MESSAGE]
    v.require(errors)


def _set_attribution(finding: Finding, attribution: list[str]) -> None:
    finding.attributions = [
        FindingAttribution(attribution=a, position=i) for i, a in enumerate(attribution)
    ]


@review_edit
def add_finding(actor: User, review: Review, data: dict[str, Any]) -> Finding:
    require_permission(perm.can_edit_review(actor, review))
    ensure_editable(review)
    values = v.clean(data, FINDING_RULES)
    links = _resolve_links(review, values) | _resolve_people(review, values)
    attribution = values.pop("attribution")
    finding = Finding(review=review, **values)
    _set_attribution(finding, attribution)
    for attr, rows in links.items():
        setattr(finding, attr, rows)
    _check_people(finding, decides=True)
    db.session.add(finding)
    db.session.flush()
    audit(review, actor, "finding.added", f"Added finding “{finding.title}”", {"id": finding.id})
    return finding


def _change_finding(
    finding: Finding, values: dict[str, Any], links: dict[str, list[Any]]
) -> list[str]:
    """Set what differs; the names of what changed."""
    changed = []
    if "attribution" in values:
        attribution = values.pop("attribution")
        if attribution != finding.attribution:
            _set_attribution(finding, attribution)
            changed.append("attribution")
    changed += apply(finding, values)
    for attr, rows in links.items():
        if [r.id for r in getattr(finding, attr)] != [r.id for r in rows]:
            setattr(finding, attr, rows)
            changed.append(attr)
    return changed


@review_edit
def update_finding(actor: User, review: Review, finding: Finding, data: dict[str, Any]) -> Finding:
    require_permission(perm.can_edit_review(actor, review))
    ensure_editable(review)
    data = dict(data)
    check_version(finding, data)
    assessment = data.pop(JUST_CULTURE_KEY, _ABSENT)
    values = v.clean(data, FINDING_RULES, partial=True)
    answers = _clean_assessment(assessment) if assessment is not _ABSENT else _ABSENT
    decides = bool({"judgement", "attribution", "subject_participant_ids"} & set(values))
    links = _resolve_links(review, values) | _resolve_people(review, values)
    # Reading the links (lazy loads) after a field has changed would flush the finding's
    # row early, and the touch below would then write it a second time: version +2.
    with db.session.no_autoflush:
        changed = _change_finding(finding, values, links)
        if answers is not _ABSENT:
            changed += _store_assessment(finding, answers, replace=True)
        _check_people(finding, decides)
    if changed:
        _touched(review, actor, finding, changed)
    return finding


class _Absent:
    """No `just_culture` key in the request (None means: remove the assessment)."""


_ABSENT: Any = _Absent()
NOT_A_SHORTFALL = (
    "The just-culture assessment is only for findings of insufficient practice attributed "
    "to an individual"
)


def _clean_assessment(
    value: Any, *, replace: bool = True, answer: tuple[str, ...] = ()
) -> dict[str, Any] | None:
    """The assessment's answers, checked; None to remove it (`replace` only).

    `answer`: keys the caller must answer now (the browser's page asks one question and
    requires a choice; the API may send an object with any of its keys null)."""
    if value is None and replace:
        return None
    if not isinstance(value, dict):
        raise ValidationFailed({JUST_CULTURE_KEY: ["Just-culture assessment must be an object"]})
    try:
        cleaned = v.clean(value, JUST_CULTURE_RULES, partial=not replace)
    except ValidationFailed as exc:
        raise ValidationFailed(
            {f"{JUST_CULTURE_KEY}.{k}": m for k, m in exc.fields.items()}
        ) from exc
    errors: dict[str, list[str]] = {}
    for key in answer:
        if cleaned.get(key) is None:
            rule = JUST_CULTURE_RULES[key]
            verb = "Enter" if rule.kind in ("short", "long") else "Select"
            errors[f"{JUST_CULTURE_KEY}.{key}"] = [f"{verb} the {rule.name}"]
    rationale = cleaned.get("rationale")
    if rationale is not None and not jc.rationale_long_enough(rationale):
        errors[f"{JUST_CULTURE_KEY}.rationale"] = [
            f"Rationale must be at least {jc.RATIONALE_MIN} characters"
        ]
    v.require(errors)
    return cleaned


def _store_assessment(finding: Finding, answers: dict[str, Any] | None, replace: bool) -> list[str]:
    """Write the answers (all of them with `replace`, else only those given) and the outcome
    they decide; the names of what changed (["just_culture"] or [])."""
    row = finding.just_culture
    if answers is None:
        if row is None:
            return []
        finding.just_culture = None
        return [JUST_CULTURE_KEY]
    if not jc.is_individual_shortfall(finding):
        raise ValidationFailed({JUST_CULTURE_KEY: [NOT_A_SHORTFALL]})
    before = jc.answers_of(row) if row is not None else None
    merged = (dict.fromkeys(jc.FIELDS) if replace else jc.answers_of(row)) | answers
    if row is None:
        row = JustCultureAssessment()
        finding.just_culture = row
    apply(row, merged)
    row.outcome = jc.outcome(merged)
    return [JUST_CULTURE_KEY] if before != jc.answers_of(row) else []


def _touched(review: Review, actor: User, finding: Finding, changed: list[str]) -> None:
    # Link, attribution and assessment changes live in other tables; touching the row makes
    # SQLAlchemy's version counter count them as a change of the finding too.
    finding.updated_at = utcnow()
    audit(
        review,
        actor,
        "finding.updated",
        f"Edited finding “{finding.title}”",
        {"id": finding.id, "fields": changed},
    )


@review_edit
def set_just_culture(
    actor: User,
    review: Review,
    finding: Finding,
    answers: dict[str, Any],
    version: Any,
    *,
    replace: bool = False,
) -> Finding:
    """Answer some of the just-culture questions (the browser: one page at a time; each key
    given must be answered), or with `replace` write the whole object as the API's PATCH
    does. Bumps the finding's version; the outcome is recomputed from what is stored."""
    require_permission(perm.can_assess_just_culture(actor, review))
    ensure_editable(review)
    check_version(finding, {"version": version})
    cleaned = _clean_assessment(
        answers,
        replace=replace,
        answer=() if replace else tuple(k for k in answers if k != "mitigation"),
    )
    with db.session.no_autoflush:
        changed = _store_assessment(finding, cleaned, replace)
        _check_people(finding, decides=False)
    if changed:
        _touched(review, actor, finding, changed)
    return finding


@review_edit
def confirm_just_culture(actor: User, review: Review, finding: Finding) -> Finding:
    """The reviewer confirms the answers on the check-your-answers page: only a complete
    assessment (every question, a comparator, a rationale of 100 characters or more)."""
    require_permission(perm.can_assess_just_culture(actor, review))
    ensure_editable(review)
    if not jc.is_individual_shortfall(finding):
        v.require({JUST_CULTURE_KEY: [NOT_A_SHORTFALL]})
    answers = jc.answers_of(finding.just_culture)
    if not jc.is_complete(answers):
        v.require(
            {
                JUST_CULTURE_KEY: [
                    "Answer every question, describe the comparator and give a rationale "
                    f"of at least {jc.RATIONALE_MIN} characters before confirming"
                ]
            }
        )
    outcome = jc.outcome(answers) or ""
    audit(
        review,
        actor,
        "finding.just_culture_confirmed",
        f"Confirmed the just-culture assessment of finding “{finding.title}”: "
        + vocab.label(vocab.JUST_CULTURE_OUTCOMES, outcome),
        {"id": finding.id, "outcome": outcome},
    )
    return finding


@review_edit
def delete_finding(actor: User, review: Review, finding: Finding) -> None:
    require_permission(perm.can_edit_review(actor, review))
    ensure_editable(review)
    if finding.responses:
        raise Conflict(
            "This finding has replies from participants; replies are never deleted, "
            "so the finding stays. Edit it instead."
        )
    title = finding.title
    db.session.delete(finding)
    audit(review, actor, "finding.deleted", f"Deleted finding “{title}”", {"id": finding.id})


def check_response(actor: User, review: Review, finding: Finding, data: dict[str, Any]) -> str:
    """Everything add_response checks, writing nothing: the reply's body as it would be
    kept (the browser's check page shows it before the reply is added for good)."""
    require_permission(
        perm.can_respond_to_findings(actor, review),
        "Only participants in the case can reply to findings.",
    )
    if not lifecycle.accepts_responses(review):
        raise Conflict("Replies to findings can only be made during the factual accuracy check.")
    if jc.points_elsewhere(finding):
        raise Conflict(OTHER_PROCESS_MESSAGE + ".")
    body: str = v.clean(data, RESPONSE_RULES)["body"]
    return body


@review_edit
def add_response(
    actor: User, review: Review, finding: Finding, data: dict[str, Any]
) -> FindingResponse:
    """A participant's reply to a finding, only during the factual accuracy check."""
    body = check_response(actor, review, finding, data)
    response = FindingResponse(finding=finding, author_id=actor.id, body=body)
    db.session.add(response)
    db.session.flush()
    audit(
        review,
        actor,
        "finding.response_added",
        f"Replied to finding “{finding.title}”",
        {"finding_id": finding.id},
    )
    return response
