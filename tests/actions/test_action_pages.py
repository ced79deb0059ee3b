"""The learning and action plan: the list, adding and editing actions, and who may do it when."""

from __future__ import annotations

import pytest

from sfo_review.extensions import db
from sfo_review.models import Action
from sfo_review.services import actions as action_service
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

LIST = "/reviews/{r}/actions"
NEW = "/reviews/{r}/actions/new"
EDIT = "/reviews/{r}/actions/{a}/edit"


def url(template, data, action=None):
    return template.format(r=data["review"].id, a=action.id if action else 0)


def add_action(data, **overrides):
    values = {
        "description": "Review allocation of high-risk cases to PSOs",
        "owner": "Head of PDU",
        "level": "pdu",
        "due_date": "2026-03-31",
        "finding_ids": [data["finding"].id],
    }
    values.update(overrides)
    return action_service.add_action(data["reviewer"], data["review"], values)


def valid(data, **overrides):
    values = {
        "description": "Agree a caseload cap\nfor trainees",
        "owner": "Regional probation director",
        "level": "regional",
        "due_date": ["30", "6", "2026"],
        "finding_ids": [str(data["finding"].id)],
    }
    values.update(overrides)
    return values


def edit_values(action, **overrides):
    values = {
        "description": action.description,
        "owner": action.owner,
        "level": action.level,
        "due_date": [
            str(action.due_date.day),
            str(action.due_date.month),
            str(action.due_date.year),
        ],
        "finding_ids": [str(f.id) for f in action.findings],
        "status": action.status,
        "completion_note": action.completion_note or "",
        "version": str(action.version),
    }
    values.update(overrides)
    return values


READ = {
    "reviewer": 200,
    "other_reviewer": 404,
    "officer": 200,
    "other_officer": 404,
    "quality_assurer": 404,
    "leadership": 200,
    "admin": 404,
    "anonymous": "sign-in",
}
MANAGE = {**READ, "officer": 403}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_read_the_action_plan(client, full_review, login_as, role):
    data = full_review()
    move_to(data, "factual_accuracy")
    sign_in(role, data, login_as)
    expect_status(client.get(url(LIST, data)), READ[role])


def test_officers_see_the_action_plan_with_the_findings(client, full_review, login_as):
    data = full_review()
    login_as(user=data["officer"])
    response = client.get(url(LIST, data))
    assert response.status_code == 403
    assert "with the findings, at the factual accuracy check" in response.get_data(as_text=True)


@pytest.mark.parametrize("template", [NEW, EDIT])
@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_the_action_editor(client, full_review, login_as, role, template):
    data = full_review()
    action = add_action(data)
    sign_in(role, data, login_as)
    expect_status(client.get(url(template, data, action)), MANAGE[role])


def test_list_shows_every_part_of_an_action(client, full_review, login_as):
    data = full_review()
    action = add_action(data)
    login_as(user=data["reviewer"])
    soup = page(client.get(url(LIST, data)))
    assert len(soup.select("h1")) == 1
    row = soup.select_one(f"#action-{action.id}")
    cells = [" ".join(td.get_text(" ").split()) for td in row.select("td")]
    assert cells[0].startswith("Review allocation of high-risk cases to PSOs")
    assert "Responds to: Risk not reassessed" in cells[0]
    assert cells[1] == "Head of PDU PDU (probation delivery unit)"
    assert cells[2] == "31 March 2026"
    assert cells[3] == "Open"
    assert row.select_one("a[href$='/edit']") is not None
    assert soup.select_one(f"a[href='{url(NEW, data)}']") is not None


def test_reviewer_adds_an_action(client, full_review, login_as):
    data = full_review()
    login_as(user=data["reviewer"])
    soup = page(client.get(url(NEW, data)))
    assert soup.select_one("input#due_date-day") is not None
    assert soup.select_one(f"input[name=finding_ids][value='{data['finding'].id}']") is not None
    response = post(client, url(NEW, data), valid(data))
    assert response.status_code == 302, errors(response)
    # api-v1.1 B: the agreed plan has an action already (the balance rule); this one is new
    action = db.session.query(Action).order_by(Action.id.desc()).first()
    assert action is not None and action.agreed_at is None
    assert (action.owner, action.level, action.due_date.isoformat()) == (
        "Regional probation director",
        "regional",
        "2026-06-30",
    )
    assert [f.id for f in action.findings] == [data["finding"].id]
    assert action.status == "open"


def test_empty_action_form_names_every_missing_field(client, full_review, login_as):
    data = full_review()
    login_as(user=data["reviewer"])
    response = post(client, url(NEW, data), {"due_date": ["", "", ""]})
    assert response.status_code == 200
    assert errors(response) == [
        "Enter the description of the action",
        "Enter the owner",
        "Select the level",
        "Enter the due date",
    ]
    links = [a["href"] for a in page(response).select(".govuk-error-summary a")]
    assert links[-1] == "#due_date-day"
    assert db.session.query(Action).count() == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"description": " \n "}, "Enter the description of the action"),
        ({"owner": "   "}, "Enter the owner"),
        ({"owner": "x" * 201}, "Owner must be 200 characters or fewer"),
        ({"description": "x" * 20_001}, "Description of the action must be 20,000 characters"),
        ({"level": "galactic"}, "Select the level"),
        ({"due_date": ["31", "2", "2026"]}, "Due date must be a real date"),
        ({"due_date": ["", "6", "2026"]}, "Due date must include a day"),
        ({"due_date": ["one", "june", "2026"]}, "Due date must be a real date"),
        ({"due_date": "2026-06-30"}, "Due date must include a month and year"),
        ({"due_date": ["1", "2", "3", "4"]}, "Year of the due date must include 4 numbers"),
        ({"finding_ids": ["abc"]}, "Choose findings this action responds to from the list"),
    ],
)
def test_bad_action_input_is_refused_and_nothing_saved(
    client, full_review, login_as, overrides, message
):
    data = full_review()
    login_as(user=data["reviewer"])
    response = post(client, url(NEW, data), valid(data, **overrides))
    assert response.status_code == 200
    assert len(errors(response)) == 1
    assert errors(response)[0].startswith(message)
    assert db.session.query(Action).count() == 0


def test_findings_of_another_review_are_refused(client, full_review, login_as):
    data, other = full_review(), full_review()
    login_as(user=data["reviewer"])
    foreign = other["finding"].id
    response = post(client, url(NEW, data), valid(data, finding_ids=[str(foreign)]))
    assert errors(response) == [f"These ids are not findings of this review: {foreign}"]
    assert db.session.query(Action).count() == 0


def test_hostile_text_is_shown_escaped(client, full_review, login_as):
    data = full_review()
    login_as(user=data["reviewer"])
    response = post(client, url(NEW, data), valid(data, description=HOSTILE, owner=HOSTILE))
    assert response.status_code == 302, errors(response)
    assert db.session.query(Action).one().description == HOSTILE
    html = client.get(url(LIST, data)).get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_edit_form_is_filled_in(client, full_review, login_as):
    data = full_review()
    action = add_action(data)
    login_as(user=data["reviewer"])
    soup = page(client.get(url(EDIT, data, action)))
    assert soup.select_one("input#due_date-day")["value"] == "31"
    assert soup.select_one("input#due_date-month")["value"] == "03"
    assert soup.select_one("input[name=status][value=open]").has_attr("checked")
    assert soup.select_one(f"input[name=finding_ids][value='{data['finding'].id}']").has_attr(
        "checked"
    )
    assert soup.select_one("input[name=version]")["value"] == str(action.version)


def test_done_needs_a_completion_note(client, full_review, login_as):
    data = full_review()
    action = add_action(data)
    login_as(user=data["reviewer"])
    response = post(client, url(EDIT, data, action), edit_values(action, status="done"))
    assert errors(response) == ["Enter a completion note saying what was done"]
    db.session.expire_all()
    assert db.session.get(Action, action.id).status == "open"
    response = post(
        client,
        url(EDIT, data, action),
        edit_values(action, status="done", completion_note="Cap agreed at 40 cases."),
    )
    assert response.status_code == 302, errors(response)
    row = page(client.get(url(LIST, data))).select_one(f"#action-{action.id}")
    assert "Completion note: Cap agreed at 40 cases." in " ".join(row.get_text(" ").split())
    assert row.select_one(".govuk-tag").get_text(strip=True) == "Done"


def test_stale_action_version_is_refused(client, full_review, login_as):
    data = full_review()
    action = add_action(data)
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


def test_bad_status_is_refused(client, full_review, login_as):
    data = full_review()
    action = add_action(data)
    login_as(user=data["reviewer"])
    response = post(client, url(EDIT, data, action), edit_values(action, status="finished"))
    assert errors(response)[0].startswith("Select the status")


def test_leadership_manage_actions_only_after_approval(client, full_review, login_as):
    data = full_review()
    login_as("leadership")
    response = post(client, url(NEW, data), valid(data))
    assert errors(response) == ["Leadership manage actions once the review is approved."]
    assert db.session.query(Action).count() == 0
    assert page(client.get(url(LIST, data))).select_one(f"a[href='{url(NEW, data)}']") is None
    move_to(data, "approved")
    assert page(client.get(url(LIST, data))).select_one(f"a[href='{url(NEW, data)}']")
    response = post(client, url(NEW, data), valid(data))
    assert response.status_code == 302, errors(response)
    # api-v1.1 B: the agreed plan has an action already (the balance rule); this one is new
    action = db.session.query(Action).order_by(Action.id.desc()).first()
    assert action is not None and action.agreed_at is None
    response = post(
        client,
        url(EDIT, data, action),
        edit_values(action, status="in_progress"),
    )
    assert response.status_code == 302, errors(response)
    db.session.expire_all()
    assert db.session.get(Action, action.id).status == "in_progress"


def test_reviewer_cannot_change_actions_after_approval(client, full_review, login_as):
    data = full_review()
    action = add_action(data)
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


def test_action_of_another_review_is_not_found(client, full_review, login_as):
    data, other = full_review(), full_review()
    foreign = add_action(other)
    login_as(user=data["reviewer"])
    assert client.get(EDIT.format(r=data["review"].id, a=foreign.id)).status_code == 404
