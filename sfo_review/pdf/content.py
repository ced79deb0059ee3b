"""What each PDF shows: the template context of the full report and of the family summary.

The review is loaded with everything the templates touch in a handful of queries (no query
per finding), which keeps building the HTML — and so the content key of the PDF cache —
cheap enough for a repeat export to answer from the cache in milliseconds.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from flask import current_app
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from sfo_review import audit_words as history_words
from sfo_review import lifecycle, vocab
from sfo_review.clock import LONDON
from sfo_review.extensions import db
from sfo_review.just_culture import points_elsewhere
from sfo_review.models import (
    Action,
    ActionRecurrence,
    AuditEvent,
    CaseloadContext,
    DeadlineExtension,
    Finding,
    FindingResponse,
    Participant,
    Review,
    Statement,
    SystemicFactor,
)
from sfo_review.pdf.redact import LEVEL_PHRASES
from sfo_review.services import criminal_case, family_summary, ratings

# Reads are recorded too, but a summary that counted them would change on every download.
READ_EVENTS = ("review.viewed", "report.exported")


def load(review: Review) -> Review:
    """Load every relationship the templates use, in one query per collection."""
    loaded: Review = db.session.scalars(
        select(Review)
        .where(Review.id == review.id)
        .options(
            joinedload(Review.reviewer),
            joinedload(Review.countersigner),
            joinedload(Review.approved_by),
            joinedload(Review.created_by),
            selectinload(Review.participants).joinedload(Participant.user),
            selectinload(Review.chronology),
            selectinload(Review.caseload_contexts)
            .joinedload(CaseloadContext.participant)
            .joinedload(Participant.user),
            selectinload(Review.systemic_factors),
            selectinload(Review.findings).options(
                selectinload(Finding.attributions),
                selectinload(Finding.systemic_factors),
                selectinload(Finding.caseload_contexts)
                .joinedload(CaseloadContext.participant)
                .joinedload(Participant.user),
                selectinload(Finding.chronology_entries),
                selectinload(Finding.responses).joinedload(FindingResponse.author),
            ),
            selectinload(Review.statements).options(
                joinedload(Statement.author), selectinload(Statement.addenda)
            ),
            selectinload(Review.actions).options(
                selectinload(Action.findings),
                selectinload(Action.systemic_factors),
                joinedload(Action.owner_user),
                joinedload(Action.verified_by),
                selectinload(Action.recurrences).joinedload(ActionRecurrence.review),
            ),
            selectinload(Review.extensions).options(
                joinedload(DeadlineExtension.requested_by),
                joinedload(DeadlineExtension.decided_by),
            ),
        )
    ).one()
    return loaded


def common(review: Review, variant: str) -> dict[str, Any]:
    draft = not lifecycle.is_finished(review)  # prints DRAFT on every page
    variant_label = vocab.label(vocab.REPORT_VARIANTS, variant)
    # A draft carries today's date; an approved report the day it was approved.
    when = review.approved_at.astimezone(LONDON) if review.approved_at else _today()
    return {
        "review": review,
        "variant": variant,
        "draft": draft,
        "document_title": f"Serious Further Offence Review {review.reference} – {variant_label}",
        "report_date": when,
        "created_iso": when.date().isoformat(),
        "status_label": vocab.label(vocab.STATUSES, review.status),
        # api-v1.1 C: the criminal case's outcome and date, a line in the review's details
        "criminal_case": criminal_case.describe(review),
    }


def plan_actions(review: Review) -> list[Action]:
    """The action plan an approved PDF shows: as agreed at approval (api-v1.1 B), never an
    action added afterwards (those are in the live action plan report only); before
    approval, every action proposed so far. By due date."""
    actions = review.actions
    if lifecycle.is_finished(review):
        actions = [a for a in actions if lifecycle.in_agreed_plan(a)]
    return sorted(actions, key=lambda a: (a.due_date, a.id))


def _today() -> datetime:
    now = datetime.now(LONDON)
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


# ---- the full report ------------------------------------------------------------------


def full(review: Review) -> dict[str, Any]:
    findings = list(review.findings)
    groups = factor_groups(review.systemic_factors)
    return {
        "contents": _contents(findings),
        "findings": findings,
        "finding_numbers": {f.id: n for n, f in enumerate(findings, start=1)},
        "chronology": review.chronology,
        "extensions": review.extensions,
        "deadline_days": current_app.config["REVIEW_DEADLINE_WORKING_DAYS"],
        "conditions": _conditions(review),
        "caseload_max": current_app.config["CASELOAD_REFERENCE_MAX"],
        "workload_max": current_app.config["WORKLOAD_REFERENCE_PERCENT"],
        "factor_groups": groups,
        "factor_numbers": {
            f.id: n
            for n, f in enumerate(
                (f for g in groups for level in g["levels"] for f in level["factors"]), start=1
            )
        },
        "entry_numbers": {e.id: n for n, e in enumerate(review.chronology, start=1)},
        "category_labels": {c.key: c.label for c in vocab.SYSTEMIC_FACTOR_CATEGORIES},
        "statements": [
            s for s in review.statements if lifecycle.is_submitted(s) or s.declined_at is not None
        ],
        "participant_roles": {
            p.user_id: vocab.label(vocab.PARTICIPANT_ROLES, p.role_in_case)
            for p in review.participants
        },
        "balance": _balance(findings),
        "actions": plan_actions(review),
        "audit": _audit(review),
        # api-v1.1 C: quality assurance's ratings, in the sign-off (none before approval;
        # a review approved before 1.1 says it has none)
        "ratings": ratings.shown(review),
        "before_ratings": ratings.BEFORE_RATINGS_SENTENCE,
    }


def _contents(findings: list[Finding]) -> list[dict[str, Any]]:
    """The contents page: every section, and the two summaries inside sections 7 and 9.

    The findings themselves are in the PDF's bookmarks (one per finding) rather than here,
    which keeps the contents to one page however many findings there are.
    """

    def entry(id_: str, title: str, children: list[dict[str, Any]] | None = None) -> Any:
        return {"id": id_, "title": title, "children": children or []}

    in_findings = [entry("balance", "Balance of the findings")] if findings else []
    return [
        entry("summary", "1. Summary and overall judgement"),
        entry("case", "2. The case"),
        entry("chronology", "3. Chronology"),
        entry("conditions", "4. Working conditions"),
        entry("factors", "5. Systemic factors"),
        entry("statements", "6. Practitioners’ statements"),
        entry("findings", f"7. Findings ({len(findings)})", in_findings),
        entry("actions", "8. Learning and action plan"),
        entry(
            "sign-off",
            "9. Sign-off",
            [
                entry("ratings", "Ratings against the inspectorate’s standards"),
                entry("audit", "Audit summary"),
            ],
        ),
    ]


def _conditions(review: Review) -> list[dict[str, Any]]:
    """Caseload contexts grouped by participant, each with the reference points it exceeds."""
    caseload_max = current_app.config["CASELOAD_REFERENCE_MAX"]
    workload_max = current_app.config["WORKLOAD_REFERENCE_PERCENT"]
    people: dict[int, dict[str, Any]] = {}
    for context in review.caseload_contexts:
        participant = context.participant
        person = people.setdefault(
            participant.id,
            {
                "name": participant.user.name,
                "role": vocab.label(vocab.PARTICIPANT_ROLES, participant.role_in_case),
                "contexts": [],
            },
        )
        flags = []
        caseload_over = context.caseload_count > caseload_max
        workload_over = context.workload_percent > workload_max
        if caseload_over:
            flags.append(
                f"Caseload of {context.caseload_count} is above the reference maximum "
                f"of {caseload_max} cases."
            )
        if workload_over:
            flags.append(
                f"Workload of {context.workload_percent}% is above the {workload_max}% "
                "workload measurement tool reference point."
            )
        person["contexts"].append(
            {
                "context": context,
                "flags": flags,
                "caseload_over": caseload_over,
                "workload_over": workload_over,
            }
        )
    for person in people.values():
        person["contexts"].sort(key=lambda row: (row["context"].period_start, row["context"].id))
    return list(people.values())


def factor_groups(factors: list[SystemicFactor]) -> list[dict[str, Any]]:
    """Factors grouped by category (taxonomy order), then by level (team to national)."""
    groups = []
    for category in vocab.SYSTEMIC_FACTOR_CATEGORIES:
        members = [f for f in factors if f.category == category.key]
        if not members:
            continue
        levels = []
        for level in vocab.FACTOR_LEVELS:
            at_level = [f for f in members if f.level == level.key]
            if at_level:
                levels.append({"key": level.key, "label": level.label, "factors": at_level})
        groups.append({"category": category, "levels": levels})
    return groups


def _balance(findings: list[Finding]) -> dict[str, Any]:
    from sfo_review.lifecycle import finding_is_balanced, is_individual_shortfall

    judgements = Counter(f.judgement for f in findings)
    attributions = Counter(a for f in findings for a in f.attribution)
    individual = [f for f in findings if is_individual_shortfall(f)]
    counted = [(c.label, judgements[c.key]) for c in vocab.JUDGEMENTS if judgements[c.key]]
    total = len(findings)
    sentence = f"{total} finding{'s' if total != 1 else ''}"
    if counted:
        sentence += ": " + ", ".join(f"{count} {label.lower()}" for label, count in counted)
    return {
        "total": total,
        "sentence": sentence,
        "attributions": [
            (c.label, attributions[c.key]) for c in vocab.ATTRIBUTIONS if attributions[c.key]
        ],
        "individual": len(individual),
        "individual_balanced": sum(1 for f in individual if finding_is_balanced(f)),
        "with_replies": sum(1 for f in findings if f.responses and not points_elsewhere(f)),
    }


def _audit(review: Review) -> dict[str, Any]:
    transitions = db.session.execute(
        select(AuditEvent)
        .options(joinedload(AuditEvent.user))
        .where(AuditEvent.review_id == review.id, AuditEvent.action == "review.transitioned")
        .order_by(AuditEvent.id)
    ).scalars()
    rows = db.session.execute(
        select(AuditEvent.action, func.count())
        .where(AuditEvent.review_id == review.id, AuditEvent.action.not_in(READ_EVENTS))
        .group_by(AuditEvent.action)
        .order_by(AuditEvent.action)
    ).all()
    return {
        "transitions": [
            {"when": e.created_at, "summary": e.summary, "who": e.user.name if e.user else None}
            for e in transitions
        ],
        "counts": [(history_words.label(action), count) for action, count in rows],
    }


# ---- the family summary ---------------------------------------------------------------


# Around the NOT FOR DISCLOSURE margin mark in the family summary's HTML: approval keeps a
# copy without it (services/reports/disclosure.py, docs/pdf.md).
NFD_START = "/* not-for-disclosure */"
NFD_END = "/* end not-for-disclosure */"


# The approved family summary without the mark, stored under its own key (docs/pdf.md).
DISCLOSABLE = "family_summary-disclosable"


def may_disclose(review: Review) -> bool:
    """The family summary may be given to the family: approved, and a conviction recorded."""
    return lifecycle.is_finished(review) and criminal_case.is_convicted(review)


def without_disclosure_mark(html: str) -> str | None:
    """The family summary's HTML with its NOT FOR DISCLOSURE mark taken out (None when it
    has none): everything else byte for byte as approved."""
    start = html.find(NFD_START)
    end = html.find(NFD_END, start)
    if start < 0 or end < 0:
        return None
    return html[:start] + html[end + len(NFD_END) :]


def family(review: Review) -> dict[str, Any]:
    plain = family_summary.plain(review)
    return {
        "plain": plain,
        "summary": plain(review.family_summary),
        "questions": sorted(review.family_questions, key=lambda q: (q.asked_on, q.id)),
        "level_phrases": LEVEL_PHRASES,
        "actions": plan_actions(review),
        "category_labels": {c.key: c.label for c in vocab.SYSTEMIC_FACTOR_CATEGORIES},
        "contact": current_app.config["FAMILY_CONTACT"],
        "not_for_disclosure": not may_disclose(review),
        "nfd_start": Markup(NFD_START),  # noqa: S704 - a constant
        "nfd_end": Markup(NFD_END),  # noqa: S704 - a constant
    }
