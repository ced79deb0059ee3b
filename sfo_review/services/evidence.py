"""Use cases for the evidence and context on a review: chronology, caseload, systemic factors."""

from __future__ import annotations

from typing import Any

from sfo_review import permissions as perm
from sfo_review import vocab
from sfo_review.extensions import db
from sfo_review.models import CaseloadContext, ChronologyEntry, Review, SystemicFactor, User
from sfo_review.services import validation as v
from sfo_review.services._common import (
    apply,
    audit,
    check_version,
    ensure_editable,
    require_permission,
    review_edit,
)

CHRONOLOGY_RULES: dict[str, v.Rule] = {
    "occurred_on": v.a_date(
        "date of the event", earliest=v.RECORDS_BEGIN, latest_days=v.NOT_AFTER_TODAY
    ),
    "source": v.short("source"),
    "summary": v.long("summary"),
    "significant": v.boolean("significant"),
    # Optional: an entry not said to be known or found afterwards is "unclear" (api-v1.1 A).
    "known_at_the_time": v.enum(
        "answer to whether this was known at the time",
        vocab.keys(vocab.KNOWN_AT_THE_TIME),
        required=False,
    ),
}
KNOWN_BY_DEFAULT = "unclear"
CASELOAD_RULES: dict[str, v.Rule] = {
    "participant_id": v.Rule("int", "participant", minimum=1, maximum=2**31 - 1),
    "period_start": v.a_date(
        "start of the period", earliest=v.RECORDS_BEGIN, latest_days=v.A_YEAR_AHEAD
    ),
    "period_end": v.a_date(
        "end of the period", earliest=v.RECORDS_BEGIN, latest_days=v.A_YEAR_AHEAD
    ),
    "caseload_count": v.integer("number of cases", 0, 500),
    "high_risk_count": v.integer("number of high-risk cases", 0, 500),
    "workload_percent": v.integer("workload measurement tool percentage", 0, 400),
    "grade": v.enum("grade", vocab.keys(vocab.GRADES)),
    "months_in_role": v.integer("months in role", 0, 600),
    "team_vacancy_percent": v.integer("team vacancy rate", 0, 100),
    "officer_changes_on_case": v.integer("number of changes of officer on this case", 0, 100),
    "management_oversight_sessions": v.integer("number of management supervision sessions", 0, 500),
    "notes": v.long("notes", required=False),
}
FACTOR_RULES: dict[str, v.Rule] = {
    "category": v.enum("category", tuple(c.key for c in vocab.SYSTEMIC_FACTOR_CATEGORIES)),
    "level": v.enum("level", vocab.keys(vocab.FACTOR_LEVELS)),
    "description": v.long("description"),
    "evidence": v.long("evidence", required=False),
}

_KINDS: dict[type[Any], tuple[str, str]] = {
    ChronologyEntry: ("chronology", "chronology entry"),
    CaseloadContext: ("caseload_context", "caseload context"),
    SystemicFactor: ("systemic_factor", "systemic factor"),
}


def _start_edit(actor: User, review: Review) -> None:
    require_permission(perm.can_edit_review(actor, review))
    ensure_editable(review)


def _check_caseload(review: Review, values: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    participant_id = values.get("participant_id")
    if participant_id is not None and participant_id not in {p.id for p in review.participants}:
        errors["participant_id"] = ["Select a participant of this review"]
    start, end = values.get("period_start"), values.get("period_end")
    if start and end and end < start:
        errors["period_end"] = ["End of the period must be on or after its start"]
    high, total = values.get("high_risk_count"), values.get("caseload_count")
    if high is not None and total is not None and high > total:
        errors["high_risk_count"] = [
            "Number of high-risk cases must not be more than the number of cases"
        ]
    v.require(errors)


def _describe(obj: Any) -> str:
    if isinstance(obj, ChronologyEntry):
        return f"{obj.occurred_on.isoformat()} ({obj.source})"
    if isinstance(obj, CaseloadContext):
        return f"for {obj.participant.user.name}" if obj.participant else ""
    return vocab.CATEGORY_BY_KEY[obj.category].label


@review_edit
def add_chronology_entry(actor: User, review: Review, data: dict[str, Any]) -> ChronologyEntry:
    _start_edit(actor, review)
    values = v.clean(data, CHRONOLOGY_RULES)
    values["significant"] = bool(values.get("significant"))
    values["known_at_the_time"] = values.get("known_at_the_time") or KNOWN_BY_DEFAULT
    entry = ChronologyEntry(review=review, **values)
    return _added(actor, review, entry)


@review_edit
def add_caseload_context(actor: User, review: Review, data: dict[str, Any]) -> CaseloadContext:
    _start_edit(actor, review)
    values = v.clean(data, CASELOAD_RULES)
    _check_caseload(review, values)
    context = CaseloadContext(review=review, **values)
    return _added(actor, review, context)


@review_edit
def add_systemic_factor(actor: User, review: Review, data: dict[str, Any]) -> SystemicFactor:
    _start_edit(actor, review)
    values = v.clean(data, FACTOR_RULES)
    factor = SystemicFactor(review=review, **values)
    return _added(actor, review, factor)


def _added(actor: User, review: Review, obj: Any) -> Any:
    db.session.add(obj)
    db.session.flush()
    db.session.refresh(obj)
    kind, label = _KINDS[type(obj)]
    audit(review, actor, f"{kind}.added", f"Added {label} {_describe(obj)}".strip(), {"id": obj.id})
    return obj


def _rules_for(obj: Any) -> dict[str, v.Rule]:
    if isinstance(obj, ChronologyEntry):
        return CHRONOLOGY_RULES
    if isinstance(obj, CaseloadContext):
        return CASELOAD_RULES
    return FACTOR_RULES


@review_edit
def update_evidence(actor: User, review: Review, obj: Any, data: dict[str, Any]) -> Any:
    """PATCH a chronology entry, caseload context or systemic factor (with its version)."""
    _start_edit(actor, review)
    data = dict(data)
    check_version(obj, data)
    rules = _rules_for(obj)
    values = v.clean(data, rules, partial=True)
    for key, rule in rules.items():
        if key in values and values[key] is None and rule.kind == "bool":
            values[key] = False
    if isinstance(obj, ChronologyEntry) and "known_at_the_time" in values:
        values["known_at_the_time"] = values["known_at_the_time"] or KNOWN_BY_DEFAULT
    if isinstance(obj, CaseloadContext):
        merged = {k: getattr(obj, k) for k in rules}
        merged.update(values)
        _check_caseload(review, merged)
    changed = apply(obj, values)
    if changed:
        kind, label = _KINDS[type(obj)]
        audit(
            review,
            actor,
            f"{kind}.updated",
            f"Edited {label} {_describe(obj)}".strip(),
            {"id": obj.id, "fields": changed},
        )
    return obj


@review_edit
def delete_evidence(actor: User, review: Review, obj: Any) -> None:
    _start_edit(actor, review)
    kind, label = _KINDS[type(obj)]
    summary = f"Deleted {label} {_describe(obj)}".strip()
    db.session.delete(obj)
    audit(review, actor, f"{kind}.deleted", summary, {"id": obj.id})
