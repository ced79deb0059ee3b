"""Long text fields use the GOV.UK character count: the limit is in the hint without
JavaScript, and the component counts with it."""

from __future__ import annotations

import pytest

from sfo_review.services import statements as statement_service
from tests.helpers import csrf_token, page
from tests.helpers_forms import move_to

LONG_FIELDS = [
    ("details", "judgement", "overall_judgement"),
    ("new chronology entry", "chronology/new", "summary"),
    ("new caseload context", "caseload-contexts/new", "notes"),
    ("new systemic factor", "systemic-factors/new", "description"),
    ("new systemic factor", "systemic-factors/new", "evidence"),
    ("new finding", "findings/new", "narrative"),
    ("new finding", "findings/new", "context_note"),
    ("new action", "actions/new", "description"),
]


def assert_counted(soup, name, limit="20000", words="20,000"):
    area = soup.select_one(f"textarea[name={name}]")
    assert area is not None, name
    wrapper = area.find_parent(class_="govuk-character-count")
    assert wrapper is not None, name
    assert wrapper["data-module"] == "govuk-character-count"
    assert wrapper["data-maxlength"] == limit
    message = wrapper.select_one(f"#{area['id']}-info.govuk-character-count__message")
    assert message.get_text(strip=True) == f"You can enter up to {words} characters"
    assert f"{area['id']}-info" in area["aria-describedby"]
    assert not area.has_attr("maxlength")  # the service checks it and keeps what was typed


@pytest.mark.parametrize(("what", "path", "name"), LONG_FIELDS)
def test_reviewer_forms_count_long_text(client, login_as, full_review, what, path, name):
    data = full_review()
    login_as(user=data["reviewer"])
    soup = page(client.get(f"/reviews/{data['review'].id}/{path}"))
    assert_counted(soup, name)


def test_edit_forms_count_too(client, login_as, full_review):
    data = full_review()
    login_as(user=data["reviewer"])
    rid, fid = data["review"].id, data["finding"].id
    soup = page(client.get(f"/reviews/{rid}/findings/{fid}/edit"))
    assert_counted(soup, "narrative")
    assert_counted(soup, "context_note")


def test_the_officer_statement_is_counted(client, login_as, full_review):
    data = full_review()
    login_as(user=data["officer"])
    assert_counted(page(client.get(f"/reviews/{data['review'].id}/statement")), "body")


def test_a_reply_to_a_finding_is_counted(client, login_as, full_review):
    data = full_review()
    move_to(data, "factual_accuracy")
    login_as(user=data["officer"])
    url = f"/reviews/{data['review'].id}/findings/{data['finding'].id}"
    assert_counted(page(client.get(url)), "body")


def test_the_inclusion_summary_is_counted(client, login_as, full_review):
    data = full_review()
    officer, review = data["officer"], data["review"]
    mine = statement_service.create_statement(officer, review, {"body": "Draft"})
    statement_service.submit_statement(officer, review, mine)
    login_as(user=data["reviewer"])
    soup = page(client.get(f"/reviews/{review.id}/statements/{mine.id}/inclusion"))
    assert_counted(soup, "summary")


def test_text_over_the_limit_is_refused_and_kept(client, login_as, full_review):
    data = full_review()
    login_as(user=data["reviewer"])
    url = f"/reviews/{data['review'].id}/chronology/new"
    token = csrf_token(client, url)
    too_long = "x" * 20_001
    response = client.post(
        url,
        data={
            "csrf_token": token,
            "occurred_on": ["2", "5", "2023"],
            "source": "nDelius",
            "summary": too_long,
        },
    )
    soup = page(response)
    assert response.status_code == 200
    assert soup.select_one(".govuk-error-summary") is not None
    assert soup.select_one("textarea[name=summary]").get_text().strip() == too_long
    assert soup.select_one(".govuk-character-count .govuk-error-message") is not None
