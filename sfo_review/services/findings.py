"""Use cases for findings and participants' responses to them."""

from __future__ import annotations

from typing import Any

from sfo_review import lifecycle, vocab
from sfo_review import permissions as perm
from sfo_review.extensions import db
from sfo_review.models import (
    CaseloadContext,
    ChronologyEntry,
    Finding,
    FindingAttribution,
    FindingResponse,
    Review,
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
from sfo_review.services.errors import Conflict

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
}
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


def _set_attribution(finding: Finding, attribution: list[str]) -> None:
    finding.attributions = [
        FindingAttribution(attribution=a, position=i) for i, a in enumerate(attribution)
    ]


@review_edit
def add_finding(actor: User, review: Review, data: dict[str, Any]) -> Finding:
    require_permission(perm.can_edit_review(actor, review))
    ensure_editable(review)
    values = v.clean(data, FINDING_RULES)
    links = _resolve_links(review, values)
    attribution = values.pop("attribution")
    finding = Finding(review=review, **values)
    _set_attribution(finding, attribution)
    for attr, rows in links.items():
        setattr(finding, attr, rows)
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
    values = v.clean(data, FINDING_RULES, partial=True)
    links = _resolve_links(review, values)
    # Reading the links (lazy loads) after a field has changed would flush the finding's
    # row early, and the touch below would then write it a second time: version +2.
    with db.session.no_autoflush:
        changed = _change_finding(finding, values, links)
    if changed:
        # Link and attribution changes live in other tables; touching the row makes
        # SQLAlchemy's version counter count them as a change of the finding too.
        finding.updated_at = utcnow()
        audit(
            review,
            actor,
            "finding.updated",
            f"Edited finding “{finding.title}”",
            {"id": finding.id, "fields": changed},
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


@review_edit
def add_response(
    actor: User, review: Review, finding: Finding, data: dict[str, Any]
) -> FindingResponse:
    """A participant's reply to a finding, only during the factual accuracy check."""
    require_permission(
        perm.can_respond_to_findings(actor, review),
        "Only participants in the case can reply to findings.",
    )
    if not lifecycle.accepts_responses(review):
        raise Conflict("Replies to findings can only be made during the factual accuracy check.")
    values = v.clean(data, RESPONSE_RULES)
    response = FindingResponse(finding=finding, author_id=actor.id, body=values["body"])
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
