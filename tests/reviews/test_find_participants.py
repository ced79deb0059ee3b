"""Participants are found by name among the officer accounts (a GET search, no script), as
well as by email; the page says how to get an account for someone who has none."""

from __future__ import annotations

import pytest

from sfo_review.extensions import db
from sfo_review.models import Participant
from tests.helpers_forms import ROLES, expect_status, page, post, sign_in


@pytest.fixture
def officers(make_user):
    made = {
        "priya": make_user("officer", name="Priya Shah"),
        "pria": make_user("officer", name="Pria Underscore_Name"),
        "gone": make_user("officer", name="Priya Gone"),
        "qa": make_user("quality_assurer", name="Priya Assurer"),
    }
    made["gone"].active = False
    db.session.commit()
    return made


def _find(client, review, words):
    return page(client.get(f"/reviews/{review.id}/participants", query_string={"find": words}))


def test_a_reviewer_finds_an_officer_by_name_and_adds_them(client, login_as, full_review, officers):
    data = full_review()
    review = data["review"]
    login_as(user=data["reviewer"])
    soup = _find(client, review, "  PRIYA ")
    choices = {
        i["value"]: i.find_next("label").get_text(" ", strip=True)
        for i in soup.select("input[name=email]")
    }
    # active officers only, not an assurer, not an inactive account
    assert list(choices) == [officers["priya"].email]
    assert "Priya Shah" in choices[officers["priya"].email]
    assert soup.select_one("#found-hint").get_text(strip=True).startswith("1 officer account")
    response = post(
        client,
        f"/reviews/{review.id}/participants",
        {"email": officers["priya"].email, "role_in_case": "previous_officer"},
    )
    assert response.status_code == 302
    assert db.session.query(Participant).filter_by(user_id=officers["priya"].id).count() == 1
    # a participant is not offered again
    assert not _find(client, review, "priya").select("input[name=email][type=radio]")


def test_the_search_words_are_text_not_patterns(client, login_as, full_review, officers):
    data = full_review()
    login_as(user=data["reviewer"])
    soup = _find(client, data["review"], "_")  # one character: too short
    assert "Enter at least 2 letters" in soup.select_one("#find-error").get_text()
    soup = _find(client, data["review"], "e_n")  # "_" is a letter here, not a wildcard
    assert [i["value"] for i in soup.select("input[name=email][type=radio]")] == [
        officers["pria"].email
    ]
    soup = _find(client, data["review"], "%%")
    assert soup.select_one("#found-none") is not None


@pytest.mark.parametrize(
    "words, message",
    [("a", "Enter at least 2 letters of their name"), ("x" * 101, "100 characters or fewer")],
)
def test_bad_searches_say_what_is_wrong(client, login_as, full_review, words, message):
    data = full_review()
    login_as(user=data["reviewer"])
    soup = _find(client, data["review"], words)
    assert message in soup.select_one("#find-error").get_text()
    assert soup.select_one("#find")["aria-describedby"].endswith("find-error")
    assert soup.select_one("input[name=email]")["type"] == "email"  # still able to add by email


def test_hostile_words_are_shown_as_text(client, login_as, full_review):
    data = full_review()
    login_as(user=data["reviewer"])
    response = client.get(
        f"/reviews/{data['review'].id}/participants", query_string={"find": "<script>x</script>"}
    )
    assert "<script>x</script>" not in response.get_data(as_text=True)
    assert "“<script>x</script>”" in page(response).select_one("#found-none").get_text()


def test_the_page_says_how_to_get_an_account(client, login_as, full_review):
    data = full_review()
    login_as(user=data["reviewer"])
    help_text = page(client.get(f"/reviews/{data['review'].id}/participants")).select_one(
        "#no-account"
    )
    assert "Ask an administrator" in help_text.get_text()


SEARCH = {  # who may search: the reviewer; readers see the page but never the search
    "reviewer": 200,
    "other_reviewer": 404,
    "officer": 403,
    "other_officer": 404,
    "quality_assurer": 404,
    "leadership": 200,
    "admin": 404,
    "anonymous": "sign-in",
}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_reviewer_is_offered_the_search(client, login_as, full_review, officers, role):
    data = full_review()
    sign_in(role, data, login_as)
    response = client.get(
        f"/reviews/{data['review'].id}/participants", query_string={"find": "priya"}
    )
    expect_status(response, SEARCH[role])
    if response.status_code == 200:
        found = page(response).select("input[name=email][type=radio]")
        assert bool(found) == (role == "reviewer")
