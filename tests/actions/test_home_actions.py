"""The home page tells a leadership user which actions they own and which wait for them to
verify (a quality assurer sees the second list too)."""

from __future__ import annotations

import pytest

from sfo_review.extensions import db
from sfo_review.models import Action, User
from sfo_review.services import actions as action_service
from tests.actions.helpers import (
    LIST,
    VERIFY,
    approved_with_action,
    mark_done,
    url,
)
from tests.helpers_forms import HOSTILE, page
from tests.reviews.test_list_queries import queries

HOME = "/"


def text(tag):
    return " ".join(tag.get_text(" ").split())


def test_an_owner_sees_the_actions_they_own(client, full_review, login_as, make_user):
    owner = make_user("leadership")
    action, data = approved_with_action(full_review(), owner, due_date="2025-01-31")
    login_as(user=owner)
    soup = page(client.get(HOME))
    assert len(soup.select("h1")) == 1
    item = soup.select_one(f"#actions-you-own #owned-{action.id}")
    link = item.select_one("a")
    assert link["href"] == url(LIST, data) + f"#action-{action.id}"
    assert data["review"].reference in link.get_text()
    words = text(item)
    assert "due 31 January 2025" in words
    assert "Overdue" in words and "Open" in words
    assert soup.select_one("#nothing-to-verify") is not None


def test_a_done_action_stays_the_owners_until_verified(client, full_review, login_as, make_user):
    owner = make_user("leadership")
    action, data = approved_with_action(full_review(), owner)
    mark_done(action, owner)
    login_as(user=owner)
    soup = page(client.get(HOME))
    item = soup.select_one(f"#owned-{action.id}")
    assert "Done – awaiting verification" in text(item) and "Overdue" not in text(item)
    # Never theirs to verify.
    assert soup.select_one(f"#to-verify-{action.id}") is None


@pytest.mark.parametrize("role", ["leadership", "quality_assurer"])
def test_colleagues_see_what_waits_for_them_to_verify(
    client, full_review, login_as, make_user, role
):
    owner = make_user("leadership")
    action, data = approved_with_action(full_review(), owner)
    login_as(role)
    assert page(client.get(HOME)).select_one(f"#to-verify-{action.id}") is None
    mark_done(action, owner)
    soup = page(client.get(HOME))
    link = soup.select_one(f"#to-verify-{action.id} a")
    assert link["href"] == url(VERIFY, data, action)
    assert (soup.select_one("#actions-you-own") is not None) == (role == "leadership")


def test_other_roles_see_no_action_lists(client, full_review, login_as, make_user):
    owner = make_user("leadership")
    action, data = approved_with_action(full_review(), owner)
    mark_done(action, owner)
    for user in (data["reviewer"], data["officer"]):
        login_as(user=user)
        soup = page(client.get(HOME))
        assert soup.select_one("#actions-you-own") is None
        assert soup.select_one("#actions-to-verify") is None


def test_an_owner_with_nothing_is_told_so(client, login_as):
    login_as("leadership")
    soup = page(client.get(HOME))
    assert soup.select_one("#nothing-owned") is not None
    assert soup.select_one("#nothing-to-verify") is not None


def test_verified_actions_leave_both_lists(client, full_review, login_as, make_user):
    owner = make_user("leadership")
    action, data = approved_with_action(full_review(), owner)
    mark_done(action, owner)
    checker = login_as("leadership")
    action_service.update_action(
        checker,
        data["review"],
        action,
        {"status": "verified", "verification_note": "Seen.", "version": action.version},
    )
    assert page(client.get(HOME)).select_one(f"#to-verify-{action.id}") is None
    login_as(user=owner)
    assert page(client.get(HOME)).select_one(f"#owned-{action.id}") is None


def test_the_lists_read_no_query_per_action(client, full_review, login_as, make_user):
    owner, checker = make_user("leadership"), make_user("leadership")
    others = [make_user("leadership"), make_user("leadership")]
    first, data = approved_with_action(full_review(), owner)
    more = [
        action_service.add_action(
            checker,
            data["review"],
            {
                "description": f"Follow-up {n}",
                "success_measure": "Seen at the audit.",
                "owner": "Head of PDU",
                "owner_email": other.email,
                "level": "pdu",
                "due_date": "2027-03-31",
                "review_date": "2027-06-30",
                "finding_ids": [],
                "systemic_factor_ids": [data["factor"].id],
            },
        )
        for n, other in enumerate(others)
    ]
    mark_done(first, owner)
    ids = (owner.id, checker.id, [(a.id, a.owner_id) for a in more])

    def counts() -> tuple[int, ...]:
        """The home page's queries for an owner and for a checker (sessions emptied): the
        the lists grow by a done action of another owner."""
        found = []
        for user_id in ids[:2]:
            login_as(user=db.session.get(User, user_id))
            found.append(queries(lambda: client.get(HOME)))
        return tuple(found)

    def done(action_id: int, owner_id: int) -> None:
        mark_done(db.session.get(Action, action_id), db.session.get(User, owner_id))

    done(*ids[2][0])  # each list holds some actions before the count
    one = counts()
    done(*ids[2][1])
    assert counts() == one


def test_hostile_text_is_shown_escaped_on_the_home_page(client, full_review, login_as, make_user):
    owner = make_user("leadership")
    action, _ = approved_with_action(full_review(), owner, description=HOSTILE, owner=HOSTILE)
    mark_done(action, owner)
    for user in (owner, login_as("leadership")):
        login_as(user=user)
        html = client.get(HOME).get_data(as_text=True)
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_home_page_shows_the_ten_due_soonest_and_says_how_many_more(
    client, full_review, login_as, make_user
):
    """A national owner may hold hundreds: the page shows the ten due soonest and the count,
    with one heading for the review list below (not two)."""
    owner = make_user("leadership")
    action, data = approved_with_action(
        full_review(), owner, due_date="2030-01-01", review_date="2030-06-30"
    )
    for day in range(1, 12):  # eleven more, all due before the first
        db.session.add(
            Action(
                review=data["review"],
                description=f"Action {day}",
                owner="Head of PDU",
                level="pdu",
                due_date=action.due_date.replace(year=2029, day=day),
                status="open",
                owner_id=owner.id,
            )
        )
    db.session.commit()
    login_as(user=owner)
    soup = page(client.get(HOME))
    assert len(soup.select("#actions-you-own li")) == 10
    assert soup.select_one(f"#owned-{action.id}") is None  # due last of twelve
    assert "Showing the 10 due soonest of the 12 actions you own" in text(
        soup.select_one("#more-owned")
    )
    headings = [text(h) for h in soup.select("h2")]
    assert headings.count("All reviews") <= 1
