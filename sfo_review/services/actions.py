"""Use cases for the learning and action plan (api-v1 "Actions", api-v1.1 B).

Content (what the action is, who owns it, what it addresses) is proposed by the reviewer
while the review is in review or at factual accuracy, may be changed by quality assurance
(the review's countersigner) at quality assurance, and is added to by leadership once the
review is approved. Progress is the owner's (open → in progress → done, with the evidence),
once the review is approved; a leadership or quality assurance user who is not the owner
verifies it or sends it back with a reason. Nothing changes once the review is closed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import func, select

from sfo_review import lifecycle, vocab
from sfo_review import permissions as perm
from sfo_review.extensions import db
from sfo_review.models import Action, ActionReminder, Review, SystemicFactor, User
from sfo_review.models._base import utcnow
from sfo_review.services import notifications
from sfo_review.services import validation as v
from sfo_review.services._common import (
    apply,
    audit,
    check_version,
    require_permission,
    review_edit,
)
from sfo_review.services.errors import Conflict, Forbidden, ValidationFailed

ACTION_RULES: dict[str, v.Rule] = {
    "description": v.long("description of the action"),
    "owner": v.short("owner"),
    "owner_email": v.email("owner's email address"),
    "level": v.enum("level", vocab.keys(vocab.ACTION_LEVELS)),
    "due_date": v.a_date("due date", earliest=v.NOTIFICATIONS_BEGIN, latest_days=v.TEN_YEARS_AHEAD),
    "review_date": v.a_date(
        "review date", earliest=v.NOTIFICATIONS_BEGIN, latest_days=v.TEN_YEARS_AHEAD + 366
    ),
    "success_measure": v.long("success measure"),
    "finding_ids": v.ids("findings"),
    "systemic_factor_ids": v.ids("systemic factors"),
}
# What the owner and the verifiers send to move an action on (the rest is its content).
STATUS_RULES: dict[str, v.Rule] = {
    "status": v.enum("status", vocab.keys(vocab.ACTION_STATUSES)),
    "completion_note": v.long("completion note", required=False),
    "verification_note": v.long("verification note", required=False),
    "reason": v.long("reason for sending it back", required=False),
}
ACTION_EDIT_RULES: dict[str, v.Rule] = {**ACTION_RULES, **STATUS_RULES}

CLOSED_MESSAGE = "This review is closed: its actions can no longer change."
REVIEWER_WINDOW = (
    "Actions can be changed by the reviewer while the review is in review or at factual accuracy."
)
QA_WINDOW = "Quality assurance may add or change actions while the review is at quality assurance."
LEADERSHIP_WINDOW = "Leadership manage actions once the review is approved."
OWNER_MESSAGE = "Enter the email address of an active leadership user"
BEFORE_APPROVAL = "Progress on an action is recorded once the review is approved."


# --- who may do what, now ---------------------------------------------------------------


def _not_closed(review: Review) -> None:
    if lifecycle.is_closed(review):
        raise Conflict(CLOSED_MESSAGE)


def _window(actor: User, review: Review) -> None:
    """May add or change the action plan's content now: the reviewer while the edit window is
    open, the countersigner at quality assurance, leadership once approved; nobody once
    closed (403 for people who never may, 409 for the wrong moment)."""
    require_permission(perm.can_manage_actions(actor, review))
    _not_closed(review)
    if perm.is_reviewer_of(actor, review):
        if not lifecycle.is_editable(review):
            raise Conflict(REVIEWER_WINDOW)
    elif perm.acts_as_quality_assurance(actor):
        require_permission(
            perm.is_countersigner_of(actor, review),
            "Only the review's countersigner may change its actions.",
        )
        if not lifecycle.at_quality_assurance(review):
            raise Conflict(QA_WINDOW)
    elif not lifecycle.actions_with_leadership(review):
        raise Conflict(LEADERSHIP_WINDOW)


def window_open(actor: User, review: Review) -> bool:
    """Whether `actor` may add or change actions now (pages show or hide the buttons)."""
    try:
        _window(actor, review)
    except (Conflict, Forbidden):
        return False
    return True


def may_progress(actor: User, action: Action) -> bool:
    """The owner may mark it in progress or done now: the action is open or in progress and
    the review approved."""
    return (
        perm.is_action_owner(actor, action)
        and not lifecycle.is_done(action)
        and lifecycle.actions_with_leadership(action.review)
    )


def may_verify(actor: User, action: Action) -> bool:
    """A leadership or quality assurance user who can see the review and is not the owner
    may verify the action, or send it back, now: it is done (awaiting verification) and the
    review approved."""
    return (
        perm.can_verify_action(actor, action.review, action)
        and lifecycle.awaits_verification(action)
        and lifecycle.actions_with_leadership(action.review)
    )


def owner_choices() -> list[User]:
    """Who may own an action: the active leadership users, by name."""
    query = select(User).where(User.role == perm.ACTION_OWNER_ROLE, User.active.is_(True))
    return list(db.session.scalars(query.order_by(User.name, User.id)))


# --- the content ------------------------------------------------------------------------


def _owner(email: str) -> User:
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    if user is None or not perm.can_own_actions(user):
        raise ValidationFailed({"owner_email": [OWNER_MESSAGE]})
    return user


def _rows_of(review_rows: list[Any], ids: list[int], field: str, what: str) -> list[Any]:
    own = {row.id: row for row in review_rows}
    missing = [i for i in ids if i not in own]
    if missing:
        v.require(
            {field: [f"These ids are not {what} of this review: " + ", ".join(map(str, missing))]}
        )
    return [own[i] for i in ids]


def _findings(review: Review, ids: list[int]) -> list[Any]:
    return _rows_of(review.findings, ids, "finding_ids", "findings")


def _factors(review: Review, ids: list[int]) -> list[SystemicFactor]:
    return _rows_of(review.systemic_factors, ids, "systemic_factor_ids", "systemic factors")


def _links(review: Review, values: dict[str, Any]) -> dict[str, Any]:
    """The findings and factors named by id (422 for ids of another review)."""
    linked: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key, load in (("finding_ids", _findings), ("systemic_factor_ids", _factors)):
        if key in values:
            try:
                linked[key] = load(review, values.pop(key))
            except ValidationFailed as exc:
                errors.update(exc.fields)
    v.require(errors)
    return linked


def _cross_checks(action: Action | None, values: dict[str, Any], linked: dict[str, Any]) -> None:
    """What no single field says: something to address, and the review date not before the
    due date. Checked against the action as it will be (`action` None: a new one)."""
    errors: dict[str, list[str]] = {}
    findings = linked.get("finding_ids", action.findings if action else [])
    factors = linked.get("systemic_factor_ids", action.systemic_factors if action else [])
    if ("finding_ids" in linked or "systemic_factor_ids" in linked) and not (findings or factors):
        errors["systemic_factor_ids"] = [
            "Select the systemic factors this action addresses, or at least one finding it "
            "responds to"
        ]
    due = values.get("due_date", action.due_date if action else None)
    review_date = values.get("review_date", action.review_date if action else None)
    if due is not None and review_date is not None and review_date < due:
        errors["review_date"] = [
            f"Review date must be on or after the due date ({v.long_date(due)}): that is "
            "when to look at whether it worked"
        ]
    v.require(errors)


T = TypeVar("T")


def _gather(errors: dict[str, list[str]], check: Callable[[], T], default: T) -> T:
    """Run `check`, keeping its field messages in `errors` (so all are reported at once)."""
    try:
        return check()
    except ValidationFailed as exc:
        for field, messages in exc.fields.items():
            errors.setdefault(field, messages)
        return default


def _checked(
    review: Review, action: Action | None, values: dict[str, Any]
) -> tuple[dict[str, Any], User | None]:
    """The findings, factors and owner named in `values` (taken out of it), and the checks
    across fields; every problem at once."""
    errors: dict[str, list[str]] = {}
    nothing: dict[str, Any] = {}
    linked = _gather(errors, lambda: _links(review, values), nothing)
    owner: User | None = None
    if "owner_email" in values:
        email = values.pop("owner_email")
        owner = _gather(errors, lambda: _owner(email), None)
    _gather(errors, lambda: _cross_checks(action, values, linked), None)
    v.require(errors)
    return linked, owner


def _tell_owner(review: Review, action: Action) -> None:
    """Tell the action's owner it is theirs, and record when (the `assigned` reminder)."""
    with db.session.no_autoflush:  # one UPDATE of the action per change (its version +1)
        reminder = db.session.get(ActionReminder, (action.id, "assigned"))
    if reminder is None:
        db.session.add(ActionReminder(action_id=action.id, kind="assigned", sent_at=utcnow()))
    else:
        reminder.sent_at = utcnow()
    notifications.action_assigned(review, action)


@review_edit
def add_action(actor: User, review: Review, data: dict[str, Any]) -> Action:
    _window(actor, review)
    values = v.clean(data, ACTION_RULES)
    linked, owner = _checked(review, None, values)
    assert owner is not None  # noqa: S101 - owner_email is required: _checked raised otherwise
    action = Action(
        review=review,
        status=lifecycle.OPEN,
        findings=linked["finding_ids"],
        systemic_factors=linked["systemic_factor_ids"],
        owner_user=owner,
        **values,
    )
    db.session.add(action)
    db.session.flush()
    _tell_owner(review, action)
    audit(
        review,
        actor,
        "action.added",
        f"Added action for {action.owner} (owner {owner.name})",
        {"id": action.id},
    )
    return action


def _update_content(
    actor: User, review: Review, action: Action, values: dict[str, Any]
) -> list[str]:
    _window(actor, review)
    linked, owner = _checked(review, action, values)
    changed = []
    for key, rows in linked.items():
        relation = "findings" if key == "finding_ids" else "systemic_factors"
        if {r.id for r in getattr(action, relation)} != {r.id for r in rows}:
            setattr(action, relation, rows)
            changed.append(key)
    if owner is not None and owner.id != action.owner_id:
        action.owner_user = owner
        _tell_owner(review, action)
        changed.append("owner_email")
    changed += apply(action, values)
    if changed:
        action.updated_at = utcnow()
    return changed


@review_edit
def update_action(actor: User, review: Review, action: Action, data: dict[str, Any]) -> Action:
    """Change the content (PATCH with content fields) and/or move the action on (`status`
    with its note). Each part is checked by its own rules; nothing is written unless all
    pass."""
    require_permission(perm.can_manage_actions(actor, review))
    _not_closed(review)
    data = dict(data)
    check_version(action, data)
    values = v.clean(data, ACTION_EDIT_RULES, partial=True)
    moves = {k: values.pop(k) for k in list(values) if k in STATUS_RULES}
    changed = _update_content(actor, review, action, values) if values else []
    changed += _move(actor, review, action, moves)
    if changed:
        audit(
            review,
            actor,
            "action.updated",
            f"Updated action for {action.owner} ({action.status.replace('_', ' ')})",
            {"id": action.id, "fields": changed},
        )
    return action


# --- progress and verification ----------------------------------------------------------


def _asked(action: Action, moves: dict[str, Any]) -> dict[str, Any]:
    """What the status part asks to change: a form sends the status and completion note it
    was loaded with, which change nothing (the status stays, as the target)."""
    asked = {k: value for k, value in moves.items() if value is not None}
    if "completion_note" in asked and asked["completion_note"] == action.completion_note:
        asked.pop("completion_note")
    if "status" in asked and asked["status"] == action.status and len(asked) == 1:
        asked.pop("status")
    return asked


def _refuse_extra(moves: dict[str, Any], allowed: tuple[str, ...], why: str) -> None:
    v.require({k: [why] for k in moves if k not in allowed})


def _move(actor: User, review: Review, action: Action, moves: dict[str, Any]) -> list[str]:
    """Returns the fields changed by progress (verification and sending back are events of
    their own in the audit trail)."""
    moves = _asked(action, moves)
    if not moves:
        return []
    target = moves.get("status", action.status)
    if lifecycle.is_verified(action):
        raise Conflict("This action has been verified: it no longer changes.")
    if target == lifecycle.VERIFIED:
        _verify(actor, review, action, moves)
        return []
    if lifecycle.awaits_verification(action) and target != lifecycle.DONE:
        _send_back(actor, review, action, moves)
        return []
    return _progress(actor, review, action, moves)


def _check_verifier(actor: User, review: Review, action: Action) -> None:
    if perm.is_action_owner(actor, action):
        raise Forbidden("Someone other than the action's owner checks that it worked.")
    require_permission(
        perm.can_verify_action(actor, review, action),
        "Actions are verified by leadership or quality assurance.",
    )
    if not lifecycle.actions_with_leadership(review):
        raise Conflict("Actions are verified once the review is approved.")


def _decided(
    review: Review,
    actor: User,
    action: Action,
    what: str,
    tell: Callable[[Review, Action], None],
) -> None:
    """A verifier's decision (`verified` or `sent_back`): in the audit trail, and told to the
    owner."""
    words = what.replace("_", " ").capitalize()
    audit(review, actor, f"action.{what}", f"{words} action for {action.owner}", {"id": action.id})
    tell(review, action)


def _verify(actor: User, review: Review, action: Action, moves: dict[str, Any]) -> None:
    _check_verifier(actor, review, action)
    if not lifecycle.awaits_verification(action):
        raise Conflict("Only an action its owner has marked done can be verified.")
    _refuse_extra(moves, ("status", "verification_note"), "Not used when verifying an action")
    note = moves.get("verification_note")
    if not (note and note.strip()):
        v.require(
            {"verification_note": ["Enter a verification note saying how you checked it worked"]}
        )
    action.status = lifecycle.VERIFIED
    action.verification_note = note
    action.verified_at = utcnow()
    action.verified_by = actor
    _decided(review, actor, action, "verified", notifications.action_verified)


def _send_back(actor: User, review: Review, action: Action, moves: dict[str, Any]) -> None:
    _check_verifier(actor, review, action)
    if moves.get("status") != lifecycle.IN_PROGRESS:
        raise Conflict("A done action is verified, or sent back to in progress with a reason.")
    _refuse_extra(moves, ("status", "reason"), "Not used when sending an action back")
    reason = moves.get("reason")
    if not (reason and reason.strip()):
        v.require({"reason": ["Enter the reason for sending it back: what is still missing"]})
    action.status = lifecycle.IN_PROGRESS
    action.sent_back_reason = reason
    action.sent_back_at = utcnow()
    action.completed_at = None
    _decided(review, actor, action, "sent_back", notifications.action_sent_back)


def _progress(actor: User, review: Review, action: Action, moves: dict[str, Any]) -> list[str]:
    """The owner: open → in progress → done (with the completion note: the evidence)."""
    if not perm.is_action_owner(actor, action):
        who = action.owner_user.name if action.owner_user else "once one is set"
        raise Forbidden(f"Only the action's owner ({who}) records progress on it.")
    if not lifecycle.actions_with_leadership(review):
        raise Conflict(BEFORE_APPROVAL)
    if lifecycle.awaits_verification(action):
        raise Conflict(
            "This action is done and waits for someone else to verify it or send it back."
        )
    _refuse_extra(
        moves, ("status", "completion_note"), "Only a verifier uses this, on a done action"
    )
    target = moves.get("status", action.status)
    note = moves.get("completion_note", action.completion_note)
    if target == lifecycle.DONE and not (note and note.strip()):
        v.require(
            {"completion_note": ["Enter a completion note saying what was done: the evidence"]}
        )
    if target != action.status:
        action.completed_at = utcnow() if target == lifecycle.DONE else None
    changed = apply(action, moves)
    if lifecycle.awaits_verification(action) and "status" in changed:
        notifications.action_done(review, action, actor)
    return changed
