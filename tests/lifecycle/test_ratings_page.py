"""The Countersign page asks for the ratings against the inspectorate's standards (api-v1.1 C):
GOV.UK radios and a textarea for each standard and overall, errors beside each field and in
the error summary, nothing written on an error; the overview shows them after approval."""

from __future__ import annotations

import pytest

from sfo_review.cli.ratings_data import EXAMPLE_RATINGS, approval_form
from sfo_review.extensions import db
from sfo_review.models import RenderedReport, Review, ReviewRating
from tests import helpers_rules
from tests.helpers_forms import HOSTILE, ROLES, errors, expect_status, move_to, page, post, sign_in

COUNTERSIGN = "/reviews/{r}/countersign"
STANDARDS = tuple(EXAMPLE_RATINGS)
LABELS = {
    "analysis_of_practice": "Analysis of practice",
    "overall_judgements": "Overall judgements",
    "learning": "Learning",
    "victims_and_families": "Victims and families",
    "overall": "Overall",
}


def _at_qa(full_review):
    data = full_review()
    move_to(data, "quality_assurance")
    helpers_rules.address_factors(data["review"])  # api-v1.1 B: the action balance rule
    return data


def _url(data):
    return COUNTERSIGN.format(r=data["review"].id)


def _status(data) -> str:
    db.session.expire_all()
    return db.session.get(Review, data["review"].id).status


def _nothing_written(data) -> None:
    assert _status(data) == "quality_assurance"
    assert db.session.query(ReviewRating).count() == 0
    assert db.session.query(RenderedReport).filter_by(review_id=data["review"].id).count() == 0


def test_each_standard_has_radios_a_legend_a_description_and_a_textarea(
    client, full_review, login_as
):
    data = _at_qa(full_review)
    login_as(user=data["qa"])
    soup = page(client.get(_url(data)))
    form = soup.select_one("#approve-form")
    for standard in STANDARDS:
        fieldset = form.select_one(f"#standard-rating_{standard} fieldset")
        assert fieldset.select_one("legend").get_text(strip=True) == LABELS[standard]
        assert fieldset.select_one(".govuk-hint").get_text(strip=True)
        values = [i["value"] for i in fieldset.select("input[type=radio]")]
        assert values == ["outstanding", "good", "requires_improvement", "inadequate"]
        assert form.select_one(f"textarea#rationale_{standard}") is not None
    # no conditional reveal (axe: aria-expanded on radio inputs)
    assert not form.select("[data-aria-controls], .govuk-radios__conditional")


def test_approving_with_every_rating_stores_them(client, full_review, login_as):
    data = _at_qa(full_review)
    login_as(user=data["qa"])
    response = post(client, _url(data), approval_form())
    assert response.status_code == 302, errors(response)
    assert _status(data) == "approved"
    rows = {r.standard: r for r in db.session.query(ReviewRating).all()}
    assert set(rows) == set(STANDARDS)
    for standard, given in EXAMPLE_RATINGS.items():
        assert rows[standard].rating == given["rating"]
        assert rows[standard].rationale == given["rationale"]
        assert rows[standard].rated_by_id == data["qa"].id


def test_an_empty_approval_names_every_field_beside_it_and_in_the_summary(
    client, full_review, login_as
):
    data = _at_qa(full_review)
    login_as(user=data["qa"])
    response = post(client, _url(data), {"to": "approved"})
    assert response.status_code == 200
    summary = errors(response)
    assert len(summary) == 2 * len(STANDARDS)
    assert "Select a rating for analysis of practice" in summary
    assert "Enter the rationale for victims and families" in summary
    soup = page(response)
    links = [a["href"] for a in soup.select(".govuk-error-summary a")]
    for href in links:  # every summary link points at an input on the page
        assert soup.select_one(href) is not None, href
    for standard in STANDARDS:
        group = soup.select_one(f"#standard-rating_{standard}")
        assert len(group.select(".govuk-error-message")) == 2
    assert soup.title.get_text().startswith("Error:")
    _nothing_written(data)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"rating_learning": ""}, "rating_learning", "Select a rating for learning"),
        (
            {"rating_learning": "excellent"},
            "rating_learning",
            "Select a rating for learning (one of: outstanding, good, requires_improvement, "
            "inadequate)",
        ),
        (
            {"rationale_overall": "Fine."},
            "rationale_overall",
            "The rationale for overall must be 20 characters or more: say why you gave this rating",
        ),
        (
            {"rationale_overall": "x" * 20_001},
            "rationale_overall",
            "Rationale for overall must be 20,000 characters or fewer",
        ),
    ],
)
def test_a_bad_rating_is_named_beside_its_field(
    client, full_review, login_as, change, field, message
):
    data = _at_qa(full_review)
    login_as(user=data["qa"])
    response = post(client, _url(data), {**approval_form(), **change})
    assert response.status_code == 200
    assert errors(response) == [message]
    soup = page(response)
    beside = soup.select_one(
        f"#standard-{field.replace('rationale_', 'rating_')} .govuk-error-message"
    )
    assert message in beside.get_text()
    # what was typed is kept
    kept = soup.select_one("#rationale_analysis_of_practice").get_text()
    assert kept == EXAMPLE_RATINGS["analysis_of_practice"]["rationale"]
    _nothing_written(data)


def test_hostile_text_is_shown_escaped_on_the_page_and_the_overview(client, full_review, login_as):
    data = _at_qa(full_review)
    login_as(user=data["qa"])
    # Too short with the rest? No: long enough, so the page after an error shows it escaped.
    response = post(
        client, _url(data), {**approval_form(), "rationale_learning": HOSTILE, "rating_overall": ""}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    response = post(client, _url(data), {**approval_form(), "rationale_learning": HOSTILE})
    assert response.status_code == 302, errors(response)
    html = client.get(f"/reviews/{data['review'].id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    soup = page(client.get(f"/reviews/{data['review'].id}"))
    assert soup.select_one("#rating-learning").get_text(" ", strip=True).endswith(HOSTILE)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_named_countersigner_approves_with_ratings(client, full_review, login_as, role):
    data = _at_qa(full_review)
    sign_in(role, data, login_as)
    expected = {
        "reviewer": 403,
        "other_reviewer": 404,
        "officer": 403,
        "other_officer": 404,
        "quality_assurer": 403,  # not the named countersigner
        "leadership": 403,
        "admin": 404,
        "anonymous": "sign-in",
    }[role]
    response = client.post(_url(data), data=approval_form())
    expect_status(response, expected)
    _nothing_written(data)


def test_returning_is_unchanged_and_takes_no_ratings(client, full_review, login_as):
    data = _at_qa(full_review)
    login_as(user=data["qa"])
    response = post(client, _url(data), {"to": "in_review", "reason": "Say more about the risk."})
    assert response.status_code == 302, errors(response)
    assert _status(data) == "in_review"
    assert db.session.query(ReviewRating).count() == 0


def test_the_overview_shows_the_ratings_after_approval(client, full_review, login_as):
    data = _at_qa(full_review)
    login_as(user=data["qa"])
    overview = f"/reviews/{data['review'].id}"
    assert page(client.get(overview)).select_one("#ratings") is None  # not before approval
    assert post(client, _url(data), approval_form()).status_code == 302
    soup = page(client.get(overview))
    rows = soup.select("#ratings .govuk-summary-list__row")
    assert [r.select_one("dt").get_text(strip=True) for r in rows] == list(LABELS.values())
    learning = soup.select_one("#rating-learning").get_text(" ", strip=True)
    assert "Requires improvement" in learning
    assert EXAMPLE_RATINGS["learning"]["rationale"] in learning


def test_an_approved_review_without_ratings_says_so(client, full_review, login_as):
    data = _at_qa(full_review)
    review = data["review"]
    review.status = "approved"  # approved before 1.1 (migration 0015): no rating rows
    db.session.flush()
    login_as("leadership")
    soup = page(client.get(f"/reviews/{review.id}"))
    assert soup.select_one("#ratings-none").get_text(strip=True) == (
        "This review was approved before ratings were recorded."
    )
