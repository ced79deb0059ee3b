"""The notification, details, participants and judgement forms: the happy path, bad input
of every kind (nothing saved), stale versions and closed edit windows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sfo_review.extensions import db
from sfo_review.models import Participant, Review
from sfo_review.services import reviews as review_service
from sfo_review.services import statements as statement_service
from tests.helpers import csrf_token
from tests.helpers_forms import HOSTILE, errors, move_to, page, post
from tests.reviews.helpers import REVIEW_FORM, error_for, hidden_version


def _reviews() -> int:
    return db.session.query(Review).count()


# The notification form


def test_a_reviewer_records_a_notification(client, login_as):
    reviewer = login_as("reviewer")
    response = post(client, "/reviews/new", REVIEW_FORM)
    assert response.status_code == 302
    review = db.session.query(Review).one()
    assert response.headers["Location"].endswith(f"/reviews/{review.id}")
    assert review.case_reference == "X654321"
    assert review.person_initials == "AB"
    assert review.charge_date == date(2023, 6, 26)
    assert review.reviewer_id == reviewer.id
    overview = client.get(response.headers["Location"])
    assert f"Review {review.reference} created" in page(overview).get_text()


def test_the_notification_form_has_labels_hints_and_a_three_box_date(client, login_as):
    login_as("reviewer")
    soup = page(client.get("/reviews/new"))
    assert soup.select_one("h1").get_text(strip=True) == "Record a new SFO notification"
    for name in ("case_reference", "person_initials", "offence_charged", "region", "pdu"):
        assert soup.select_one(f"label[for={name}]"), name
    for part in ("day", "month", "year"):
        assert soup.select_one(f"#charge_date-{part}")["name"] == "charge_date"
    categories = [i["value"] for i in soup.select("input[name=offence_category]")]
    assert "murder" in categories and "exceptional" in categories
    assert soup.select_one("#case_reference-hint")


def test_an_empty_notification_names_every_missing_field(client, login_as):
    login_as("reviewer")
    response = post(client, "/reviews/new", {})
    assert response.status_code == 200
    messages = errors(response)
    assert "Enter the case reference" in messages
    assert "Select the offence category" in messages
    assert "Enter the charge date" in messages
    assert "Enter the probation delivery unit (PDU)" in messages
    assert page(response).select_one("title").get_text().startswith("Error:")
    assert _reviews() == 0


def test_whitespace_is_not_an_answer(client, login_as):
    login_as("reviewer")
    response = post(
        client,
        "/reviews/new",
        {**REVIEW_FORM, "offence_charged": "   ", "charge_date": [" ", " ", " "]},
    )
    assert error_for(response, "offence_charged").endswith("Enter the offence charged")
    assert error_for(response, "charge_date").endswith("Enter the charge date")
    assert _reviews() == 0


@pytest.mark.parametrize(
    ("boxes", "message"),
    [
        (["31", "02", "2023"], "Charge date must be a real date, like 26 6 2023"),
        (["abc", "6", "2023"], "Charge date must be a real date, like 26 6 2023"),
        (["26", "13", "2023"], "Charge date must be a real date, like 26 6 2023"),
        (["26", "", "2023"], "Charge date must include a month"),
        (["26", "6", "23"], "Year of the charge date must include 4 numbers"),
        (["26", "6", "２０２３"], "Year of the charge date must include 4 numbers"),
        (["31", "12", "1999"], "Charge date must be 1 January 2000 or later"),
        (["1", "1", "0001"], "Charge date must be 1 January 2000 or later"),
        (["２６", "6", "2023"], "Charge date must be a real date, like 26 6 2023"),
        (["26"], "Charge date must include a month and year"),
    ],
)
def test_an_unreal_date_gets_a_clear_message_next_to_it(client, login_as, boxes, message):
    login_as("reviewer")
    response = post(client, "/reviews/new", {**REVIEW_FORM, "charge_date": boxes})
    assert response.status_code == 200
    assert error_for(response, "charge_date").endswith(message)
    assert message in errors(response)
    soup = page(response)
    assert soup.select_one(".govuk-error-summary a")["href"] == "#charge_date-day"
    typed = [soup.select_one(f"#charge_date-{p}")["value"] for p in ("day", "month", "year")]
    assert typed[0] == boxes[0]  # what was typed is kept
    assert _reviews() == 0


def test_dates_out_of_order_are_refused(client, login_as):
    login_as("reviewer")
    response = post(
        client,
        "/reviews/new",
        {
            **REVIEW_FORM,
            "charge_date": ["28", "6", "2023"],
            "notification_date": ["1", "6", "2023"],
        },
    )
    assert "Notification date must be on or after the charge date" in errors(response)
    assert _reviews() == 0


def test_a_date_in_the_future_is_refused(client, login_as):
    login_as("reviewer")
    soon = date.today() + timedelta(days=5)
    boxes = [str(soon.day), str(soon.month), str(soon.year)]
    response = post(
        client, "/reviews/new", {**REVIEW_FORM, "charge_date": boxes, "notification_date": boxes}
    )
    assert "Charge date must be today or in the past" in errors(response)
    assert _reviews() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("offence_charged", "x" * 201, "Offence charged must be 200 characters or fewer"),
        ("case_reference", "123", "Enter the case reference (CRN) as one letter"),
        ("person_initials", "J.M.", "Enter the initials of the person on probation as 1 to 4"),
        ("offence_category", "nonsense", "Select the offence category"),
        ("rosh_level", "<b>", "Select the risk of serious harm level"),
    ],
)
def test_bad_notification_fields(client, login_as, field, value, message):
    login_as("reviewer")
    response = post(client, "/reviews/new", {**REVIEW_FORM, field: value})
    assert response.status_code == 200
    assert error_for(response, field).split("Error:")[-1].strip().startswith(message)
    assert _reviews() == 0


def test_hostile_text_is_saved_as_typed_and_shown_escaped(client, login_as):
    login_as("reviewer")
    response = post(client, "/reviews/new", {**REVIEW_FORM, "offence_charged": HOSTILE[:200]})
    assert response.status_code == 302
    assert db.session.query(Review).one().offence_charged == HOSTILE[:200]
    for url in ("/", response.headers["Location"]):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_hostile_text_typed_into_a_refused_form_comes_back_escaped(client, login_as):
    login_as("reviewer")
    response = post(client, "/reviews/new", {**REVIEW_FORM, "region": HOSTILE, "pdu": ""})
    html = response.get_data(as_text=True)
    assert "<img src=x onerror=alert(1)>" not in html
    # a region not on the list comes back as the select's chosen option, escaped
    assert page(response).select_one("#region option[selected]")["value"] == HOSTILE


@pytest.mark.csrf
def test_a_form_without_its_csrf_token_is_refused(client, login_as):
    login_as("reviewer")
    response = client.post("/reviews/new", data=REVIEW_FORM)
    assert response.status_code in (200, 400)
    assert _reviews() == 0


# Notification details


def _details_form(review: Review) -> dict:
    return {
        **REVIEW_FORM,
        "case_reference": review.case_reference,
        "version": str(review.version),
    }


def test_the_reviewer_edits_the_details(client, login_as, full_review):
    data = full_review()
    review = data["review"]
    login_as(user=data["reviewer"])
    url = f"/reviews/{review.id}/details"
    soup = page(client.get(url))
    assert soup.select_one("#offence_charged")["value"] == "Murder"
    assert soup.select_one("#charge_date-day")["value"] == "26"
    response = post(client, url, {**_details_form(review), "offence_charged": "Attempted murder"})
    assert response.status_code == 302
    db.session.refresh(review)
    assert review.offence_charged == "Attempted murder"
    assert review.notification_date == date(2023, 6, 28)


def test_a_stale_edit_keeps_what_was_typed_and_saves_nothing(client, login_as, full_review):
    data = full_review()
    review = data["review"]
    login_as(user=data["reviewer"])
    url = f"/reviews/{review.id}/details"
    opened = hidden_version(client.get(url))
    # Someone else saves first.
    review_service.update_review(
        data["reviewer"], review, {"version": review.version, "region": "Wales", "pdu": "Gwent"}
    )
    form = {**_details_form(review), "version": str(opened), "offence_charged": "Typed by me"}
    response = post(client, url, form)
    assert response.status_code == 200
    soup = page(response)
    warning = soup.select_one("#stale-help").get_text(" ")
    assert "This was changed by someone else since you opened it" in warning
    assert soup.select_one("#offence_charged")["value"] == "Typed by me"
    db.session.refresh(review)
    assert review.offence_charged == "Murder"
    assert review.region == "Wales"


def test_a_tampered_version_is_refused(client, login_as, full_review):
    data = full_review()
    review = data["review"]
    before = review.version
    login_as(user=data["reviewer"])
    url = f"/reviews/{review.id}/details"
    response = post(client, url, {**_details_form(review), "version": "abc"})
    assert response.status_code == 200
    assert errors(response)
    db.session.refresh(review)
    assert review.version == before


def test_details_cannot_be_changed_after_the_window_closes(client, login_as, full_review):
    data = full_review()
    review = move_to(data, "quality_assurance")
    login_as(user=data["reviewer"])
    url = f"/reviews/{review.id}/details"
    soup = page(client.get(url))
    assert soup.select_one("#edit-window-closed")
    assert soup.select_one("form input[name=version]") is None
    response = post(
        client, url, {**_details_form(review), "offence_charged": "Changed"}, form_url="/"
    )
    assert response.status_code == 200
    assert any("can only be edited while in review" in m for m in errors(response))
    db.session.refresh(review)
    assert review.offence_charged == "Murder"


# Participants


def test_the_reviewer_adds_and_removes_a_participant(client, login_as, full_review, make_user):
    data = full_review()
    review = data["review"]
    newcomer = make_user("officer", name="Priya Shah")
    login_as(user=data["reviewer"])
    url = f"/reviews/{review.id}/participants"
    response = post(
        client, url, {"email": newcomer.email.upper(), "role_in_case": "previous_officer"}
    )
    assert response.status_code == 302
    soup = page(client.get(url))
    rows = [" ".join(r.get_text(" ").split()) for r in soup.select("#participants-table tbody tr")]
    assert any("Priya Shah" in r and "Previous officer" in r for r in rows)
    assert "Priya Shah added as previous officer" in soup.get_text()
    added = db.session.query(Participant).filter_by(user_id=newcomer.id).one()
    remove = soup.select_one(f"#participant-{added.id} a[href$='/remove']")["href"]
    response = client.post(remove, data={"csrf_token": csrf_token(client, remove)})
    assert response.status_code == 302
    assert db.session.query(Participant).filter_by(user_id=newcomer.id).count() == 0


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"email": "", "role_in_case": "other"}, "email", "Enter the participant's email address"),
        ({"email": "   ", "role_in_case": "other"}, "email", "Enter the participant's email"),
        ({"email": "not-an-email", "role_in_case": "other"}, "email", "in the correct format"),
        ({"email": "a" * 201 + "@x.org", "role_in_case": "other"}, "email", "200 characters"),
        ({"email": "nobody@example.gov.uk", "role_in_case": "other"}, "email", "officer role"),
        ({"email": "OFFICER", "role_in_case": ""}, "role_in_case", "Select the role in the case"),
        ({"email": "OFFICER", "role_in_case": "boss"}, "role_in_case", "Select the role in the"),
    ],
)
def test_bad_participants_are_refused(client, login_as, full_review, body, field, message):
    data = full_review()
    review = data["review"]
    login_as(user=data["reviewer"])
    if body["email"] == "OFFICER":
        body = {**body, "email": "fresh@example.gov.uk"}
    before = db.session.query(Participant).count()
    response = post(client, f"/reviews/{review.id}/participants", body)
    assert response.status_code == 200
    assert any(message in m for m in errors(response)), errors(response)
    assert db.session.query(Participant).count() == before


def test_a_reviewer_cannot_be_added_as_a_participant_twice(client, login_as, full_review):
    data = full_review()
    login_as(user=data["reviewer"])
    response = post(
        client,
        f"/reviews/{data['review'].id}/participants",
        {"email": data["officer"].email, "role_in_case": "other"},
    )
    assert f"{data['officer'].name} is already a participant" in errors(response)


def test_someone_who_wrote_a_statement_stays(client, login_as, full_review):
    data = full_review()
    review = data["review"]
    statement_service.create_statement(data["officer"], review, {"body": "My account"})
    login_as(user=data["reviewer"])
    url = f"/reviews/{review.id}/participants/{data['participant'].id}/remove"
    response = post(client, url, {}, form_url=f"/reviews/{review.id}/participants")
    assert response.status_code == 200
    assert any("so they stay on the review" in m for m in errors(response))
    assert db.session.get(Participant, data["participant"].id) is not None


def test_remove_asks_first_saying_what_goes_with_the_participant(client, login_as, full_review):
    data = full_review()
    review, participant = data["review"], data["participant"]
    login_as(user=data["reviewer"])
    listing = page(client.get(f"/reviews/{review.id}/participants"))
    link = listing.select_one(f"#participant-{participant.id} a[href$='/remove']")
    assert link is not None and data["officer"].name in link.get_text()
    asked = client.get(link["href"])
    assert asked.status_code == 200
    soup = page(asked)
    assert soup.select_one("h1").get_text(strip=True) == (
        f"Are you sure you want to remove {data['officer'].name} from this review?"
    )
    said = soup.select_one("#removed-with").get_text(" ", strip=True)
    assert "Their caseload context is removed with them" in said and "58 cases" in said
    assert db.session.get(Participant, participant.id) is not None  # asking removes nothing
    response = post(client, link["href"], {})
    assert response.status_code == 302
    assert db.session.get(Participant, participant.id) is None


def test_remove_says_why_someone_with_a_statement_stays(client, login_as, full_review):
    data = full_review()
    review = data["review"]
    statement_service.create_statement(data["officer"], review, {"body": "My account"})
    login_as(user=data["reviewer"])
    soup = page(client.get(f"/reviews/{review.id}/participants/{data['participant'].id}/remove"))
    assert "cannot be removed" in soup.select_one("h1").get_text()
    assert "so they stay on the review" in soup.select_one("#kept-because").get_text()
    assert soup.select_one("main form[method=post]") is None


def test_remove_of_a_participant_of_another_review_is_not_found(client, login_as, full_review):
    data, other = full_review(), full_review()
    login_as(user=data["reviewer"])
    url = f"/reviews/{data['review'].id}/participants/{other['participant'].id}/remove"
    assert client.get(url).status_code == 404


def test_no_add_or_remove_once_the_window_closes(client, login_as, full_review):
    data = full_review()
    review = move_to(data, "quality_assurance")
    login_as(user=data["reviewer"])
    soup = page(client.get(f"/reviews/{review.id}/participants"))
    assert soup.select("#participants-table tbody tr")
    assert soup.select_one("form[action$='/remove']") is None
    assert soup.select_one("a[href$='/remove']") is None
    assert soup.select_one("#email") is None
    assert soup.select_one("#edit-window-closed")


def test_readers_see_participants_without_forms(client, login_as, full_review):
    data = full_review()
    login_as("leadership")
    soup = page(client.get(f"/reviews/{data['review'].id}/participants"))
    assert len(soup.select("#participants-table tbody tr")) == 2
    actions = [f.get("action", "") for f in soup.select("main form[method=post]")]
    assert actions == []  # only the sign-out button, outside the main content


# Overall judgement and countersigner


def test_the_reviewer_writes_the_judgement_and_names_a_countersigner(
    client, login_as, full_review, make_user
):
    data = full_review()
    review = data["review"]
    make_user("quality_assurer")
    login_as(user=data["reviewer"])
    url = f"/reviews/{review.id}/judgement"
    soup = page(client.get(url))
    assert "reasonable steps" in soup.select_one("#overall_judgement-hint").get_text()
    options = [o["value"] for o in soup.select("#countersigner_email option")]
    assert options[0] == "" and data["qa"].email in options
    text = "Line one\nLine two " + HOSTILE
    response = post(
        client,
        url,
        {
            "version": str(review.version),
            "overall_judgement": text,
            "countersigner_email": data["qa"].email,
        },
    )
    assert response.status_code == 302
    db.session.refresh(review)
    assert review.overall_judgement == text
    assert review.countersigner_id == data["qa"].id
    again = client.get(url)
    assert page(again).select_one("#overall_judgement").get_text() == text
    assert "<script>alert(1)</script>" not in again.get_data(as_text=True)
    selected = page(again).select_one("#countersigner_email option[selected]")
    assert selected["value"] == data["qa"].email


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"overall_judgement": "x" * 20_001},
            "Overall judgement must be 20,000 characters or fewer",
        ),
        (
            {"countersigner_email": "officer"},
            "Enter the email address of an active quality assurer",
        ),
        ({"countersigner_email": "not an email"}, "in the correct format"),
    ],
)
def test_bad_judgements_are_refused(client, login_as, full_review, body, message):
    data = full_review()
    review = data["review"]
    if body.get("countersigner_email") == "officer":
        body = {**body, "countersigner_email": data["officer"].email}
    login_as(user=data["reviewer"])
    response = post(
        client, f"/reviews/{review.id}/judgement", {"version": str(review.version), **body}
    )
    assert response.status_code == 200
    assert any(message in m for m in errors(response)), errors(response)
    db.session.refresh(review)
    assert review.overall_judgement is None and review.countersigner_id is None


def test_a_stale_judgement_is_not_saved(client, login_as, full_review):
    data = full_review()
    review = data["review"]
    login_as(user=data["reviewer"])
    url = f"/reviews/{review.id}/judgement"
    opened = hidden_version(client.get(url))
    review_service.update_review(
        data["reviewer"], review, {"version": review.version, "overall_judgement": "Theirs"}
    )
    response = post(client, url, {"version": str(opened), "overall_judgement": "Mine"})
    soup = page(response)
    assert "changed by someone else" in soup.select_one("#stale-help").get_text()
    assert soup.select_one("#overall_judgement").get_text() == "Mine"
    db.session.refresh(review)
    assert review.overall_judgement == "Theirs"


def test_the_judgement_is_read_only_once_the_window_closes(client, login_as, full_review):
    data = full_review()
    review = move_to(data, "quality_assurance")
    login_as(user=data["reviewer"])
    soup = page(client.get(f"/reviews/{review.id}/judgement"))
    assert soup.select_one("#overall_judgement") is None
    assert "All reasonable steps" in soup.select_one("#judgement-text").get_text()
