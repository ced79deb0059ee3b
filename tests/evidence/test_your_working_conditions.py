"""The officer's page "Your working conditions as recorded" and their account of them
(api-v1.1 §A); the review team reads the accounts beside the figures."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sfo_review.extensions import db
from sfo_review.models import CaseloadAccount
from sfo_review.services import caseload_accounts, evidence
from tests.helpers import page
from tests.helpers import post_form as post
from tests.helpers_forms import HOSTILE, ROLES, errors, expect_status, move_to, sign_in, text_of

PAGE = "/reviews/{r}/your-working-conditions"
ADD = "/reviews/{r}/your-working-conditions/{c}/accounts"
MANAGER = {
    "period_start": "2023-02-01",
    "period_end": "2023-06-26",
    "caseload_count": 271,
    "high_risk_count": 23,
    "workload_percent": 289,
    "grade": "senior_probation_officer",
    "months_in_role": 257,
    "team_vacancy_percent": 30,
    "officer_changes_on_case": 3,
    "management_oversight_sessions": 0,
    "notes": "Sentinel-manager-notes",
}
# Who opens the page and who may add to the responsible officer's context. The officer is
# the context's subject; the manager a colleague taking part in the review.
OPEN = {
    "officer": 200,
    "manager": 200,
    "other_officer": 404,
    "reviewer": 403,
    "other_reviewer": 404,
    "quality_assurer": 404,
    "leadership": 403,
    "admin": 404,
    "anonymous": "sign-in",
}
ADD_EXPECTED = {**OPEN, "officer": 302, "manager": 404}


def accounts() -> int:
    return int(db.session.scalar(select(func.count()).select_from(CaseloadAccount)) or 0)


def urls(data, context=None):
    r, c = data["review"].id, (context or data["context"]).id
    return PAGE.format(r=r), ADD.format(r=r, c=c)


def enter(role, data, login_as):
    if role == "manager":
        return login_as(user=data["manager"])
    return sign_in(role, data, login_as)


def add_manager_context(data):
    manager = data["review"].participant_for(data["manager"])
    return evidence.add_caseload_context(
        data["reviewer"], data["review"], {"participant_id": manager.id, **MANAGER}
    )


@pytest.mark.parametrize("role", [*ROLES, "manager"])
def test_who_opens_the_page(client, login_as, full_review, role):
    data = full_review()
    enter(role, data, login_as)
    expect_status(client.get(urls(data)[0]), OPEN[role])


@pytest.mark.parametrize("role", [*ROLES, "manager"])
def test_who_adds_an_account(client, login_as, full_review, role):
    data = full_review()
    enter(role, data, login_as)
    page_url, add_url = urls(data)
    response = client.post(add_url, data={"body": "My account."})
    expect_status(response, ADD_EXPECTED[role])
    assert accounts() == (1 if role == "officer" else 0)
    if role == "officer":
        assert response.headers["Location"].endswith(f"{page_url}#context-{data['context'].id}")


def test_the_subject_reads_their_own_figures_never_a_colleagues(client, login_as, full_review):
    data = full_review()
    add_manager_context(data)
    login_as(user=data["officer"])

    response = client.get(urls(data)[0])

    soup = page(response)
    assert soup.h1.get_text(strip=True) == "Your working conditions as recorded"
    figures = soup.select_one(f"#figures-{data['context'].id}")
    rows = {
        row.dt.get_text(strip=True): " ".join(row.dd.get_text(" ").split())
        for row in figures.select(".govuk-summary-list__row")
    }
    assert rows["Number of cases"].startswith("58")
    assert rows["Workload (WMT)"].startswith("143%")
    assert rows["Months in role"] == "14"
    assert rows["Start of the period"] == "1 January 2023"
    text = text_of(response)
    for leak in ("271", "289", "257", "Sentinel-manager-notes", data["manager"].name):
        assert leak not in text
    assert soup.select_one(f"#accounts-{data['context'].id}").get_text(strip=True) == (
        "You have not added an account of these figures."
    )


def test_a_colleague_reads_only_their_own(client, login_as, full_review):
    data = full_review()
    login_as(user=data["manager"])
    text = text_of(client.get(urls(data)[0]))
    assert "No working conditions have been recorded about you in this review." in text
    assert "58" not in text and "143%" not in text and data["officer"].name not in text

    own = add_manager_context(data)
    text = text_of(client.get(urls(data)[0]))
    assert "271" in text and "289%" in text and "Sentinel-manager-notes" in text
    assert "143%" not in text and data["officer"].name not in text
    # Their own context takes their account; the responsible officer's is not found.
    response = client.post(urls(data, own)[1], data={"body": "Mine."})
    assert response.status_code == 302
    response = client.post(urls(data)[1], data={"body": "Theirs."})
    assert response.status_code == 404
    assert [a.caseload_context_id for a in db.session.scalars(select(CaseloadAccount))] == [own.id]


def test_the_overview_links_the_page_for_participants_only(client, login_as, full_review):
    data = full_review()
    login_as(user=data["officer"])
    link = page(client.get(f"/reviews/{data['review'].id}")).select_one("#own-working-conditions a")
    assert link["href"] == urls(data)[0]
    login_as(user=data["reviewer"])
    assert (
        page(client.get(f"/reviews/{data['review'].id}")).select_one("#own-working-conditions")
        is None
    )


def test_adding_an_account_shows_it_to_the_subject_and_beside_the_figures_to_the_team(
    client, login_as, full_review
):
    data = full_review()
    cid = data["context"].id
    login_as(user=data["officer"])
    page_url, add_url = urls(data)

    response = post(
        client,
        add_url,
        {"body": HOSTILE, "disputed_fields": ["caseload_count", "grade"]},
        form_url=page_url,
    )
    assert response.status_code == 302
    response = client.get(response.headers["Location"])

    soup = page(response)
    assert "Your account has been added" in soup.select_one(".govuk-notification-banner").text
    assert HOSTILE not in response.get_data(as_text=True)  # escaped, shown as typed
    assert HOSTILE in soup.select_one(f"#accounts-{cid}").get_text()
    disputed = soup.select_one(f"#figure-{cid}-caseload_count")
    assert "Disputed by you" in disputed.get_text()
    assert "Disputed by you" not in soup.select_one(f"#figure-{cid}-high_risk_count").get_text()

    for role in ("reviewer", "leadership", "quality_assurer"):
        if role == "quality_assurer":
            move_to(data, "quality_assurance")
            login_as(user=data["qa"])
        else:
            sign_in(role, data, login_as)
        response = client.get(f"/reviews/{data['review'].id}/caseload-contexts")
        assert response.status_code == 200
        soup = page(response)
        card = soup.select_one(f"#caseload_contexts-{cid}")
        rows = {
            row.dt.get_text(strip=True): " ".join(row.dd.get_text(" ").split())
            for row in card.select(".govuk-summary-list__row")
        }
        tag = f"Disputed by {data['officer'].name}"
        assert tag in rows["Number of cases"] and tag in rows["Grade"]
        assert tag not in rows["High-risk cases"]
        beside = card.select_one(f"#accounts-{cid}")
        assert f"Account of {data['officer'].name}" in beside.get_text()
        assert HOSTILE in beside.get_text()
        assert "disputes: Number of cases, Grade" in " ".join(beside.get_text(" ").split())
        assert HOSTILE not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"body": ""}, "Enter the account"),
        ({"body": "   "}, "Enter the account"),
        ({"body": "x" * 20_001}, "Account must be 20,000 characters or fewer"),
        ({"body": "ok", "disputed_fields": ["notes"]}, "Disputed figures must only contain"),
        ({"body": "ok", "disputed_fields": ["<script>"]}, "Disputed figures must only contain"),
    ],
)
def test_a_bad_account_is_shown_again_with_its_errors(
    client, login_as, full_review, fields, message
):
    data = full_review()
    cid = data["context"].id
    login_as(user=data["officer"])
    page_url, add_url = urls(data)

    response = post(client, add_url, dict(fields), form_url=page_url)

    assert response.status_code == 200
    assert any(e.startswith(message) for e in errors(response)), errors(response)
    soup = page(response)
    field = "disputed_fields" if "disputed_fields" in fields else "body"
    href = soup.select_one(".govuk-error-summary a")["href"]
    assert href == f"#c{cid}-{field}"
    assert (
        soup.select_one(f"#c{cid}-{field}-error").get_text(strip=True).endswith(errors(response)[0])
    )
    assert soup.title.text.startswith("Error:")
    assert accounts() == 0


def test_outside_the_window_the_form_is_gone_and_a_post_is_refused(client, login_as, full_review):
    data = full_review()
    cid = data["context"].id
    move_to(data, "quality_assurance")
    login_as(user=data["officer"])
    page_url, add_url = urls(data)

    soup = page(client.get(page_url))
    assert soup.select_one(f"#accounts-closed-{cid}") is not None
    assert soup.select_one("form textarea") is None

    response = post(client, add_url, {"body": "Late."}, form_url=None)
    assert response.status_code == 200
    assert any("only be added while" in e for e in errors(response))
    assert accounts() == 0


def test_the_subjects_earlier_accounts_stay_and_another_may_be_added(client, login_as, full_review):
    data = full_review()
    cid = data["context"].id
    caseload_accounts.add_account(
        data["officer"], data["review"], data["context"], {"body": "First.", "disputed_fields": []}
    )
    move_to(data, "factual_accuracy")
    login_as(user=data["officer"])
    page_url, add_url = urls(data)
    assert client.post(add_url, data={"body": "Second."}).status_code == 302
    listed = page(client.get(page_url)).select(f"#accounts-{cid} li")
    assert [
        " ".join(li.get_text(" ").split()).endswith(t)
        for li, t in zip(listed, ("First.", "Second."), strict=True)
    ] == [True, True]
    assert "disputes no figure" in listed[0].get_text()


@pytest.mark.csrf
def test_the_page_has_one_heading_and_its_form_carries_csrf(client, login_as, full_review):
    data = full_review()
    login_as(user=data["officer"])
    page_url, add_url = urls(data)
    soup = page(client.get(page_url))
    assert len(soup.select("h1")) == 1
    forms = soup.select("form[method=post]")
    assert all(f.select_one("input[name=csrf_token]") for f in forms)
    [form] = [f for f in forms if f.get("action") == add_url]
    labels = [label.get_text(strip=True) for label in form.select(".govuk-checkboxes__label")]
    assert labels[:3] == ["Number of cases", "High-risk cases", "Workload (WMT)"]
    assert len(labels) == 10
    assert form.select_one("legend").get_text(strip=True) == "Which figures do you dispute?"
    # Without its token the account is refused and nothing is written.
    response = client.post(add_url, data={"body": "No token."})
    assert response.status_code in (200, 400) and accounts() == 0


def test_a_context_of_another_review_is_not_found(client, login_as, full_review):
    data = full_review()
    other = full_review()
    login_as(user=data["officer"])
    theirs = ADD.format(r=data["review"].id, c=other["context"].id)
    assert client.post(theirs, data={"body": "Not mine."}).status_code == 404
    missing = ADD.format(r=data["review"].id, c=999999)
    assert client.post(missing, data={"body": "Nothing."}).status_code == 404
    assert accounts() == 0


def test_a_disputed_period_is_flagged_on_the_teams_page(client, login_as, full_review):
    data = full_review()
    caseload_accounts.add_account(
        data["officer"],
        data["review"],
        data["context"],
        {"body": "I joined in March.", "disputed_fields": ["period_start"]},
    )
    login_as(user=data["reviewer"])
    soup = page(client.get(f"/reviews/{data['review'].id}/caseload-contexts"))
    flagged = " ".join(soup.select_one(f"#period-start-disputed-{data['context'].id}").text.split())
    assert flagged == f"Start of the period: 1 January 2023 Disputed by {data['officer'].name}"
    assert soup.select_one(f"#period-end-disputed-{data['context'].id}") is None
