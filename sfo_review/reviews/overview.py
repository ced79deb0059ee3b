"""What the overview and the list show about a review: counts, the next step, what is asked.

Read-only summaries of the review for the pages; every rule they report on (the balance
rule, the unmet rules of the next transition) comes from lifecycle.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import url_for

from sfo_review import lifecycle, vocab
from sfo_review.models import Review, User
from sfo_review.services import statements as statement_service


@dataclass(frozen=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True)
class Task:
    """One row of the task list: a section of the review, how far it has got."""

    key: str
    name: str
    href: str
    hint: str
    status: str
    done: bool
    details: list[Link] = field(default_factory=list)


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def rule_links(review: Review, rules: list[lifecycle.UnmetRule]) -> list[Link]:
    """Each unmet rule with the page where a person fixes it."""
    links = []
    for rule in rules:
        values: dict[str, Any] = {"review_id": review.id, **dict(rule.params)}
        links.append(Link(rule.message, url_for(rule.endpoint, **values)))
    return links


def next_step(review: Review) -> tuple[str | None, list[Link]]:
    """The next forward status and every rule it still needs."""
    forward = lifecycle.forward_status(review.status)
    if forward is None:
        return None, []
    return forward, rule_links(review, lifecycle.unmet_rules(review, forward))


def factor_groups(review: Review) -> list[tuple[str, int]]:
    """Systemic factors counted per category, in the order of the taxonomy."""
    counts: dict[str, int] = {}
    for factor in review.systemic_factors:
        counts[factor.category] = counts.get(factor.category, 0) + 1
    return [(c.label, counts[c.key]) for c in vocab.SYSTEMIC_FACTOR_CATEGORIES if c.key in counts]


def _evidence_tasks(review: Review) -> list[Task]:
    rid = review.id
    significant = sum(1 for e in review.chronology if e.significant)
    officers = [p for p in review.participants if p.role_in_case == "responsible_officer"]
    missing = [p for p in officers if not p.caseload_contexts]
    groups = factor_groups(review)
    return [
        Task(
            "participants",
            "Participants",
            url_for("reviews.participants", review_id=rid),
            _plural(len(review.participants), "participant"),
            "Added" if review.participants else "Not started",
            bool(review.participants),
        ),
        Task(
            "chronology",
            "Chronology",
            url_for("evidence.chronology", review_id=rid),
            f"{_plural(len(review.chronology), 'entry', 'entries')}, {significant} significant",
            "Started" if review.chronology else "Not started",
            bool(review.chronology),
        ),
        Task(
            "caseload",
            "Caseload context",
            url_for("evidence.caseload_contexts", review_id=rid),
            _plural(len(review.caseload_contexts), "caseload context")
            + (f"; {len(missing)} responsible officer(s) without one" if missing else ""),
            "Missing for a responsible officer"
            if missing
            else "Recorded"
            if review.caseload_contexts
            else "Not started",
            bool(review.caseload_contexts) and not missing,
        ),
        Task(
            "factors",
            "Systemic factors",
            url_for("evidence.systemic_factors", review_id=rid),
            _plural(len(review.systemic_factors), "systemic factor"),
            "Recorded" if review.systemic_factors else "Not started",
            bool(review.systemic_factors),
            [Link(f"{label}: {count}", "") for label, count in groups],
        ),
    ]


def _writing_tasks(review: Review) -> list[Task]:
    rid = review.id
    submitted = sum(1 for s in review.statements if s.status == "submitted")
    unbalanced = [f for f in review.findings if not lifecycle.finding_is_balanced(f)]
    open_actions = sum(1 for a in review.actions if a.status != "done")
    countersigner = review.countersigner
    return [
        Task(
            "statements",
            "Statements",
            url_for("statements.statements", review_id=rid),
            f"{submitted} of {_plural(len(review.participants), 'participant')} submitted",
            "All submitted"
            if review.participants and submitted >= len(review.participants)
            else "Waiting for participants",
            bool(review.participants) and submitted >= len(review.participants),
        ),
        Task(
            "findings",
            "Findings",
            url_for("findings.findings", review_id=rid),
            _plural(len(review.findings), "finding")
            + (f"; {len(unbalanced)} without the person's context weighed" if unbalanced else ""),
            f"Context missing on {_plural(len(unbalanced), 'finding')}"
            if unbalanced
            else ("Balanced" if review.findings else "Not started"),
            bool(review.findings) and not unbalanced,
            [
                Link(f.title, url_for("findings.finding", review_id=rid, finding_id=f.id))
                for f in unbalanced
            ],
        ),
        Task(
            "judgement",
            "Overall judgement",
            url_for("reviews.judgement", review_id=rid),
            "Were all reasonable steps taken to manage the risk?",
            "Written" if (review.overall_judgement or "").strip() else "Not written",
            bool((review.overall_judgement or "").strip()),
        ),
        Task(
            "countersigner",
            "Countersigner",
            url_for("reviews.judgement", review_id=rid) + "#countersigner_email",
            countersigner.name if countersigner else "A quality assurer who countersigns",
            "Named" if countersigner else "Not named",
            countersigner is not None,
        ),
        Task(
            "actions",
            "Actions",
            url_for("actions.actions", review_id=rid),
            f"{_plural(len(review.actions), 'action')}, {open_actions} not done",
            "Recorded" if review.actions else "Not started",
            bool(review.actions) and open_actions == 0,
        ),
    ]


def tasks(review: Review) -> list[Task]:
    return _evidence_tasks(review) + _writing_tasks(review)


def asked_of_officer(user: User, review: Review) -> list[Link]:
    """What the review asks of one participant now (their statement, their replies)."""
    if review.status == "in_review":
        own = statement_service.own_statement(user, review)
        href = url_for("statements.my_statement", review_id=review.id)
        if own is None:
            return [Link("Write your statement", href)]
        if own.status == "draft":
            return [Link("Finish and submit your statement (draft saved)", href)]
        return [Link("Statement submitted", href)]
    if review.status == "factual_accuracy":
        replies = sum(1 for f in review.findings for r in f.responses if r.author_id == user.id)
        sent = _plural(replies, "reply", "replies")
        return [
            Link(
                f"Read the draft findings and reply (you have sent {sent})",
                url_for("findings.findings", review_id=review.id),
            )
        ]
    return []
