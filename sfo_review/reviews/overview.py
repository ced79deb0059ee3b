"""What the overview and the list show about a review: the task list, the next step, what is
asked of an officer.

Read-only summaries of the review for the pages; every rule they report on (the balance
rule, the unmet rules of the next transition) comes from lifecycle.py. The task list uses
the four statuses of the GOV.UK task list component, with these rules:

- notification details: Completed (a review cannot exist without them);
- participants: Not started (none) · In progress (no responsible officer yet) · Completed;
- chronology: Not started (none) · In progress (no entry marked significant) · Completed;
- caseload context: Cannot start yet (no participants) · Not started (none recorded) ·
  In progress (a responsible officer has none) · Completed (every responsible officer has one);
- systemic factors: Not started (none) · Completed (at least one);
- statements: Cannot start yet (no participants) · Not started (no statement begun) ·
  In progress (some participant has not answered) · Completed (every participant submitted a
  statement or declined with a reason);
- findings: Not started (none) · In progress (an individual shortfall finding lacks weighed
  context) · Completed (at least one, all balanced);
- overall judgement: Completed (written) · Cannot start yet (no findings) · Not started;
- countersigner: Completed (named) · Not started;
- actions: Cannot start yet (no findings) · Not started (none) · In progress (an
  insufficient finding has no action; after approval: an action is not done) · Completed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import url_for
from sqlalchemy import func, select

from sfo_review import lifecycle, vocab
from sfo_review import permissions as perm
from sfo_review.extensions import db
from sfo_review.models import Finding, FindingResponse, Participant, Review, Statement, User

NOT_STARTED = "Not started"
IN_PROGRESS = "In progress"
COMPLETED = "Completed"
CANNOT_START = "Cannot start yet"
STATUSES = (NOT_STARTED, IN_PROGRESS, COMPLETED, CANNOT_START)


@dataclass(frozen=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True)
class Task:
    """One row of the task list: a section of the review, how far it has got."""

    key: str
    name: str
    href: str | None  # None: nothing to open (cannot start yet, or not for this user)
    hint: str
    status: str
    details: list[Link] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.status == COMPLETED

    def component_status(self) -> dict[str, Any]:
        """The `status` parameter of govukTaskList: words first, the colour only repeats them."""
        if self.status == NOT_STARTED:
            return {"tag": {"text": NOT_STARTED, "classes": "govuk-tag--blue"}}
        if self.status == IN_PROGRESS:
            return {"tag": {"text": IN_PROGRESS, "classes": "govuk-tag--light-blue"}}
        if self.status == CANNOT_START:
            return {"text": CANNOT_START, "classes": "govuk-task-list__status--cannot-start-yet"}
        return {"text": COMPLETED}


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


def _href(allowed: bool, endpoint: str, review: Review, anchor: str = "") -> str | None:
    return url_for(endpoint, review_id=review.id) + anchor if allowed else None


def _details_task(user: User, review: Review) -> Task:
    editable = perm.can_edit_content(user, review)
    href = _href(True, "reviews.edit_details", review) if editable else "#notification"
    hint = f"{review.person_initials} ({review.case_reference}), {review.offence_charged}"
    return Task("details", "Notification details", href, hint, COMPLETED)


def _participants_task(user: User, review: Review) -> Task:
    people = review.participants
    has_officer = any(p.role_in_case == "responsible_officer" for p in people)
    status = COMPLETED if has_officer else IN_PROGRESS if people else NOT_STARTED
    hint = _plural(len(people), "participant")
    if people and not has_officer:
        hint += "; no responsible officer yet"
    href = _href(perm.can_see_evidence(user, review), "reviews.participants", review)
    return Task("participants", "Participants", href, hint, status)


def _chronology_task(user: User, review: Review) -> Task:
    entries = review.chronology
    significant = sum(1 for e in entries if e.significant)
    status = COMPLETED if significant else IN_PROGRESS if entries else NOT_STARTED
    hint = f"{_plural(len(entries), 'entry', 'entries')}, {significant} significant"
    href = _href(perm.can_see_evidence(user, review), "evidence.chronology", review)
    return Task("chronology", "Chronology", href, hint, status)


def _caseload_task(user: User, review: Review) -> Task:
    officers = [p for p in review.participants if p.role_in_case == "responsible_officer"]
    missing = [p for p in officers if not p.caseload_contexts]
    contexts = review.caseload_contexts
    if not review.participants:
        status, hint = CANNOT_START, "Add the participants first"
    else:
        status = COMPLETED if contexts and not missing else IN_PROGRESS if contexts else NOT_STARTED
        hint = _plural(len(contexts), "caseload context")
        if missing:
            hint += f"; still to record for {', '.join(p.user.name for p in missing)}"
    allowed = perm.can_see_evidence(user, review) and status != CANNOT_START
    href = _href(allowed, "evidence.caseload_contexts", review)
    return Task("caseload", "Caseload context", href, hint, status)


def _factors_task(user: User, review: Review) -> Task:
    factors = review.systemic_factors
    details = [Link(f"{label}: {count}", "") for label, count in factor_groups(review)]
    href = _href(perm.can_see_evidence(user, review), "evidence.systemic_factors", review)
    status = COMPLETED if factors else NOT_STARTED
    hint = _plural(len(factors), "systemic factor")
    return Task("factors", "Systemic factors", href, hint, status, details)


def _statement_state(statement: Statement | None) -> str:
    if statement is None:
        return "not started"
    return {lifecycle.SUBMITTED: "submitted", lifecycle.DECLINED: "declined with reason"}.get(
        statement.status, "draft saved"
    )


def _statements_task(user: User, review: Review) -> Task:
    by_author = {s.author_id: s for s in review.statements}
    people = review.participants
    states = {p.user_id: _statement_state(by_author.get(p.user_id)) for p in people}
    submitted = sum(1 for state in states.values() if state == "submitted")
    drafted = sum(1 for state in states.values() if state == "draft saved")
    declined = sum(1 for state in states.values() if state == "declined with reason")
    details = []
    for p in people:
        state = states[p.user_id]
        role = vocab.label(vocab.PARTICIPANT_ROLES, p.role_in_case).lower()
        details.append(Link(f"{p.user.name} ({role}): {state}", ""))
    if not people:
        status, hint = CANNOT_START, "Add the participants first: each is asked for a statement"
    else:
        answered = submitted + declined
        status = (
            COMPLETED
            if answered == len(people)
            else IN_PROGRESS
            if drafted + answered
            else NOT_STARTED
        )
        hint = (
            f"{len(people)} requested, {drafted} drafted, {submitted} submitted, "
            f"{declined} declined with reason"
        )
    allowed = perm.can_list_statements(user, review) and status != CANNOT_START
    href = _href(allowed, "statements.statements", review)
    return Task("statements", "Statements", href, hint, status, details)


def _findings_task(user: User, review: Review) -> Task:
    unbalanced = [f for f in review.findings if not lifecycle.finding_is_balanced(f)]
    count = len(review.findings)
    status = NOT_STARTED if not count else IN_PROGRESS if unbalanced else COMPLETED
    hint = _plural(count, "finding")
    if unbalanced:
        hint += f"; context not yet weighed on {_plural(len(unbalanced), 'finding')}"
    # The editor shows the balance indicator; readers open the finding itself.
    endpoint = "findings.edit_finding" if perm.can_edit_review(user, review) else "findings.finding"
    details = [
        Link(f.title, url_for(endpoint, review_id=review.id, finding_id=f.id)) for f in unbalanced
    ]
    href = _href(perm.can_see_findings(user, review), "findings.findings", review)
    return Task("findings", "Findings", href, hint, status, details)


def _judgement_task(user: User, review: Review) -> Task:
    written = bool((review.overall_judgement or "").strip())
    if written:
        status = COMPLETED
    else:
        status = NOT_STARTED if review.findings else CANNOT_START
    hint = "Were all reasonable steps taken to manage the risk?"
    if status == CANNOT_START:
        hint = "Add the findings first: the judgement weighs them"
    allowed = perm.can_edit_review(user, review) and status != CANNOT_START
    href = _href(allowed, "reviews.judgement", review)
    return Task("judgement", "Overall judgement", href, hint, status)


def _countersigner_task(user: User, review: Review) -> Task:
    countersigner = review.countersigner
    href = _href(
        perm.can_edit_review(user, review), "reviews.judgement", review, "#countersigner_email"
    )
    hint = countersigner.name if countersigner else "A quality assurer who countersigns"
    return Task(
        "countersigner",
        "Countersigner",
        href,
        hint,
        COMPLETED if countersigner else NOT_STARTED,
    )


def _actions_status(review: Review) -> str:
    if not review.findings:
        return CANNOT_START
    if not review.actions:
        return NOT_STARTED
    if lifecycle.is_finished(review):
        return COMPLETED if all(lifecycle.is_done(a) for a in review.actions) else IN_PROGRESS
    answered = {f.id for a in review.actions for f in a.findings}
    unanswered = [
        f for f in review.findings if f.judgement == "insufficient" and f.id not in answered
    ]
    return IN_PROGRESS if unanswered else COMPLETED


def _actions_task(user: User, review: Review) -> Task:
    status = _actions_status(review)
    open_actions = sum(1 for a in review.actions if not lifecycle.is_done(a))
    hint = f"{_plural(len(review.actions), 'action')}, {open_actions} not done"
    if status == CANNOT_START:
        hint = "Add the findings first: each action responds to the learning in a finding"
    elif status == IN_PROGRESS and not lifecycle.is_finished(review):
        hint += "; an insufficient finding has no action yet"
    allowed = perm.can_see_findings(user, review) and status != CANNOT_START
    href = _href(allowed, "actions.actions", review)
    return Task("actions", "Actions", href, hint, status)


def tasks(review: Review, user: User) -> list[Task]:
    """The sections of the review in the order a reviewer works through them."""
    builders = (
        _details_task,
        _participants_task,
        _chronology_task,
        _caseload_task,
        _factors_task,
        _statements_task,
        _findings_task,
        _judgement_task,
        _countersigner_task,
        _actions_task,
    )
    return [build(user, review) for build in builders]


@dataclass(frozen=True)
class OfficerPart:
    """What one participant has done on a review so far: their statement, their replies."""

    statement_status: str | None = None  # None: not begun; "draft", "submitted" or "declined"
    replies: int = 0
    done: bool = False  # said they have nothing to add at factual accuracy


def officer_parts(user: User, review_ids: Iterable[int]) -> dict[int, OfficerPart]:
    """The part of `user` on each review, in three queries however many reviews (the list)."""
    ids = list(review_ids)
    if not ids:
        return {}
    statements = dict(
        db.session.execute(
            select(Statement.review_id, Statement.status).where(
                Statement.author_id == user.id, Statement.review_id.in_(ids)
            )
        ).all()
    )
    replies = dict(
        db.session.execute(
            select(Finding.review_id, func.count(FindingResponse.id))
            .join(FindingResponse, FindingResponse.finding_id == Finding.id)
            .where(FindingResponse.author_id == user.id, Finding.review_id.in_(ids))
            .group_by(Finding.review_id)
        ).all()
    )
    done = set(
        db.session.scalars(
            select(Participant.review_id).where(
                Participant.user_id == user.id,
                Participant.review_id.in_(ids),
                Participant.factual_accuracy_done_at.is_not(None),
            )
        )
    )
    return {i: OfficerPart(statements.get(i), replies.get(i, 0), i in done) for i in ids}


def _statement_link(review: Review, part: OfficerPart) -> Link:
    href = url_for("statements.my_statement", review_id=review.id)
    if part.statement_status is None:
        return Link("Write your statement", href)
    if part.statement_status == lifecycle.DRAFT:
        return Link("Finish and submit your statement (draft saved)", href)
    if part.statement_status == lifecycle.DECLINED:
        return Link("You declined to give a statement", href)
    return Link("Statement submitted", href)


def asked_links(review: Review, part: OfficerPart) -> list[Link]:
    """What the review asks of one participant now: at factual accuracy their replies first
    (or that they have nothing to add), then their statement while it is not settled."""
    links = []
    if lifecycle.accepts_responses(review):
        sent = _plural(part.replies, "reply", "replies")
        links.append(
            Link(
                f"Read the draft findings and reply (you have sent {sent})",
                url_for("findings.findings", review_id=review.id),
            )
        )
        if not part.done:
            links.append(
                Link(
                    "Say you have nothing to add",
                    url_for("findings.factual_accuracy_done", review_id=review.id),
                )
            )
    if lifecycle.accepts_statements(review):
        # At factual accuracy a settled statement is no longer asked for: the replies are.
        if not lifecycle.accepts_responses(review) or part.statement_status not in (
            lifecycle.ANSWERED
        ):
            links.append(_statement_link(review, part))
    return links


def asked_by(review: Review, part: OfficerPart) -> date | None:
    """By when the review asks something of this officer (None: nothing asked now)."""
    if lifecycle.accepts_responses(review):
        return review.factual_accuracy_ends_on
    if lifecycle.accepts_statements(review):
        answered = part.statement_status in lifecycle.ANSWERED
        return None if answered else review.effective_due_date
    return None


def asked_of_officer(user: User, review: Review) -> list[Link]:
    return asked_links(review, officer_parts(user, [review.id])[review.id])
