"""api-v1.1 C, the summary written for the family: its check (jargon, staff names, figures,
reading age), the draft, the rule to quality assurance, the page and the API, every role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sfo_review import lifecycle
from sfo_review.extensions import db
from sfo_review.services import family_summary, reviews, transitions
from sfo_review.services.errors import Conflict
from tests.api.conftest import ROLES
from tests.api.support import error
from tests.family.support import HOSTILE, add_question
from tests.helpers import page
from tests.helpers_forms import ROLES as PAGE_ROLES
from tests.helpers_forms import errors, expect_status, move_to, sign_in, text_of
from tests.helpers_rules import FAMILY_SUMMARY
from tests.reviews.helpers import hidden_version, post_as

# This module's fixtures only build (tests/snapshots.py: a build is reused).
SNAPSHOT_PURE = {"summary_data", "summary_world"}

W = dict[str, Any]

# ---- the check ----------------------------------------------------------------------------

JARGON = {
    "The OASys was not updated.": "OASys",
    "Her RoSH was high.": "RoSH",
    "The team was at 100 WMT points.": "WMT",
    "The PO missed the visit.": "PO",
    "A PSO covered the case.": "PSO",
    "The SPO signed it off.": "SPO",
    "The PDU was short of staff.": "PDU",
    "He was managed under MAPPA.": "MAPPA",
    "It was recorded on nDelius.": "nDelius",
    "He was charged under s.18.": "s.18",
    "He was charged under s18.": "s18",
    "He was charged under section 18.": "section 18",
}


@pytest.mark.parametrize("text", JARGON)
def test_each_jargon_term_is_found_with_a_plain_alternative(full_review, text):
    review = full_review()["review"]
    items = [i for i in family_summary.check_items(review, text) if i["kind"] == "jargon"]
    assert [i["text"] for i in items] == [JARGON[text]]
    assert items[0]["suggestion"].startswith(("say", "name"))


ORDINARY = [
    "The police went to the post office to ask about his position.",
    "Po and Spock spoke to the press; the pdu of the story was odd.",  # lower case
    "On 2 May 2023 he moved house. In 2024 he was seen three times.",
    "We are sorry. The sessions happened weekly and the officer was kind.",
    "Is 18 too young? Yes 18 is young.",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_words_and_dates_are_not_flagged(full_review, text):
    review = full_review()["review"]
    assert family_summary.check_items(review, text) == []


def test_staff_names_are_found_in_full_and_by_surname(full_review):
    data = full_review()
    data["officer"].name = officer = "Niamh Quillfeather"
    db.session.commit()
    surname = "Quillfeather"
    text = f"{officer} missed the visit. Later {surname} called. The reviewer read it."
    names = [i["text"] for i in family_summary.check_items(data["review"], text)]
    assert officer in names and surname in names
    reviewer_name = data["reviewer"].name
    found = family_summary.check_items(data["review"], f"Written by {reviewer_name}.")
    assert [i["kind"] for i in found] == ["staff_name"]


def test_caseload_and_workload_figures_are_found(full_review):
    review = full_review()["review"]
    text = "Taking her to 72 cases and 140% WMT. Her caseload was 58. Then 143 again."
    items = family_summary.check_items(review, text)
    figures = [i["text"] for i in items if i["kind"] == "staff_figure"]
    assert "72 cases" in figures and "140%" in " ".join(figures)
    assert any("58" in f for f in figures)
    assert "143" in figures  # the recorded workload figure alone
    assert [i["text"] for i in items if i["kind"] == "jargon"] == ["WMT"]


def test_readability_gives_a_reading_age(full_review):
    review = full_review()["review"]
    plain = family_summary.check(review, "We are sorry. He was not seen for a month.")
    hard = family_summary.check(
        review,
        "Notwithstanding comprehensive organisational deficiencies, the multidisciplinary "
        "safeguarding arrangements demonstrated considerable inconsistency.",
    )
    assert plain["readability"]["reading_age"] < 12 < hard["readability"]["reading_age"]
    assert plain["readability"]["aim"] == 12
    assert family_summary.check(review, "")["readability"]["reading_age"] is None


def test_the_draft_leaves_the_apology_to_the_pdf_and_has_no_names_or_figures(full_review):
    data = full_review()
    review = data["review"]
    text = family_summary.draft(review, "the victim liaison officer")
    assert text.startswith("We want to be open with you")
    assert "sorry" not in text  # the PDF apologises first, once
    assert "2 May" not in text or "2023" in text
    assert review.reference in text and "the victim liaison officer" in text
    assert [i for i in family_summary.check_items(review, text) if i["kind"] != "jargon"] == []
    assert data["officer"].name not in text and "58" not in text and "143" not in text


def test_plain_words_replace_jargon_names_and_figures_in_print(full_review):
    data = full_review()
    plain = family_summary.plain(data["review"])
    out = plain(f"The PO, {data['officer'].name}, had 72 cases; OASys was late under s.18.")
    assert out.startswith("The probation officer, the probation officer,")
    assert "OASys" not in out and "s.18" not in out and "72" not in out
    assert "the the" not in out


# ---- the rule to quality assurance --------------------------------------------------------


def _to_fa(data: W) -> Any:
    review = move_to(data, "factual_accuracy")
    from tests import helpers_rules

    helpers_rules.settle_statements(review, data["officer"])
    helpers_rules.nothing_to_add(review)
    reviews.update_review(
        data["reviewer"],
        review,
        {
            "version": review.version,
            "overall_judgement": "x" * 200,
            "countersigner_email": data["qa"].email,
        },
    )
    return review


def _summary_rules(review: Any) -> list[lifecycle.UnmetRule]:
    return [
        r for r in lifecycle.unmet_rules(review, "quality_assurance") if r.field == "family_summary"
    ]


def test_a_clean_summary_meets_the_rule(full_review):
    review = _to_fa(full_review())
    assert _summary_rules(review) == []


def test_no_summary_blocks_quality_assurance(full_review):
    data = full_review()
    review = _to_fa(data)
    reviews.update_review(
        data["reviewer"], review, {"version": review.version, "family_summary": None}
    )
    rules = _summary_rules(review)
    assert [r.message for r in rules] == ["Write the summary for the family"]
    assert rules[0].endpoint == "family.family_summary_page"
    with pytest.raises(Conflict):
        transitions.transition(data["reviewer"], review, {"to": "quality_assurance"})


def test_each_item_of_the_check_is_one_unmet_rule_until_explained(full_review):
    data = full_review()
    review = _to_fa(data)
    text = f"We are sorry. The PO {data['officer'].name} had 72 cases."
    reviews.update_review(
        data["reviewer"], review, {"version": review.version, "family_summary": text}
    )
    messages = [r.message for r in _summary_rules(review)]
    assert len(messages) == 3
    assert any("“PO”" in m for m in messages) and any("72 cases" in m for m in messages)
    with pytest.raises(Conflict):
        transitions.transition(data["reviewer"], review, {"to": "quality_assurance"})
    reviews.update_review(
        data["reviewer"],
        review,
        {"version": review.version, "family_summary_exceptions": "The family asked for it."},
    )
    assert _summary_rules(review) == []
    transitions.transition(data["reviewer"], review, {"to": "quality_assurance"})
    assert review.status == "quality_assurance"


# ---- the API ------------------------------------------------------------------------------

HIDDEN = {
    "other_reviewer": 404,
    "officer": 404,  # a participant: never the family's material
    "other_officer": 404,
    "quality_assurer": 404,  # not the countersigner; the review is in review
    "admin": 404,
    "anonymous": 401,
}
READ = {"reviewer": 200, "countersigner": 200, "leadership": 200, **HIDDEN}


@pytest.fixture
def summary_world(world: Callable[..., W]) -> W:
    w = world(*ROLES)
    db.session.commit()
    return w


@pytest.mark.parametrize("role", ROLES)
def test_check_permission_matrix(api, summary_world, role):
    w = summary_world
    response = api.get(f"/reviews/{w['id']}/family-summary/check", w["tokens"].get(role))
    assert response.status_code == READ[role], (role, response.get_data(as_text=True))
    if response.status_code >= 400:
        error(response)
    else:
        body = response.get_json()
        assert body["items"] == [] and body["readability"]["reading_age"] is not None


def test_check_unknown_query_parameter_is_422(api, summary_world):
    w = summary_world
    response = api.get(f"/reviews/{w['id']}/family-summary/check?x=1", w["tokens"]["reviewer"])
    assert response.status_code == 422


def test_patch_the_summary_and_the_check_follows(api, summary_world):
    w = summary_world
    url = f"/reviews/{w['id']}"
    version = api.get(url, w["tokens"]["reviewer"]).get_json()["version"]
    text = "We are sorry. The SPO signed it off " + HOSTILE
    response = api.patch(url, w["tokens"]["reviewer"], {"family_summary": text, "version": version})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["family_summary"] == text  # stored as typed
    items = api.get(url + "/family-summary/check", w["tokens"]["leadership"]).get_json()["items"]
    assert [i["text"] for i in items] == ["SPO"]
    officer_view = api.get(url, w["tokens"]["officer"]).get_json()
    assert officer_view["family_summary"] is None
    assert officer_view["family_summary_exceptions"] is None


@pytest.mark.parametrize(
    "value",
    ["x" * 20_001, ["a list"], 42, {"a": 1}],
    ids=["too long", "list", "number", "object"],
)
def test_bad_input_is_422_and_nothing_is_written(api, summary_world, value):
    w = summary_world
    url = f"/reviews/{w['id']}"
    version = api.get(url, w["tokens"]["reviewer"]).get_json()["version"]
    for field in ("family_summary", "family_summary_exceptions"):
        response = api.patch(url, w["tokens"]["reviewer"], {field: value, "version": version})
        assert response.status_code == 422
        assert field in error(response)["fields"]
    assert api.get(url, w["tokens"]["reviewer"]).get_json()["family_summary"] == FAMILY_SUMMARY


def test_only_the_reviewer_patches_it(api, summary_world):
    w = summary_world
    url = f"/reviews/{w['id']}"
    version = api.get(url, w["tokens"]["reviewer"]).get_json()["version"]
    for role in ("countersigner", "leadership"):
        body = {"family_summary": "Changed", "version": version}
        assert api.patch(url, w["tokens"][role], body).status_code == 403
    assert api.patch(
        url, w["tokens"]["officer"], {"family_summary": "x", "version": version}
    ).status_code in (403, 404)


# ---- the page -----------------------------------------------------------------------------

ALL_ROLES = (*PAGE_ROLES, "countersigner")
PAGE_HIDDEN: dict[str, Any] = {
    "other_reviewer": 404,
    "officer": 404,
    "other_officer": 404,
    "quality_assurer": 404,
    "admin": 404,
    "anonymous": "sign-in",
}
PAGE_READ = {"reviewer": 200, "countersigner": 200, "leadership": 200, **PAGE_HIDDEN}
PAGE_WRITE = {**PAGE_READ, "countersigner": 403, "leadership": 403}


@pytest.fixture
def summary_data(full_review):
    data = full_review()
    review = data["review"]
    reviews.update_review(
        data["reviewer"],
        review,
        {"version": review.version, "countersigner_email": data["qa"].email},
    )
    db.session.commit()
    return data


def _sign_in(role, data, login_as):
    if role == "countersigner":
        return login_as(user=data["qa"])
    return sign_in(role, data, login_as)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_may_open_the_page(client, login_as, summary_data, role):
    _sign_in(role, summary_data, login_as)
    response = client.get(f"/reviews/{summary_data['review'].id}/family-summary")
    expect_status(response, PAGE_READ[role])


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("path", ["", "/draft", "/live-check"])
def test_who_may_post(client, login_as, summary_data, role, path):
    _sign_in(role, summary_data, login_as)
    review = summary_data["review"]
    response = post_as(client, role, f"/reviews/{review.id}/family-summary{path}", {})
    expected = PAGE_WRITE[role]
    if expected == 200:
        assert response.status_code in (200, 302)
        return
    expect_status(response, expected)
    db.session.refresh(review)
    assert review.family_summary == FAMILY_SUMMARY


def test_the_link_is_never_shown_to_officers(client, login_as, summary_data):
    """The summary is reached from the Family tab, which officers never see (404)."""
    review_id = summary_data["review"].id
    login_as(user=summary_data["officer"])
    html = client.get(f"/reviews/{review_id}")
    assert page(html).find("a", string="Family") is None
    assert client.get(f"/reviews/{review_id}/family").status_code == 404
    login_as(user=summary_data["reviewer"])
    html = client.get(f"/reviews/{review_id}/family")
    assert page(html).find("a", string="Summary for the family") is not None


def _save(client, review, **fields):
    url = f"/reviews/{review.id}/family-summary"
    version = hidden_version(client.get(url))
    return post_as(client, "reviewer", url, {"version": version, **fields})


def test_saving_runs_the_check_and_shows_it(client, login_as, summary_data):
    login_as(user=summary_data["reviewer"])
    review = summary_data["review"]
    saved = _save(client, review, family_summary=f"The WMT was high. {HOSTILE}")
    assert saved.status_code == 302
    response = client.get(f"/reviews/{review.id}/family-summary")
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    items = page(response).select("#check-items li")
    assert [li["data-kind"] for li in items] == ["jargon"]
    assert "WMT" in items[0].get_text() and "Reading age" in text_of(response)


def test_too_long_text_is_an_error_beside_the_field(client, login_as, summary_data):
    login_as(user=summary_data["reviewer"])
    review = summary_data["review"]
    response = _save(client, review, family_summary="x" * 20_001)
    assert response.status_code == 200
    assert errors(response)
    db.session.refresh(review)
    assert review.family_summary == FAMILY_SUMMARY


def test_the_draft_asks_before_replacing_text(client, login_as, summary_data):
    login_as(user=summary_data["reviewer"])
    review = summary_data["review"]
    url = f"/reviews/{review.id}/family-summary/draft"
    asked = post_as(client, "reviewer", url, {})
    assert asked.status_code == 200
    assert "Replace your summary with a new draft?" in text_of(asked)
    db.session.refresh(review)
    assert review.family_summary == FAMILY_SUMMARY
    replaced = post_as(client, "reviewer", url, {"confirm": "yes"})
    assert replaced.status_code == 302
    db.session.refresh(review)
    assert review.family_summary.startswith("We want to be open")


def test_the_draft_is_written_at_once_when_there_is_no_text(client, login_as, summary_data):
    review = summary_data["review"]
    reviews.update_review(
        summary_data["reviewer"], review, {"version": review.version, "family_summary": None}
    )
    db.session.commit()
    login_as(user=summary_data["reviewer"])
    response = post_as(client, "reviewer", f"/reviews/{review.id}/family-summary/draft", {})
    assert response.status_code == 302
    db.session.refresh(review)
    assert review.family_summary.startswith("We want to be open")


def test_the_live_check_answers_json(client, login_as, summary_data):
    login_as(user=summary_data["reviewer"])
    review = summary_data["review"]
    name = summary_data["officer"].name
    response = post_as(
        client,
        "reviewer",
        f"/reviews/{review.id}/family-summary/live-check",
        {"family_summary": f"{name} was at 140% WMT."},
    )
    body = response.get_json()
    kinds = sorted(i["kind"] for i in body["items"])
    assert kinds == ["jargon", "staff_figure", "staff_name"]
    assert body["readability"]["reading_age"] is not None


def test_closed_window_page_reads_only(client, login_as, summary_data):
    move_to(summary_data, "quality_assurance")
    login_as(user=summary_data["reviewer"])
    response = client.get(f"/reviews/{summary_data['review'].id}/family-summary")
    assert response.status_code == 200
    assert page(response).find(id="edit-window-closed") is not None
    assert page(response).find("textarea") is None


def test_a_question_shows_in_the_family_pdf_html(full_review):
    from sfo_review.pdf.render import render_html

    data = full_review()
    add_question(data["reviewer"], data["review"], question="Why did the PO not act?")
    db.session.commit()
    html = render_html(data["review"], "family_summary")
    assert "Why did the probation officer not act?" in html and "the PO" not in html


def test_jargon_after_a_determiner_reads_as_english():
    """ "no PSO" becomes "no probation services officer", never "no the probation…"."""
    from sfo_review.services import family_summary as fs

    term = next(t for t in fs.JARGON if t.pattern == "PSO")
    assert fs._replace_term(term, "The audit found no PSO above the limit.") == (
        "The audit found no probation services officer above the limit."
    )
    assert fs._replace_term(term, "The PSO left. A PSO stayed.") == (
        "The probation services officer left. The probation services officer stayed."
    )
