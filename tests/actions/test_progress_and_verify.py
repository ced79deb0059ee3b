"""The owner's "Update progress" page and someone else's "Verify or send back" page
(api-v1.1 B): who may open each, what they show, and every kind of bad input."""

from __future__ import annotations

from typing import Any

import pytest

from sfo_review.extensions import db
from sfo_review.models import Action, User
from sfo_review.services import actions as action_service
from tests.actions.helpers import (
    LIST,
    PROGRESS,
    VERIFY,
    add_action,
    approved_with_action,
    mark_done,
    url,
)
from tests.helpers_forms import HOSTILE, ROLES, errors, expect_status, page, post, sign_in

WHO = (*ROLES, "owner")
# After approval (the plan is with leadership): only the owner records progress.
PROGRESS_STATUS = {
    "reviewer": 403,
    "other_reviewer": 404,
    "officer": 403,
    "other_officer": 404,
    "quality_assurer": 403,
    "leadership": 403,
    "admin": 404,
    "anonymous": "sign-in",
    "owner": 200,
}
# A done action: leadership and quality assurance verify it, never its owner.
VERIFY_STATUS = {**PROGRESS_STATUS, "quality_assurer": 200, "leadership": 200, "owner": 403}


@pytest.fixture
def approved_action_built(full_review, make_user):
    """`approved_action_built(done=False)`: (action, data, owner): the full review approved
    with one action owned by a leadership user, marked done by them when `done`. A builder
    of tests/snapshots.py: built once per module for each `done`, copied in for the later
    tests, so the tables of who may do what approve a review once, not once per row."""

    def build(done: bool = False) -> tuple[Action, dict[str, Any], User]:
        data = full_review()
        owner = make_user("leadership")
        action, data = approved_with_action(data, owner)
        if done:
            mark_done(action, owner)
        return action, data, owner

    return build


def saved(action):
    db.session.expire_all()
    return db.session.get(Action, action.id)


def version_of(action):
    return str(saved(action).version)


def refused_beside(client, target, action, values, field, message):
    """Posting `values` shows one error, `message`, in the summary and beside `field`."""
    response = post(client, target, {"version": version_of(action), **values})
    assert response.status_code == 200
    assert len(errors(response)) == 1, errors(response)
    assert errors(response)[0].startswith(message)
    assert message in page(response).select_one(f"#{field}-error").get_text()


def as_who(who, data, owner, login_as):
    if who == "owner":
        return login_as(user=owner)
    return sign_in(who, data, login_as)


@pytest.mark.parametrize("who", WHO)
def test_who_may_update_progress(client, approved_action_built, login_as, who):
    action, data, owner = approved_action_built()
    as_who(who, data, owner, login_as)
    expect_status(client.get(url(PROGRESS, data, action)), PROGRESS_STATUS[who])
    values = {"status": "in_progress", "version": version_of(action)}
    response = post(client, url(PROGRESS, data, action), values)
    expect_status(response, 302 if who == "owner" else PROGRESS_STATUS[who])
    assert saved(action).status == ("in_progress" if who == "owner" else "open")


@pytest.mark.parametrize("who", WHO)
def test_who_may_verify(client, approved_action_built, login_as, who):
    action, data, owner = approved_action_built(done=True)
    as_who(who, data, owner, login_as)
    expect_status(client.get(url(VERIFY, data, action)), VERIFY_STATUS[who])


def test_the_owner_may_not_verify_their_own_action(client, approved_action_built, login_as):
    action, data, owner = approved_action_built(done=True)
    login_as(user=owner)
    response = post(
        client,
        url(VERIFY, data, action),
        {"status": "verified", "verification_note": "Mine.", "version": str(saved(action).version)},
    )
    assert response.status_code == 403
    assert "not its owner" in response.get_data(as_text=True)
    assert saved(action).status == "done"


def test_progress_waits_for_approval(client, full_review, login_as, make_user):
    data = full_review()
    owner = make_user("leadership")
    action = add_action(data, owner)
    login_as(user=owner)
    expect_status(client.get(url(PROGRESS, data, action)), 403)


def test_an_action_not_done_is_not_verified(client, approved_action_built, login_as):
    action, data, owner = approved_action_built()
    login_as("leadership")
    expect_status(client.get(url(VERIFY, data, action)), 403)


def test_the_owner_marks_it_done_with_the_evidence(client, approved_action_built, login_as):
    action, data, owner = approved_action_built()
    login_as(user=owner)
    soup = page(client.get(url(PROGRESS, data, action)))
    assert len(soup.select("h1")) == 1
    brief = " ".join(soup.select_one("#action-brief").get_text(" ").split())
    assert "No PSO holds a very high risk case at the next audit." in brief
    # The evidence box sits under the "done" answer (revealed when it is chosen).
    reveal = soup.select_one(".govuk-radios__conditional textarea#completion_note")
    assert reveal is not None
    response = post(
        client,
        url(PROGRESS, data, action),
        {
            "status": "done",
            "completion_note": "Cap agreed\nat 40 cases.",
            "version": version_of(action),
        },
    )
    assert response.status_code == 302, errors(response)
    assert response.headers["Location"].endswith(f"#action-{action.id}")
    row = saved(action)
    assert (row.status, row.completion_note) == ("done", "Cap agreed\nat 40 cases.")
    listing = page(client.get(url(LIST, data)))
    assert "the action is done" in listing.select_one(".govuk-notification-banner").get_text()
    card = listing.select_one(f"#action-{action.id}")
    assert "Done – awaiting verification" in card.select_one(".govuk-tag").get_text()
    assert "Cap agreed" in card.select_one(f"#evidence-{action.id}").get_text()
    assert card.select_one(f"#progress-{action.id}") is None  # done: now someone else's turn
    assert card.select_one(f"#verify-{action.id}") is None  # never the owner's


def test_the_owner_marks_it_in_progress(client, approved_action_built, login_as):
    action, data, owner = approved_action_built()
    login_as(user=owner)
    response = post(
        client,
        url(PROGRESS, data, action),
        {"status": "in_progress", "version": version_of(action)},
    )
    assert response.status_code == 302, errors(response)
    assert saved(action).status == "in_progress"


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({}, "status", "Select whether the action is in progress or done"),
        ({"status": "done"}, "completion_note", "Enter a completion note"),
        ({"status": "done", "completion_note": "  \n "}, "completion_note", "Enter a completion"),
        ({"status": "done", "completion_note": "x" * 20_001}, "completion_note", "Completion note"),
        ({"status": "finished"}, "status", "Select the status"),
    ],
)
def test_bad_progress_is_refused_beside_its_field(
    client, approved_action_built, login_as, values, field, message
):
    action, data, owner = approved_action_built()
    login_as(user=owner)
    refused_beside(client, url(PROGRESS, data, action), action, values, field, message)
    row = saved(action)
    assert (row.status, row.completion_note) == ("open", None)


def test_a_wrong_version_is_refused(client, approved_action_built, login_as):
    action, data, owner = approved_action_built()
    login_as(user=owner)
    for version in ("abc", "99"):
        response = post(
            client,
            url(PROGRESS, data, action),
            {"status": "done", "completion_note": "Done.", "version": version},
        )
        assert response.status_code == 200
        assert len(errors(response)) == 1, errors(response)
        assert saved(action).status == "open"


def test_hostile_evidence_is_shown_escaped(client, approved_action_built, login_as):
    action, data, owner = approved_action_built()
    mark_done(action, owner, note=HOSTILE)
    login_as("leadership")
    for target in (LIST, VERIFY):
        html = client.get(url(target, data, action)).get_data(as_text=True)
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_colleague_verifies_it(client, approved_action_built, login_as):
    action, data, owner = approved_action_built(done=True)
    verifier = login_as("leadership")
    soup = page(client.get(url(VERIFY, data, action)))
    assert soup.select_one("#owner-evidence").get_text(strip=True) == "Cap agreed at 40 cases."
    assert "No PSO holds" in soup.select_one("#action-brief").get_text()
    assert soup.select_one(".govuk-radios__conditional textarea#verification_note") is not None
    assert soup.select_one(".govuk-radios__conditional textarea#reason") is not None
    response = post(
        client,
        url(VERIFY, data, action),
        {
            "status": "verified",
            "verification_note": "Audit seen: no PSO holds one.",
            "version": version_of(action),
        },
    )
    assert response.status_code == 302, errors(response)
    row = saved(action)
    assert (row.status, row.verified_by_id) == ("verified", verifier.id)
    listing = page(client.get(url(LIST, data)))
    assert "Action verified." in listing.select_one(".govuk-notification-banner").get_text()
    card = listing.select_one(f"#action-{action.id}")
    assert card.select_one(".govuk-tag").get_text(strip=True) == "Verified"
    checked = " ".join(card.select_one(f"#verification-{action.id} dd").get_text(" ").split())
    assert checked.startswith(f"Verified by {verifier.name}, ")
    assert "Audit seen: no PSO holds one." in checked
    assert card.select_one(f"#verify-{action.id}") is None


def test_quality_assurance_sends_it_back_with_a_reason(client, approved_action_built, login_as):
    action, data, owner = approved_action_built(done=True)
    login_as("quality_assurer")
    response = post(
        client,
        url(VERIFY, data, action),
        {
            "status": "in_progress",
            "reason": "The audit is not attached.",
            "version": version_of(action),
        },
    )
    assert response.status_code == 302, errors(response)
    row = saved(action)
    assert (row.status, row.sent_back_reason) == ("in_progress", "The audit is not attached.")
    assert (
        "sent back"
        in page(client.get(url(LIST, data))).select_one(".govuk-notification-banner").get_text()
    )
    # The owner sees why, on the list and on the progress page, and may update it again.
    login_as(user=owner)
    listing = page(client.get(url(LIST, data)))
    assert "The audit is not attached." in listing.select_one(f"#sent-back-{action.id}").get_text()
    assert listing.select_one(f"#progress-{action.id}") is not None
    soup = page(client.get(url(PROGRESS, data, action)))
    assert "The audit is not attached." in soup.select_one("#sent-back").get_text()
    # What they wrote before is there to add to.
    assert soup.select_one("textarea#completion_note").get_text().strip() == (
        "Cap agreed at 40 cases."
    )


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({}, "status", "Select whether you verify the action or send it back"),
        ({"status": "verified"}, "verification_note", "Enter a verification note"),
        ({"status": "verified", "verification_note": " "}, "verification_note", "Enter a verif"),
        ({"status": "verified", "verification_note": "x" * 20_001}, "verification_note", "Verif"),
        ({"status": "in_progress"}, "reason", "Enter the reason for sending it back"),
        ({"status": "in_progress", "reason": "x" * 20_001}, "reason", "Reason for sending it"),
        ({"status": "closed"}, "status", "Select the status"),
    ],
)
def test_bad_verification_is_refused_beside_its_field(
    client, approved_action_built, login_as, values, field, message
):
    action, data, owner = approved_action_built(done=True)
    login_as("leadership")
    refused_beside(client, url(VERIFY, data, action), action, values, field, message)
    row = saved(action)
    assert (row.status, row.verification_note, row.sent_back_reason) == ("done", None, None)


def test_hostile_reason_is_shown_escaped_to_the_owner(client, approved_action_built, login_as):
    action, data, owner = approved_action_built(done=True)
    action_service.update_action(
        data["qa"],
        data["review"],
        action,
        {"status": "in_progress", "reason": HOSTILE, "version": saved(action).version},
    )
    login_as(user=owner)
    for target in (LIST, PROGRESS):
        html = client.get(url(target, data, action)).get_data(as_text=True)
        assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_stale_decision_is_shown_and_not_saved(client, approved_action_built, login_as):
    action, data, owner = approved_action_built(done=True)
    login_as("leadership")
    loaded = version_of(action)
    action_service.update_action(
        owner, data["review"], action, {"success_measure": "Changed.", "version": int(loaded)}
    )
    response = post(
        client,
        url(VERIFY, data, action),
        {"status": "verified", "verification_note": "Seen.", "version": loaded},
    )
    assert response.status_code == 200
    assert errors(response)[0].startswith("This was changed by someone else")
    assert page(response).select_one("#stale-help") is not None
    assert page(response).select_one("input[name=version]")["value"] == version_of(action)
    assert saved(action).status == "done"
