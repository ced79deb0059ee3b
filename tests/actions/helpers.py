"""Shared by the action page tests: an action made through the service, the form's values, and
a review taken to approval with its action plan in place (api-v1.1 B)."""

from __future__ import annotations

from typing import Any

from sfo_review.models import Action, User
from sfo_review.services import actions as action_service
from tests.helpers_forms import move_to

LIST = "/reviews/{r}/actions"
NEW = "/reviews/{r}/actions/new"
EDIT = "/reviews/{r}/actions/{a}/edit"
PROGRESS = "/reviews/{r}/actions/{a}/progress"
VERIFY = "/reviews/{r}/actions/{a}/verify"


def url(template: str, data: dict[str, Any], action: Action | None = None) -> str:
    return template.format(r=data["review"].id, a=action.id if action else 0)


def add_action(data: dict[str, Any], owned_by: User, **overrides: Any) -> Action:
    """A PDU action on the review's team factor and finding (it meets the balance rule)."""
    values: dict[str, Any] = {
        "description": "Review allocation of high-risk cases to PSOs",
        "success_measure": "No PSO holds a very high risk case at the next audit.",
        "owner": "Head of PDU",
        "owner_email": owned_by.email,
        "level": "pdu",
        "due_date": "2027-03-31",
        "review_date": "2027-06-30",
        "finding_ids": [data["finding"].id],
        "systemic_factor_ids": [data["factor"].id],
    }
    values.update(overrides)
    return action_service.add_action(data["reviewer"], data["review"], values)


def form_values(data: dict[str, Any], owned_by: User, **overrides: Any) -> dict[str, Any]:
    """What the add form posts for a good action."""
    values: dict[str, Any] = {
        "description": "Agree a caseload cap\nfor trainees",
        "success_measure": "Trainees hold 40 cases or fewer at the quarterly check.",
        "systemic_factor_ids": [str(data["factor"].id)],
        "finding_ids": [str(data["finding"].id)],
        "level": "regional",
        "owner": "Regional probation director",
        "owner_email": owned_by.email,
        "due_date": ["30", "6", "2027"],
        "review_date": ["31", "12", "2027"],
    }
    values.update(overrides)
    return values


def approved_with_action(
    data: dict[str, Any], owned_by: User, **overrides: Any
) -> tuple[Action, dict[str, Any]]:
    """The full_review approved, with one action owned by `owned_by` (agreed at approval)."""
    action = add_action(data, owned_by, **overrides)
    move_to(data, "approved")
    return action, data


def mark_done(action: Action, owner: User, note: str = "Cap agreed at 40 cases.") -> Action:
    """The owner says it is done, with the evidence."""
    return action_service.update_action(
        owner,
        action.review,
        action,
        {"status": "done", "completion_note": note, "version": action.version},
    )
