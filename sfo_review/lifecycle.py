"""The review lifecycle: one table of allowed transitions and the rules each needs.

`unmet_rules()` returns *every* rule not met, each with the field it concerns, a sentence
for a person, and the page where it can be fixed (an endpoint name for url_for).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import ColumnElement, and_, or_, select

from sfo_review import action_levels, clock
from sfo_review import just_culture as jc
from sfo_review.models import (
    Action,
    CaseloadContext,
    DeadlineExtension,
    Finding,
    FindingAttribution,
    Participant,
    Review,
    Statement,
    finding_caseload_contexts,
    finding_subjects,
    finding_systemic_factors,
)
from sfo_review.sqlfuncs import stripped_length

BALANCE_NOTE_MIN = 100

# --- The lifecycle's words: every status, status group and "may X now?" question, named
# once. Views, services and templates (`lifecycle` is a template global) ask these; a guard
# test (tests/test_lifecycle_words.py) fails for a status string compared anywhere else.

# A review's statuses, in order (vocab.STATUSES labels them).
IN_REVIEW = "in_review"
FACTUAL_ACCURACY = "factual_accuracy"
QUALITY_ASSURANCE = "quality_assurance"
APPROVED = "approved"
CLOSED = "closed"
STAGES = (IN_REVIEW, FACTUAL_ACCURACY, QUALITY_ASSURANCE, APPROVED, CLOSED)

# Content (evidence, findings, judgement, statements' inclusion, addenda) may change: the
# edit window. It shuts when the review goes to quality assurance.
EDITABLE = (IN_REVIEW, FACTUAL_ACCURACY)
# Approved or closed: frozen, the deadline no longer applies, the PDF is final (no DRAFT).
FINISHED = (APPROVED, CLOSED)
# Quality assurers see every review from quality assurance on (before: the ones they countersign).
WITH_QUALITY_ASSURANCE = (QUALITY_ASSURANCE, APPROVED, CLOSED)


def is_editable(review: Review) -> bool:
    """The edit window is open (whose edit it is, is permissions.can_edit_content)."""
    return review.status in EDITABLE


def is_finished(review: Review) -> bool:
    return review.status in FINISHED


def is_closed(review: Review) -> bool:
    return review.status == CLOSED


def at_quality_assurance(review: Review) -> bool:
    """Waiting for the countersigner: approve, or return to in review."""
    return review.status == QUALITY_ASSURANCE


# Officers write, submit or decline their statements in review and at factual accuracy.
TAKES_STATEMENTS = (IN_REVIEW, FACTUAL_ACCURACY)


def accepts_statements(review: Review) -> bool:
    """Officers write, submit or decline their statements while the review is in review or at
    factual accuracy (api-v1.1 A)."""
    return review.status in TAKES_STATEMENTS


def accepts_responses(review: Review) -> bool:
    """Participants reply to the draft findings during the factual accuracy check only."""
    return review.status == FACTUAL_ACCURACY


def shares_findings(review: Review) -> bool:
    """Officers see the findings (and the action plan) from the factual accuracy check on."""
    return review.status != IN_REVIEW


def actions_with_leadership(review: Review) -> bool:
    """Leadership add and complete actions once the review is approved (until it is closed)."""
    return review.status == APPROVED


def shows_return_reason(review: Review) -> bool:
    """Back in review after quality assurance returned it, with the reason still to act on."""
    return review.status == IN_REVIEW and bool(review.return_reason)


# A statement's statuses: a private draft, then submitted or declined (both final).
DRAFT = "draft"
SUBMITTED = "submitted"
DECLINED = "declined"
ANSWERED = (SUBMITTED, DECLINED)

# A deadline extension request's statuses: waiting, then decided or withdrawn.
REQUESTED = "requested"
AGREED = "agreed"
REFUSED = "refused"
WITHDRAWN = "withdrawn"
DECISIONS = (AGREED, REFUSED)


def _status_in(row: object, statuses: tuple[str, ...]) -> bool:
    """`row`'s status is one of `statuses`; no row (None: not begun) is in none of them."""
    return getattr(row, "status", None) in statuses


def is_submitted(statement: Statement | None) -> bool:
    return _status_in(statement, (SUBMITTED,))


def is_declined(statement: Statement | None) -> bool:
    return _status_in(statement, (DECLINED,))


def has_answered(statement: Statement | None) -> bool:
    """The officer has submitted a statement or declined to give one."""
    return _status_in(statement, ANSWERED)


def is_waiting(extension: DeadlineExtension) -> bool:
    """The request waits for a decision (it may still be agreed, refused or withdrawn)."""
    return _status_in(extension, (REQUESTED,))


def is_agreed(extension: DeadlineExtension) -> bool:
    return _status_in(extension, (AGREED,))


def extensions_open(review: Review) -> bool:
    """Extensions are asked for and decided until the review is finished."""
    return not is_finished(review)


# An action's statuses (vocab.ACTION_STATUSES labels them, api-v1.1 B): the owner moves it
# open -> in progress -> done; someone else checks it worked (verified) or sends it back.
OPEN = "open"
IN_PROGRESS = "in_progress"
DONE = "done"
VERIFIED = "verified"
# Done by the owner: done, or done and since verified.
COMPLETED = (DONE, VERIFIED)


def is_done(action: Action) -> bool:
    """The owner has said it is done (it may since have been verified)."""
    return _status_in(action, COMPLETED)


def is_verified(action: Action) -> bool:
    return _status_in(action, (VERIFIED,))


def awaits_verification(action: Action) -> bool:
    return _status_in(action, (DONE,))


def in_agreed_plan(action: Action) -> bool:
    """Part of the action plan agreed at approval, which the approved PDFs show (api-v1.1 B):
    approval sets `agreed_at`; an action from before 1.1 counts when it existed at approval.
    Actions added after approval never do."""
    if action.agreed_at is not None:
        return True
    approved_at = action.review.approved_at
    return approved_at is not None and action.created_at <= approved_at


@dataclass(frozen=True)
class UnmetRule:
    field: str
    message: str
    endpoint: str  # where a person fixes it
    params: tuple[tuple[str, int], ...] = ()


RuleCheck = Callable[[Review], list[UnmetRule]]


def _needs_chronology(review: Review) -> list[UnmetRule]:
    if review.chronology:
        return []
    return [UnmetRule("chronology", "Add at least one chronology entry", "evidence.chronology")]


def _needs_finding(review: Review) -> list[UnmetRule]:
    if review.findings:
        return []
    return [UnmetRule("findings", "Add at least one finding", "findings.findings")]


def _needs_caseload_for_responsible_officers(review: Review) -> list[UnmetRule]:
    unmet = []
    for p in review.participants:
        if p.role_in_case == "responsible_officer" and not p.caseload_contexts:
            unmet.append(
                UnmetRule(
                    "caseload_contexts",
                    f"Record the caseload context of {p.user.name} (responsible officer)",
                    "evidence.caseload_contexts",
                )
            )
    return unmet


# --- The individual's side of every finding (api-v1.1 A) ---------------------------------
# A finding judged `insufficient` and attributed to an individual is an *individual shortfall
# finding*: the only kind the balance and just-culture rules apply to. A `good_practice` or
# `sufficient` finding attributed to an individual is praise or a neutral judgement, never blame.

SHORTFALL_JUDGEMENT = "insufficient"
JUST_CULTURE_RATIONALE_MIN = jc.RATIONALE_MIN
STATEMENTS_REASON_MIN = 50
# Outcomes for which the finding only points to another process (no statements or replies):
# rules 1-3 to quality assurance still apply to them, the others do not.
POINTS_ELSEWHERE = jc.OTHER_PROCESS
SYSTEM_LEARNING = jc.SYSTEM_LEARNING


def is_individual_shortfall(finding: object) -> bool:
    """Judged insufficient and attributed (also) to an individual (just_culture.py)."""
    return jc.is_individual_shortfall(finding)


def just_culture_outcome(assessment: object | None) -> str | None:
    """The just-culture guide's outcome, in the contract's order (api-v1.1 A): one
    definition, `just_culture.outcome` — None until the answers that decide it are given."""
    return jc.outcome(jc.answers_of(assessment)) if assessment is not None else None


def just_culture_complete(assessment: object | None) -> bool:
    """Every question answered, both gaps set, a comparator, a rationale of 100 or more."""
    return assessment is not None and jc.is_complete(jc.answers_of(assessment))


def _ids(items: object) -> set[int]:
    """Ids of linked rows, or the ids themselves (a form holds ids, a finding holds rows)."""
    return {getattr(i, "id", i) for i in (items or [])}  # type: ignore[attr-defined]


def subjects_missing_context(finding: object) -> list[Participant]:
    """The finding's subjects who have a caseload context none of which the finding links."""
    linked = _ids(getattr(finding, "caseload_contexts", None))
    return [
        s
        for s in getattr(finding, "subjects", None) or []
        if s.caseload_contexts and not linked & {c.id for c in s.caseload_contexts}
    ]


def finding_context_weighed(finding: object) -> bool:
    """Rule 2: the caseload context of every subject who has one linked and at least one
    systemic factor linked, or a context note of 100 or more characters."""
    note = (getattr(finding, "context_note", None) or "").strip()
    if len(note) >= BALANCE_NOTE_MIN:
        return True
    return bool(getattr(finding, "systemic_factors", None)) and not subjects_missing_context(
        finding
    )


def finding_is_balanced(finding: object) -> bool:
    """The balance rule for one finding (api-v1.1 A, rule 2): it concerns individual shortfall
    findings only; one is balanced when its context is weighed."""
    return not is_individual_shortfall(finding) or finding_context_weighed(finding)


# The SQL forms below are uncorrelated IN (subquery) tests rather than EXISTS: both
# databases evaluate them once per query (PostgreSQL as a hashed subplan, SQLite as an
# ephemeral index) instead of once per finding, which matters across 40,000 findings.
# (Inside such a subquery, a NOT EXISTS correlated on a primary key is one index probe per
# row of the subquery, never per finding: see finding_is_weighed_sql.)


def finding_is_individual_sql() -> ColumnElement[bool]:
    """SQL: the finding (`Finding` in the query) is an individual shortfall finding."""
    return (Finding.judgement == SHORTFALL_JUDGEMENT) & Finding.id.in_(
        select(FindingAttribution.finding_id).where(FindingAttribution.attribution == "individual")
    )


def finding_is_weighed_sql() -> ColumnElement[bool]:
    """SQL form of finding_context_weighed (rule 2): the same rule, for aggregates across
    many reviews (the leadership dashboard's balance measure)."""
    subject = finding_subjects.alias("subject")
    context = CaseloadContext.__table__.alias("subject_context")
    linked = finding_caseload_contexts.alias("linked_context")
    linked_context = CaseloadContext.__table__.alias("linked_subject_context")
    # (finding, subject) pairs where the subject has a context and none of theirs is linked.
    # NOT EXISTS, correlated on the link table's primary key: a NOT IN over (finding,
    # participant) pairs made SQLite compare every pair with every link (two seconds at
    # 10,000 reviews).
    has_context = select(context.c.participant_id)
    linked_pair = (
        select(linked.c.finding_id)
        .join(linked_context, linked_context.c.id == linked.c.caseload_context_id)
        .where(
            linked.c.finding_id == subject.c.finding_id,
            linked_context.c.participant_id == subject.c.participant_id,
        )
    )
    missing = select(subject.c.finding_id).where(
        subject.c.participant_id.in_(has_context), ~linked_pair.exists()
    )
    return or_(
        stripped_length(Finding.context_note) >= BALANCE_NOTE_MIN,
        and_(
            Finding.id.in_(select(finding_systemic_factors.c.finding_id)),
            Finding.id.not_in(missing),
        ),
    )


def finding_is_balanced_sql() -> ColumnElement[bool]:
    return or_(~finding_is_individual_sql(), finding_is_weighed_sql())


def _where_fixed(endpoint: str, fallback: str) -> str:
    """`endpoint` when the app has it, else `fallback` (a page built on another branch)."""
    try:
        if endpoint in current_app.view_functions:
            return endpoint
    except RuntimeError:  # outside an application context: name the intended page
        return endpoint
    return fallback


_Where = tuple[str, tuple[tuple[str, int], ...]]


def _edit(finding: Finding) -> _Where:
    return ("findings.edit_finding", (("finding_id", finding.id),))


def _weighing_rules(finding: Finding) -> list[tuple[str, _Where]]:
    """Rules 1-3: whom it is about, their context weighed, the just-culture assessment."""
    unmet: list[tuple[str, _Where]] = []
    if not finding.subjects:
        unmet.append(
            (
                "finds an individual's practice insufficient: name the people it is about",
                _edit(finding),
            )
        )
    if not finding_context_weighed(finding):
        missing = subjects_missing_context(finding)
        what = "link at least one systemic factor"
        if missing:
            who = ", ".join(s.user.name for s in missing)
            what = f"link the caseload context of {who} and at least one systemic factor"
        unmet.append(
            (
                f"finds an individual's practice insufficient: {what}, or explain in at least "
                f"{BALANCE_NOTE_MIN} characters why no wider factor applied",
                _edit(finding),
            )
        )
    if not just_culture_complete(finding.just_culture):
        page = _where_fixed("findings.just_culture", "findings.edit_finding")
        unmet.append(
            (
                "needs its just-culture assessment completed: answer every question, name the "
                "peer group compared with and give a rationale of at least "
                f"{JUST_CULTURE_RATIONALE_MIN} characters",
                (page, (("finding_id", finding.id),)),
            )
        )
    return unmet


def _learning_rules(finding: Finding) -> list[tuple[str, _Where]]:
    """Rules 4 and 5: system learning names the system; hindsight kept apart."""
    unmet: list[tuple[str, _Where]] = []
    if just_culture_outcome(finding.just_culture) == SYSTEM_LEARNING:
        levels = [a for a in finding.attribution if a != "individual"]
        if not any(f.level in levels for f in finding.systemic_factors):
            unmet.append(
                (
                    "points to system learning: attribute it also to a team, organisational, "
                    "partnership or national level and link a systemic factor of that level",
                    _edit(finding),
                )
            )
    if not any(e.known_at_the_time == "yes" for e in finding.chronology_entries):
        unmet.append(
            (
                "must rest on what was known at the time: link at least one chronology entry "
                "that was known to the practitioner then",
                _edit(finding),
            )
        )
    return unmet


def _heard_rules(finding: Finding) -> list[tuple[str, _Where]]:
    """Rule 6: its subjects' statements settled and every reply to it given an outcome."""
    unmet: list[tuple[str, _Where]] = []
    settled = {s.author_id for s in finding.review.statements if has_answered(s)}
    unsettled = [s for s in finding.subjects if s.user_id not in settled]
    if unsettled:
        who = ", ".join(s.user.name for s in unsettled)
        unmet.append(
            (
                f"is about {who}, whose statement is not yet submitted or declined",
                ("statements.statements", ()),
            )
        )
    unanswered = len([r for r in finding.responses if not r.outcome])
    if unanswered:
        replies = "1 reply" if unanswered == 1 else f"{unanswered} replies"
        unmet.append(
            (
                f"has {replies} without an outcome: record what became of "
                f"{'it' if unanswered == 1 else 'each'}",
                ("findings.finding", (("finding_id", finding.id),)),
            )
        )
    return unmet


def _shortfall_rules(finding: Finding) -> list[UnmetRule]:
    """The six rules to quality assurance for one individual shortfall finding; a finding
    that points to another process (POINTS_ELSEWHERE) needs rules 1-3 only."""
    found = _weighing_rules(finding)
    if just_culture_outcome(finding.just_culture) not in POINTS_ELSEWHERE:
        found += _learning_rules(finding) + _heard_rules(finding)
    return [
        UnmetRule("findings", f"Finding “{finding.title}” {message}", endpoint, params)
        for message, (endpoint, params) in found
    ]


def _shortfall_findings_rules(review: Review) -> list[UnmetRule]:
    return [
        rule for f in review.findings if is_individual_shortfall(f) for rule in _shortfall_rules(f)
    ]


def _statements_settled(review: Review) -> list[UnmetRule]:
    """To factual accuracy: every participant's statement submitted or declined, or the
    reviewer's reason (50 or more characters) for going on without the rest."""
    reason = (review.statements_outstanding_reason or "").strip()
    if len(reason) >= STATEMENTS_REASON_MIN:
        return []
    settled = {s.author_id for s in review.statements if has_answered(s)}
    waiting = [p for p in review.participants if p.user_id not in settled]
    if not waiting:
        return []
    who = ", ".join(p.user.name for p in waiting)
    return [
        UnmetRule(
            "statements",
            f"Statements not yet submitted or declined: {who}. Wait for them, or record why the "
            f"review goes on without them (at least {STATEMENTS_REASON_MIN} characters)",
            "statements.outstanding_reason",
        )
    ]


def factual_accuracy_window_open(review: Review) -> bool:
    """Participants may still reply: the window runs until and including its last day."""
    ends = review.factual_accuracy_ends_on
    return ends is not None and clock.today() <= ends


def factual_accuracy_outstanding(participant: Participant) -> list[Finding]:
    """The findings naming `participant` they have not replied to, unless they said they
    have nothing to add (none then)."""
    if participant.factual_accuracy_done_at is not None:
        return []
    return [
        f
        for f in participant.review.findings
        if any(s.id == participant.id for s in f.subjects)
        and not any(r.author_id == participant.user_id for r in f.responses)
    ]


def _factual_accuracy_heard(review: Review) -> list[UnmetRule]:
    """Before the window's last day has passed, every participant has replied to each finding
    naming them, or said they have nothing to add."""
    if not factual_accuracy_window_open(review):
        return []
    unmet = []
    for p in review.participants:
        outstanding = factual_accuracy_outstanding(p)
        if outstanding:
            titles = ", ".join(f"“{f.title}”" for f in outstanding)
            ends = review.factual_accuracy_ends_on or clock.today()
            unmet.append(
                UnmetRule(
                    "factual_accuracy",
                    f"{p.user.name} is still within their factual accuracy window (until "
                    f"{ends.day} {ends:%B %Y}): they have not replied to {titles} nor said "
                    "they have nothing to add",
                    "findings.findings",
                )
            )
    return unmet


def _needs_overall_judgement(review: Review) -> list[UnmetRule]:
    if review.overall_judgement and review.overall_judgement.strip():
        return []
    return [UnmetRule("overall_judgement", "Write the overall judgement", "reviews.judgement")]


def _needs_countersigner(review: Review) -> list[UnmetRule]:
    if review.countersigner_id:
        return []
    return [UnmetRule("countersigner", "Name a countersigner", "reviews.judgement")]


def _actions_done(review: Review) -> list[UnmetRule]:
    """To closed (api-v1.1 B): every action verified by someone other than its owner."""
    waiting = sum(1 for a in review.actions if not is_verified(a))
    if not waiting:
        return []
    return [
        UnmetRule(
            "actions",
            f"Every action must be verified before the review is closed ({waiting} not "
            "verified yet)",
            "actions.actions",
        )
    ]


def action_plan_unmet(review: Review) -> list[UnmetRule]:
    """The action balance rule (api-v1.1 B), to approved: every systemic factor linked to an
    insufficient finding is addressed by an action at its level or above (action_levels.py).
    One unmet rule per factor, naming it and the level it needs."""
    return [
        UnmetRule(
            "actions",
            f"Systemic factor {action_levels.factor_name(factor)}, "
            f"“{action_levels.factor_description(factor)}”, needs an action at "
            f"{action_levels.levels_phrase(factor.level)} level that addresses it",
            "actions.actions",
        )
        for factor in action_levels.unaddressed(review.findings, review.actions)
    ]


def question_start(text: str, length: int = 60) -> str:
    """The first words of a family's question, to name it (a rule, the audit trail)."""
    words = " ".join(text.split())
    return words if len(words) <= length else words[: length - 1].rstrip() + "…"


def _family_questions_answered(review: Review) -> list[UnmetRule]:
    """To quality assurance: every question the victim's family asked has an answer
    (api-v1.1 C): one rule per unanswered question, quoting its start."""
    unmet = []
    asked = sorted(review.family_questions, key=lambda q: (q.asked_on, q.id))
    for question in asked:
        if question.answer and question.answer.strip():
            continue
        unmet.append(
            UnmetRule(
                "family_questions",
                f"Answer the family’s question “{question_start(question.question)}”",
                "family.answer_question",
                (("question_id", question.id),),
            )
        )
    return unmet


def _family_summary_ready(review: Review) -> list[UnmetRule]:
    """To quality assurance: the summary for the family is written and its check is empty,
    unless `family_summary_exceptions` says why the remaining items stay (api-v1.1 C). One
    rule per item of the check, naming it, with the Summary for the family page's link."""
    from sfo_review.services import family_summary  # the check reads the names on the review

    page = "family.family_summary_page"
    if not (review.family_summary or "").strip():
        return [UnmetRule("family_summary", "Write the summary for the family", page)]
    if (review.family_summary_exceptions or "").strip():
        return []
    return [
        UnmetRule(
            "family_summary",
            f"The summary for the family contains “{item['text']}”: {item['suggestion']} "
            "(or say why it stays)",
            page,
        )
        for item in family_summary.check_items(review, review.family_summary)
    ]


# What each step forward needs of its own.
_STEP_RULES: dict[str, tuple[RuleCheck, ...]] = {
    FACTUAL_ACCURACY: (
        _needs_chronology,
        _needs_finding,
        _needs_caseload_for_responsible_officers,
        _statements_settled,
    ),
    QUALITY_ASSURANCE: (
        _shortfall_findings_rules,
        _factual_accuracy_heard,
        _needs_overall_judgement,
        _needs_countersigner,
        _family_questions_answered,
        _family_summary_ready,
    ),
    APPROVED: (action_plan_unmet,),
}


def _path_to(status: str) -> tuple[RuleCheck, ...]:
    """Every rule of the path up to `status`, earlier steps' too: content stays editable
    until quality assurance, so a rule met at one step (a balanced finding, a chronology)
    may have been broken since, and approval must never pass over one that is unmet."""
    rules: tuple[RuleCheck, ...] = ()
    for step, own in _STEP_RULES.items():
        rules += own
        if step == status:
            return rules
    raise KeyError(status)


TRANSITIONS: dict[tuple[str, str], tuple[RuleCheck, ...]] = {
    (IN_REVIEW, FACTUAL_ACCURACY): _path_to(FACTUAL_ACCURACY),
    (FACTUAL_ACCURACY, QUALITY_ASSURANCE): _path_to(QUALITY_ASSURANCE),
    (QUALITY_ASSURANCE, APPROVED): _path_to(APPROVED),
    # A return needs only its reason, which is part of the request (services/transitions.py).
    (QUALITY_ASSURANCE, IN_REVIEW): (),
    # Content is frozen at approval, which checked every rule above: closing needs only its own.
    (APPROVED, CLOSED): (_actions_done,),
}
# The steps the review's reviewer asks for (the others are quality assurance's and leadership's).
REVIEWER_STEPS = (FACTUAL_ACCURACY, QUALITY_ASSURANCE)
# The countersigner's two answers, given on the Countersign page: approve, or return.
COUNTERSIGN_STEPS = (APPROVED, IN_REVIEW)


def is_return(frm: str, to: str) -> bool:
    """Quality assurance sends the review back to in review (with a reason)."""
    return frm == QUALITY_ASSURANCE and to == IN_REVIEW


def next_statuses(status: str) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == status]


def forward_status(status: str) -> str | None:
    """The next step forward (not a return), for pages that show 'what is next'."""
    for frm, to in TRANSITIONS:
        if frm == status and to != IN_REVIEW:
            return to
    return None


def unmet_rules(review: Review, to: str) -> list[UnmetRule]:
    checks = TRANSITIONS.get((review.status, to))
    if checks is None:
        return [
            UnmetRule(
                "to",
                f"A review that is {review.status.replace('_', ' ')} cannot move to "
                f"{to.replace('_', ' ')}",
                "reviews.overview",
            )
        ]
    return [rule for check in checks for rule in check(review)]
