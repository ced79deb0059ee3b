"""Findings pages: who may see them, the balance shown while writing, replies, the editor."""

from __future__ import annotations

import pytest

from sfo_review.extensions import db
from sfo_review.models import AuditEvent, Finding, FindingResponse
from sfo_review.services import findings as finding_service
from tests.helpers_forms import (
    HOSTILE,
    ROLES,
    WHY_NO_WIDER_FACTOR,
    errors,
    expect_status,
    move_to,
    page,
    post,
    sign_in,
    sign_out,
    text_of,
)

LIST = "/reviews/{r}/findings"
ONE = "/reviews/{r}/findings/{f}"
NEW = "/reviews/{r}/findings/new"
EDIT = "/reviews/{r}/findings/{f}/edit"
DELETE = "/reviews/{r}/findings/{f}/delete"
REPLY = "/reviews/{r}/findings/{f}/responses"

# (stage, role) -> status for the read pages (list and one finding).
READ = {
    "reviewer": 200,
    "other_reviewer": 404,
    "officer": 200,
    "other_officer": 404,
    "quality_assurer": 404,  # not named, review not yet at quality assurance
    "leadership": 200,
    "admin": 404,
    "anonymous": "sign-in",
}
WRITE = {**READ, "officer": 403, "leadership": 403}


def url(template, data):
    return template.format(r=data["review"].id, f=data["finding"].id)


def valid_finding(data, **overrides):
    values = {
        "title": "Police checks not chased",
        "practice_area": "partnership_working",
        "judgement": "insufficient",
        "narrative": "Domestic abuse call-outs were requested\nbut never received.",
        "attribution": ["team", "partnership"],
        "chronology_ids": [str(data["entry"].id)],
        "systemic_factor_ids": [str(data["factor"].id)],
        "caseload_context_ids": [],
        "context_note": "",
    }
    values.update(overrides)
    return values


def edit_values(data, finding, **overrides):
    values = valid_finding(
        data,
        title=finding.title,
        practice_area=finding.practice_area,
        judgement=finding.judgement,
        narrative=finding.narrative,
        attribution=finding.attribution,
        subject_participant_ids=[str(p.id) for p in finding.subjects],
        version=str(finding.version),
    )
    values.update(overrides)
    return values


@pytest.mark.parametrize("template", [LIST, ONE])
@pytest.mark.parametrize("role", ROLES)
def test_who_may_read_findings_at_factual_accuracy(client, full_review, login_as, role, template):
    data = full_review()
    move_to(data, "factual_accuracy")
    sign_in(role, data, login_as)
    expect_status(client.get(url(template, data)), READ[role])


@pytest.mark.parametrize("template", [LIST, ONE])
@pytest.mark.parametrize(
    ("stage", "role", "expected"),
    [
        ("in_review", "officer", 403),
        ("in_review", "quality_assurer", 404),
        ("quality_assurance", "quality_assurer", 200),
        ("quality_assurance", "officer", 200),
    ],
)
def test_findings_visibility_follows_the_stage(
    client, full_review, login_as, template, stage, role, expected
):
    data = full_review()
    move_to(data, stage)
    sign_in(role, data, login_as)
    expect_status(client.get(url(template, data)), expected)


def test_officer_is_told_when_findings_will_be_shared(client, full_review, login_as):
    data = full_review()
    login_as(user=data["officer"])
    response = client.get(url(LIST, data))
    assert response.status_code == 403
    assert "shared with the people involved in the case at the factual accuracy check" in (
        text_of(response)
    )
    assert data["finding"].title not in text_of(response)


@pytest.mark.parametrize("template", [NEW, EDIT, DELETE])
@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_the_finding_editor(client, full_review, login_as, role, template):
    data = full_review()
    move_to(data, "factual_accuracy")
    sign_in(role, data, login_as)
    expect_status(client.get(url(template, data)), WRITE[role])


@pytest.mark.parametrize("role", ROLES)
def test_who_may_reply_to_a_finding(client, full_review, login_as, role):
    data = full_review()
    move_to(data, "factual_accuracy")
    sign_in(role, data, login_as)
    form_url = "/account/password" if role != "anonymous" else "/sign-in"
    response = post(
        client, url(REPLY, data), {"body": "A reply", "confirmed": "yes"}, form_url=form_url
    )
    expected = {**WRITE, "reviewer": 403, "officer": 302}[role]
    expect_status(response, expected)
    saved = db.session.query(FindingResponse).count()
    assert saved == (1 if role == "officer" else 0)


def test_list_shows_each_finding_with_its_balance(client, full_review, login_as):
    data = full_review(balanced=False)
    login_as(user=data["reviewer"])
    soup = page(client.get(url(LIST, data)))
    assert len(soup.select("h1")) == 1
    row = soup.select_one(f"#finding-{data['finding'].id}")
    cells = [" ".join(td.get_text(" ").split()) for td in row.select("td")]
    assert cells[0] == "Risk not reassessed"
    assert cells[1] == "Assessment"
    assert cells[2] == "Insufficient"
    assert [t.get_text(strip=True) for t in row.select("td:nth-of-type(4) .govuk-tag")] == [
        "Individual",
        "Team",
    ]
    assert cells[4] == "Context missing"
    summary = soup.select_one(".app-balance-summary")
    assert (
        "1 of 1 finding that finds an individual's practice insufficient does not yet show"
        in " ".join(summary.get_text(" ").split())
    )
    link = soup.select_one("#unbalanced-findings a")
    assert link.get_text(strip=True) == "Risk not reassessed"
    assert link["href"] == url(EDIT, data)
    audit = db.session.query(AuditEvent).filter_by(action="review.viewed").all()
    assert any(e.summary == "Viewed the findings" for e in audit)


def test_list_says_when_every_individual_finding_is_balanced(client, full_review, login_as):
    data = full_review()
    login_as(user=data["reviewer"])
    soup = page(client.get(url(LIST, data)))
    assert soup.select_one("#unbalanced-findings") is None
    assert (
        "Every finding that finds an individual's practice insufficient shows the conditions"
        in soup.get_text()
    )
    assert "Context weighed" in soup.select_one(f"#finding-{data['finding'].id}").get_text()


@pytest.mark.csrf
def test_finding_page_shows_narrative_links_and_replies(client, full_review, login_as):
    data = full_review()
    move_to(data, "factual_accuracy")
    finding_service.add_response(
        data["manager"], data["review"], data["finding"], {"body": "The visit was\nrearranged."}
    )
    login_as(user=data["officer"])
    soup = page(client.get(url(ONE, data)))
    assert soup.select_one("h1").get_text(strip=True) == "Risk not reassessed"
    assert soup.select_one("#narrative").get_text() == "The assessment was not updated."
    assert "Home visit missed" in soup.select_one("#linked-chronology").get_text()
    assert "Workload and capacity" in soup.select_one("#linked-factors").get_text()
    reply = soup.select_one(".app-reply")
    assert data["manager"].name in reply.get_text()
    assert "The visit was\nrearranged." in reply.get_text()
    form = soup.select_one(f"form[action='{url(REPLY, data)}']")
    assert form is not None and form.select_one("input[name=csrf_token]") is not None
    ends = data["review"].factual_accuracy_ends_on
    assert f"open until {ends.day} {ends:%B %Y}" in soup.get_text()


def test_reviewer_sees_no_reply_form_and_officers_none_after_the_check(
    client, full_review, login_as
):
    data = full_review()
    move_to(data, "factual_accuracy")
    login_as(user=data["reviewer"])
    assert page(client.get(url(ONE, data))).select_one("textarea[name=body]") is None
    move_to(data, "quality_assurance")
    sign_out(client)
    login_as(user=data["officer"])
    soup = page(client.get(url(ONE, data)))
    assert soup.select_one("textarea[name=body]") is None
    assert (
        "only be added during the factual accuracy check"
        in soup.select_one("#reply-closed").get_text()
    )
    # the "findings to read" notification's link still says what happens next
    assert "now with the countersigner" in soup.select_one("#reply-closed").get_text()


def test_officer_replies_and_the_reply_appears_under_the_finding(client, full_review, login_as):
    data = full_review()
    move_to(data, "factual_accuracy")
    login_as(user=data["officer"])
    response = post(client, url(REPLY, data), {"body": HOSTILE}, form_url=url(ONE, data))
    # first the reply is read back, escaped, and nothing is saved yet
    assert response.status_code == 200
    check = page(response)
    assert check.select_one("h1").get_text(strip=True) == "Check your reply before adding it"
    assert check.select_one("#reply-to-check").get_text() == HOSTILE
    assert "<script>alert(1)" not in response.get_data(as_text=True)
    assert db.session.query(FindingResponse).count() == 0
    back = post(client, url(REPLY, data), {"body": HOSTILE, "change": "Change your reply"})
    assert page(back).select_one("textarea[name=body]").get_text() == HOSTILE
    assert db.session.query(FindingResponse).count() == 0
    response = post(client, url(REPLY, data), {"body": HOSTILE, "confirmed": "yes"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url(ONE, data) + "#replies")
    html = client.get(url(ONE, data)).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    reply = page(client.get(url(ONE, data))).select_one(".app-reply")
    assert data["officer"].name in reply.get_text()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Enter the response"),
        ("   \n ", "Enter the response"),
        ("x" * 20_001, "Response must be 20,000 characters or fewer"),
    ],
)
def test_bad_replies_are_refused_and_nothing_is_saved(client, full_review, login_as, body, message):
    data = full_review()
    move_to(data, "factual_accuracy")
    login_as(user=data["officer"])
    response = post(client, url(REPLY, data), {"body": body}, form_url=url(ONE, data))
    assert response.status_code == 200
    assert errors(response) == [message]
    assert db.session.query(FindingResponse).count() == 0


def test_reply_after_the_check_is_refused_with_a_message(client, full_review, login_as):
    data = full_review()
    move_to(data, "factual_accuracy")
    login_as(user=data["officer"])
    token_page = url(ONE, data)
    from tests.helpers import csrf_token as csrf_from

    token = csrf_from(client, token_page)
    move_to(data, "quality_assurance")
    response = client.post(url(REPLY, data), data={"body": "Late", "csrf_token": token})
    assert response.status_code == 200
    assert errors(response) == [
        "Replies to findings can only be made during the factual accuracy check."
    ]
    assert db.session.query(FindingResponse).count() == 0


def test_reply_to_a_finding_of_another_review_is_not_found(client, full_review, login_as):
    data, other = full_review(), full_review()
    move_to(data, "factual_accuracy")
    login_as(user=data["officer"])
    target = REPLY.format(r=data["review"].id, f=other["finding"].id)
    response = post(client, target, {"body": "Hello"}, form_url=url(ONE, data))
    assert response.status_code == 404


def test_new_finding_form_offers_this_reviews_evidence(client, full_review, login_as):
    data = full_review()
    login_as(user=data["reviewer"])
    soup = page(client.get(url(NEW, data)))
    assert len(soup.select("h1")) == 1
    chronology = soup.select_one(f"input[name=chronology_ids][value='{data['entry'].id}']")
    label = soup.select_one(f"label[for='{chronology['id']}']").get_text(" ", strip=True)
    assert label == "2 May 2023 · Probation · Home visit missed"
    factor = soup.select_one(f"input[name=systemic_factor_ids][value='{data['factor'].id}']")
    assert "Workload and capacity (team) · Team carrying 30% vacancies" in soup.select_one(
        f"label[for='{factor['id']}']"
    ).get_text(" ", strip=True)
    context = soup.select_one(f"input[name=caseload_context_ids][value='{data['context'].id}']")
    context_label = soup.select_one(f"label[for='{context['id']}']").get_text(" ", strip=True)
    assert data["officer"].name in context_label and "58 cases" in context_label
    assert [i["value"] for i in soup.select("input[name=attribution]")] == [
        "individual",
        "team",
        "organisational",
        "partnership",
        "national",
    ]
    hint = soup.select_one("#context_note-hint").get_text()
    assert "at least 100 characters why no wider factor applied" in hint


def test_reviewer_adds_a_finding_with_links(client, full_review, login_as):
    data = full_review()
    login_as(user=data["reviewer"])
    response = post(client, url(NEW, data), valid_finding(data))
    assert response.status_code == 302, errors(response)
    finding = db.session.query(Finding).filter_by(title="Police checks not chased").one()
    assert finding.attribution == ["team", "partnership"]
    assert [e.id for e in finding.chronology_entries] == [data["entry"].id]
    assert [f.id for f in finding.systemic_factors] == [data["factor"].id]
    soup = page(client.get(response.headers["Location"]))
    assert soup.select_one("h1").get_text(strip=True) == "Police checks not chased"


def test_empty_finding_form_names_every_missing_field(client, full_review, login_as):
    data = full_review()
    login_as(user=data["reviewer"])
    before = db.session.query(Finding).count()
    response = post(client, url(NEW, data), {})
    assert response.status_code == 200
    assert errors(response) == [
        "Enter the title",
        "Select the practice area",
        "Select the judgement",
        "Enter the narrative",
        "Select at least one attribution",
    ]
    assert page(response).select_one("title").get_text().startswith("Error:")
    assert db.session.query(Finding).count() == before


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": "   "}, "Enter the title"),
        ({"title": "x" * 201}, "Title must be 200 characters or fewer"),
        ({"narrative": "x" * 20_001}, "Narrative must be 20,000 characters or fewer"),
        ({"context_note": "x" * 20_001}, "Context note must be 20,000 characters or fewer"),
        ({"practice_area": "astrology"}, "Select the practice area"),
        ({"judgement": "3"}, "Select the judgement"),
        ({"attribution": ["individual", "the moon"]}, "Attribution must only contain"),
        ({"chronology_ids": ["abc"]}, "Choose chronology entries from the list"),
        ({"systemic_factor_ids": ["1.5"]}, "Choose systemic factors from the list"),
    ],
)
def test_bad_finding_input_is_refused_and_nothing_saved(
    client, full_review, login_as, overrides, message
):
    data = full_review()
    login_as(user=data["reviewer"])
    before = db.session.query(Finding).count()
    response = post(client, url(NEW, data), valid_finding(data, **overrides))
    assert response.status_code == 200
    assert len(errors(response)) == 1
    assert errors(response)[0].startswith(message)
    assert db.session.query(Finding).count() == before


@pytest.mark.parametrize(
    ("field", "key", "words"),
    [
        ("chronology_ids", "entry", "chronology entries"),
        ("systemic_factor_ids", "factor", "systemic factors"),
        ("caseload_context_ids", "context", "caseload contexts"),
    ],
)
def test_ids_from_another_review_are_refused(client, full_review, login_as, field, key, words):
    data, other = full_review(), full_review()
    login_as(user=data["reviewer"])
    foreign = other[key].id
    response = post(client, url(NEW, data), valid_finding(data, **{field: [str(foreign)]}))
    assert response.status_code == 200
    assert errors(response) == [f"These are not ids of {words} on this review: {foreign}"]
    assert db.session.query(Finding).filter_by(title="Police checks not chased").count() == 0


def test_hostile_text_is_saved_as_typed_and_shown_escaped(client, full_review, login_as):
    data = full_review()
    login_as(user=data["reviewer"])
    response = post(client, url(NEW, data), valid_finding(data, title=HOSTILE, narrative=HOSTILE))
    assert response.status_code == 302
    finding = db.session.query(Finding).filter_by(title=HOSTILE).one()
    assert finding.narrative == HOSTILE
    for target in (url(LIST, data), ONE.format(r=data["review"].id, f=finding.id)):
        html = client.get(target).get_data(as_text=True)
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_edit_form_is_filled_in_with_links_ticked(client, full_review, login_as):
    data = full_review()
    login_as(user=data["reviewer"])
    soup = page(client.get(url(EDIT, data)))
    assert soup.select_one("input[name=title]")["value"] == "Risk not reassessed"
    assert soup.select_one("input[name=version]")["value"] == str(data["finding"].version)
    assert soup.select_one(
        f"input[name=systemic_factor_ids][value='{data['factor'].id}']"
    ).has_attr("checked")
    assert soup.select_one("input[name=attribution][value=individual]").has_attr("checked")
    assert not soup.select_one("input[name=attribution][value=national]").has_attr("checked")


def test_stale_version_is_refused_and_nothing_saved(client, full_review, login_as):
    data = full_review()
    finding = data["finding"]
    login_as(user=data["reviewer"])
    stale = edit_values(data, finding, title="My edit")
    finding_service.update_finding(
        data["reviewer"], data["review"], finding, {"version": finding.version, "title": "Theirs"}
    )
    response = post(client, url(EDIT, data), stale)
    assert response.status_code == 200
    assert errors(response)[0].startswith("This was changed by someone else since you opened it")
    assert page(response).select_one("#stale-help a")["href"] == url(EDIT, data)
    db.session.expire_all()
    assert db.session.get(Finding, finding.id).title == "Theirs"


@pytest.mark.parametrize("version", [None, "", "abc", "1.5"])
def test_missing_or_mistyped_version_is_refused(client, full_review, login_as, version):
    message = "This page is out of date or was changed: open it again"
    data = full_review()
    login_as(user=data["reviewer"])
    values = edit_values(data, data["finding"], version=version, title="Changed")
    if version is None:
        del values["version"]
        message = "Enter the version you are editing"
    response = post(client, url(EDIT, data), values)
    assert response.status_code == 200
    assert errors(response)[0].startswith(message)
    db.session.expire_all()
    assert db.session.get(Finding, data["finding"].id).title == "Risk not reassessed"


def test_unlinking_everything_makes_the_finding_unbalanced_then_a_note_balances_it(
    client, full_review, login_as
):
    data = full_review()
    login_as(user=data["reviewer"])
    finding = data["finding"]
    response = post(
        client,
        url(EDIT, data),
        edit_values(data, finding, systemic_factor_ids=[], chronology_ids=[]),
    )
    assert response.status_code == 302, errors(response)
    assert "Context missing" in page(client.get(url(ONE, data))).select_one("#balance").get_text()
    db.session.expire_all()
    finding = db.session.get(Finding, finding.id)
    response = post(
        client,
        url(EDIT, data),
        edit_values(data, finding, systemic_factor_ids=[], context_note=WHY_NO_WIDER_FACTOR),
    )
    assert response.status_code == 302, errors(response)
    assert "Context weighed" in page(client.get(url(ONE, data))).select_one("#balance").get_text()


def test_editing_is_refused_once_the_review_is_at_quality_assurance(client, full_review, login_as):
    data = full_review()
    move_to(data, "quality_assurance")
    login_as(user=data["reviewer"])
    db.session.refresh(data["finding"])
    response = post(client, url(EDIT, data), edit_values(data, data["finding"], title="Late"))
    assert response.status_code == 200
    assert errors(response)[0] == (
        "This review is quality assurance: it can only be edited while in review or at "
        "factual accuracy."
    )
    db.session.expire_all()
    assert db.session.get(Finding, data["finding"].id).title == "Risk not reassessed"


def test_delete_asks_for_confirmation_then_deletes(client, full_review, login_as):
    data = full_review()
    login_as(user=data["reviewer"])
    soup = page(client.get(url(DELETE, data)))
    assert "Are you sure you want to delete the finding" in soup.select_one("h1").get_text()
    assert db.session.get(Finding, data["finding"].id) is not None
    response = post(client, url(DELETE, data), {})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url(LIST, data))
    db.session.expire_all()
    assert db.session.get(Finding, data["finding"].id) is None


def test_a_finding_with_replies_is_not_deleted(client, full_review, login_as):
    data = full_review()
    move_to(data, "factual_accuracy")
    finding_service.add_response(data["officer"], data["review"], data["finding"], {"body": "No"})
    login_as(user=data["reviewer"])
    response = post(client, url(DELETE, data), {})
    assert response.status_code == 200
    assert "replies are never deleted" in errors(response)[0]
    db.session.expire_all()
    assert db.session.get(Finding, data["finding"].id) is not None


@pytest.mark.csrf
def test_delete_without_csrf_is_refused(client, full_review, login_as):
    data = full_review()
    login_as(user=data["reviewer"])
    response = client.post(url(DELETE, data), data={})
    assert response.status_code == 400
    assert db.session.get(Finding, data["finding"].id) is not None
