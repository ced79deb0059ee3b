"""Adding and changing an action (api-v1.1 B): what it addresses, how we will know it worked,
its owner's account and its dates; who may open the form, and every kind of bad input."""

from __future__ import annotations

import pytest

from sfo_review.extensions import db
from sfo_review.models import Action
from sfo_review.services import actions as action_service
from tests.actions.helpers import EDIT, LIST, NEW, add_action, form_values, url
from tests.helpers_forms import (
    HOSTILE,
    ROLES,
    errors,
    expect_status,
    move_to,
    page,
    post,
    sign_in,
)

# In review: the reviewer writes the plan; leadership may open the form (the service says
# when they may save); the countersigner is not named yet, so quality assurance cannot see it.
OPEN_FORM = {
    "reviewer": 200,
    "other_reviewer": 404,
    "officer": 403,
    "other_officer": 404,
    "quality_assurer": 404,
    "leadership": 200,
    "admin": 404,
    "anonymous": "sign-in",
}


def edit_values(action, **overrides):
    values = {
        "description": action.description,
        "success_measure": action.success_measure or "",
        "systemic_factor_ids": [str(f.id) for f in action.systemic_factors],
        "finding_ids": [str(f.id) for f in action.findings],
        "level": action.level,
        "owner": action.owner,
        "owner_email": action.owner_user.email if action.owner_user else "",
        "due_date": [
            str(action.due_date.day),
            str(action.due_date.month),
            str(action.due_date.year),
        ],
        "review_date": [
            str(action.review_date.day),
            str(action.review_date.month),
            str(action.review_date.year),
        ],
        "version": str(action.version),
    }
    values.update(overrides)
    return values


@pytest.mark.parametrize("template", [NEW, EDIT])
@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_the_action_form(client, full_review, login_as, make_user, role, template):
    data = full_review()
    action = add_action(data, make_user("leadership"))
    sign_in(role, data, login_as)
    expect_status(client.get(url(template, data, action)), OPEN_FORM[role])


def test_the_form_offers_the_factors_findings_and_leadership_owners(
    client, full_review, login_as, make_user
):
    data = full_review()
    owner = make_user("leadership", name="Dana Director")
    gone = make_user("leadership", name="Gone Leader")
    gone.active = False
    officer = data["officer"]
    db.session.commit()
    login_as(user=data["reviewer"])
    soup = page(client.get(url(NEW, data)))
    assert len(soup.select("h1")) == 1
    factor = soup.select_one(f"input[name=systemic_factor_ids][value='{data['factor'].id}']")
    label = soup.select_one(f"label[for='{factor['id']}']").get_text(strip=True)
    assert label == "Workload and capacity – team level"
    assert soup.select_one(f"input[name=finding_ids][value='{data['finding'].id}']")
    options = {o["value"]: o.get_text(strip=True) for o in soup.select("select#owner_email option")}
    assert options[owner.email] == f"Dana Director ({owner.email})"
    assert options[""] == "Choose the owner"
    assert gone.email not in options and officer.email not in options
    assert soup.select_one("label[for=success_measure]").get_text(strip=True) == (
        "How will we know it worked?"
    )
    assert soup.select_one("input#review_date-day") is not None


def test_reviewer_adds_an_action_with_its_factor_and_owner(
    client, full_review, login_as, make_user
):
    data = full_review()
    owner = make_user("leadership")
    login_as(user=data["reviewer"])
    response = post(client, url(NEW, data), form_values(data, owner))
    assert response.status_code == 302, errors(response)
    action = db.session.query(Action).one()
    assert action.owner_user.id == owner.id
    assert (action.owner, action.level) == ("Regional probation director", "regional")
    assert (action.due_date.isoformat(), action.review_date.isoformat()) == (
        "2027-06-30",
        "2027-12-31",
    )
    assert action.success_measure == "Trainees hold 40 cases or fewer at the quarterly check."
    assert [f.id for f in action.systemic_factors] == [data["factor"].id]
    assert [f.id for f in action.findings] == [data["finding"].id]
    assert action.status == "open"
    banner = page(client.get(url(LIST, data))).select_one(".govuk-notification-banner")
    assert "Action added." in banner.get_text()


def test_an_action_may_address_a_factor_alone(client, full_review, login_as, make_user):
    data = full_review()
    owner = make_user("leadership")
    login_as(user=data["reviewer"])
    response = post(client, url(NEW, data), form_values(data, owner, finding_ids=[]))
    assert response.status_code == 302, errors(response)
    assert db.session.query(Action).one().findings == []


def test_empty_action_form_names_every_missing_field(client, full_review, login_as):
    data = full_review()
    login_as(user=data["reviewer"])
    response = post(client, url(NEW, data), {"due_date": ["", "", ""], "review_date": ["", "", ""]})
    assert response.status_code == 200
    found = errors(response)
    for message in (
        "Enter the description of the action",
        "Enter the success measure",
        "Enter the owner",
        "Select the level",
        "Enter the due date",
        "Enter the review date",
    ):
        assert any(m.startswith(message) for m in found), (message, found)
    soup = page(response)
    # Each message is beside its field too, and the summary links to it.
    assert soup.select_one("#description-error") is not None
    assert soup.select_one("#due_date-error") is not None
    links = [a["href"] for a in soup.select(".govuk-error-summary a")]
    assert "#due_date-day" in links and "#review_date-day" in links
    assert db.session.query(Action).count() == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"description": " \n "}, "description", "Enter the description of the action"),
        ({"success_measure": "  "}, "success_measure", "Enter the success measure"),
        ({"success_measure": "x" * 20_001}, "success_measure", "Success measure must be 20,000"),
        ({"description": "x" * 20_001}, "description", "Description of the action must be 20,000"),
        ({"owner": "x" * 201}, "owner", "Owner must be 200 characters or fewer"),
        ({"level": "galactic"}, "level", "Select the level"),
        ({"due_date": ["31", "2", "2027"]}, "due_date", "Due date must be a real date"),
        ({"review_date": ["", "6", "2027"]}, "review_date", "Review date must include a day"),
        ({"review_date": ["one", "june", "2027"]}, "review_date", "Review date must be a real"),
        (
            {"due_date": ["30", "6", "2027"], "review_date": ["29", "6", "2027"]},
            "review_date",
            "Review date must be on or after the due date",
        ),
        ({"finding_ids": ["abc"]}, "finding_ids", "Choose findings this action responds to"),
        ({"systemic_factor_ids": ["x"]}, "systemic_factor_ids", "Choose systemic factors"),
        ({"systemic_factor_ids": ["999999"]}, "systemic_factor_ids", "These ids are not"),
        ({"finding_ids": ["999999"]}, "finding_ids", "These ids are not findings"),
    ],
)
def test_bad_action_input_is_refused_beside_its_field(
    client, full_review, login_as, make_user, overrides, field, message
):
    data = full_review()
    owner = make_user("leadership")
    login_as(user=data["reviewer"])
    response = post(client, url(NEW, data), form_values(data, owner, **overrides))
    assert response.status_code == 200
    assert len(errors(response)) == 1, errors(response)
    assert errors(response)[0].startswith(message)
    beside = page(response).select_one(f"#{field}-error")
    assert beside is not None and message in beside.get_text()
    assert db.session.query(Action).count() == 0


def test_no_factor_and_no_finding_is_refused(client, full_review, login_as, make_user):
    data = full_review()
    owner = make_user("leadership")
    login_as(user=data["reviewer"])
    values = form_values(data, owner, systemic_factor_ids=[], finding_ids=[])
    response = post(client, url(NEW, data), values)
    assert len(errors(response)) == 1
    assert errors(response)[0].startswith("Select the systemic factors this action addresses")
    assert page(response).select_one("#systemic_factor_ids-error") is not None
    assert db.session.query(Action).count() == 0


@pytest.mark.parametrize("who", ["nobody", "officer", "reviewer", "not an email", "17", "inactive"])
def test_the_owner_must_be_an_active_leadership_user(client, full_review, login_as, make_user, who):
    data = full_review()
    owner = make_user("leadership")
    emails = {
        "nobody": "nobody@example.gov.uk",
        "officer": data["officer"].email,
        "reviewer": data["reviewer"].email,
        "not an email": "not an email",
        "17": "17",
    }
    if who == "inactive":
        gone = make_user("leadership")
        gone.active = False
        db.session.commit()
        emails[who] = gone.email
    login_as(user=data["reviewer"])
    response = post(client, url(NEW, data), form_values(data, owner, owner_email=emails[who]))
    assert response.status_code == 200
    assert len(errors(response)) == 1, errors(response)
    assert page(response).select_one("#owner_email-error") is not None
    assert db.session.query(Action).count() == 0


def test_an_owner_must_be_chosen(client, full_review, login_as, make_user):
    data = full_review()
    login_as(user=data["reviewer"])
    response = post(
        client, url(NEW, data), form_values(data, make_user("leadership"), owner_email="")
    )
    assert len(errors(response)) == 1, errors(response)
    assert page(response).select_one("#owner_email-error") is not None
    assert db.session.query(Action).count() == 0


def test_factors_of_another_review_are_refused(client, full_review, login_as, make_user):
    data, other = full_review(), full_review()
    owner = make_user("leadership")
    login_as(user=data["reviewer"])
    foreign = other["factor"].id
    response = post(
        client, url(NEW, data), form_values(data, owner, systemic_factor_ids=[str(foreign)])
    )
    assert errors(response) == [f"These ids are not systemic factors of this review: {foreign}"]
    assert db.session.query(Action).count() == 0


def test_hostile_text_is_stored_as_typed_and_shown_escaped(
    client, full_review, login_as, make_user
):
    data = full_review()
    owner = make_user("leadership")
    login_as(user=data["reviewer"])
    values = form_values(data, owner, description=HOSTILE, owner=HOSTILE, success_measure=HOSTILE)
    response = post(client, url(NEW, data), values)
    assert response.status_code == 302, errors(response)
    action = db.session.query(Action).one()
    assert action.description == action.success_measure == action.owner == HOSTILE
    html = client.get(url(LIST, data)).get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3


def test_the_form_keeps_hostile_text_escaped_when_shown_again(client, full_review, login_as):
    data = full_review()
    login_as(user=data["reviewer"])
    response = post(client, url(NEW, data), {"description": HOSTILE, "owner": HOSTILE})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_edit_form_is_filled_in(client, full_review, login_as, make_user):
    data = full_review()
    owner = make_user("leadership")
    action = add_action(data, owner)
    login_as(user=data["reviewer"])
    soup = page(client.get(url(EDIT, data, action)))
    assert soup.select_one("input#due_date-day")["value"] == "31"
    assert soup.select_one("input#review_date-month")["value"] == "06"
    chosen = soup.select_one(f"input[name=systemic_factor_ids][value='{data['factor'].id}']")
    assert chosen.has_attr("checked")
    assert soup.select_one(f"input[name=finding_ids][value='{data['finding'].id}']").has_attr(
        "checked"
    )
    assert soup.select_one("select#owner_email option[selected]")["value"] == owner.email
    assert soup.select_one("#success_measure").get_text().strip().startswith("No PSO holds")
    assert soup.select_one("input[name=version]")["value"] == str(action.version)
    # Progress is the owner's, on a page of its own: the content form has no status.
    assert soup.select_one("input[name=status]") is None


def test_reviewer_changes_the_owner_and_dates(client, full_review, login_as, make_user):
    data = full_review()
    first, second = make_user("leadership"), make_user("leadership")
    action = add_action(data, first)
    login_as(user=data["reviewer"])
    values = edit_values(action, owner_email=second.email, review_date=["1", "9", "2027"])
    response = post(client, url(EDIT, data, action), values)
    assert response.status_code == 302, errors(response)
    db.session.expire_all()
    saved = db.session.get(Action, action.id)
    assert saved.owner_user.id == second.id
    assert saved.review_date.isoformat() == "2027-09-01"


def test_edit_refuses_a_review_date_before_the_due_date(client, full_review, login_as, make_user):
    data = full_review()
    action = add_action(data, make_user("leadership"))
    login_as(user=data["reviewer"])
    response = post(
        client, url(EDIT, data, action), edit_values(action, review_date=["1", "1", "2027"])
    )
    assert errors(response)[0].startswith("Review date must be on or after the due date")
    db.session.expire_all()
    assert db.session.get(Action, action.id).review_date.isoformat() == "2027-06-30"


def test_stale_action_version_is_refused(client, full_review, login_as, make_user):
    data = full_review()
    action = add_action(data, make_user("leadership"))
    login_as(user=data["reviewer"])
    stale = edit_values(action, owner="Mine")
    action_service.update_action(
        data["reviewer"], data["review"], action, {"version": action.version, "owner": "Theirs"}
    )
    response = post(client, url(EDIT, data, action), stale)
    assert errors(response)[0].startswith("This was changed by someone else since you opened it")
    assert page(response).select_one("#stale-help") is not None
    db.session.expire_all()
    assert db.session.get(Action, action.id).owner == "Theirs"


def test_leadership_add_actions_only_after_approval(client, full_review, login_as, make_user):
    data = full_review()
    owner = make_user("leadership")
    add_action(data, owner)  # the plan agreed at approval (the balance rule)
    login_as("leadership")
    response = post(client, url(NEW, data), form_values(data, owner))
    assert errors(response) == ["Leadership manage actions once the review is approved."]
    assert db.session.query(Action).count() == 1
    assert page(client.get(url(LIST, data))).select_one("#add-action") is None
    move_to(data, "approved")
    assert page(client.get(url(LIST, data))).select_one("#add-action") is not None
    response = post(client, url(NEW, data), form_values(data, owner))
    assert response.status_code == 302, errors(response)
    assert db.session.query(Action).count() == 2


def test_reviewer_cannot_change_actions_after_approval(client, full_review, login_as, make_user):
    data = full_review()
    action = add_action(data, make_user("leadership"))
    move_to(data, "approved")
    login_as(user=data["reviewer"])
    db.session.refresh(action)
    response = post(client, url(EDIT, data, action), edit_values(action, owner="Late"))
    assert errors(response) == [
        "Actions can be changed by the reviewer while the review is in review or at factual "
        "accuracy."
    ]
    assert (
        "leadership own them"
        in page(client.get(url(LIST, data))).select_one("#window-note").get_text()
    )


def test_action_of_another_review_is_not_found(client, full_review, login_as, make_user):
    data, other = full_review(), full_review()
    foreign = add_action(other, make_user("leadership"))
    login_as(user=data["reviewer"])
    assert client.get(EDIT.format(r=data["review"].id, a=foreign.id)).status_code == 404
