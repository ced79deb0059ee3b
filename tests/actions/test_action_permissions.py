"""The permissions of api-v1.1 B, role by role: who may own an action and who may verify it
(leadership or quality assurance who see the review, never the owner)."""

from __future__ import annotations

import pytest

from sfo_review import permissions as perm
from sfo_review.extensions import db
from tests.helpers_actions import action_owner, add_action
from tests.helpers_forms import move_to


@pytest.mark.parametrize(
    ("role", "active", "allowed"),
    [
        ("leadership", True, True),
        ("leadership", False, False),
        ("quality_assurer", True, False),
        ("reviewer", True, False),
        ("officer", True, False),
        ("admin", True, False),
    ],
)
def test_who_may_own_an_action(make_user, role, active, allowed):
    user = make_user(role)
    user.active = active
    assert perm.can_own_actions(user) is allowed


def test_who_may_verify_an_action(full_review, make_user):
    data = full_review()
    action = add_action(data["reviewer"], data["review"])
    review = data["review"]
    people = {
        "owner": action_owner(),
        "leadership": make_user("leadership"),
        "countersigner": data["qa"],
        "other_qa": make_user("quality_assurer"),
        "reviewer": data["reviewer"],
        "officer": data["officer"],
        "admin": make_user("admin"),
    }

    def verifiers() -> set[str]:
        return {k for k, u in people.items() if perm.can_verify_action(u, review, action)}

    # in review: the other quality assurer cannot see it, the countersigner is not named yet
    assert verifiers() == {"leadership"}
    move_to(data, "approved")
    db.session.refresh(action)
    assert verifiers() == {"leadership", "countersigner", "other_qa"}
    assert perm.is_action_owner(people["owner"], action)
    assert not perm.is_action_owner(people["leadership"], action)
    action.owner_id = None
    assert verifiers() == {"leadership", "countersigner", "other_qa", "owner"}
