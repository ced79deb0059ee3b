"""The just-culture assessment in the browser: who may open each page, the journey through
the guide's questions one a page, check your answers, and the confirmation."""

from __future__ import annotations

import pytest

from sfo_review.extensions import db
from sfo_review.findings.just_culture_forms import STEPS
from sfo_review.models import AuditEvent, JustCultureAssessment
from sfo_review.services import findings as finding_service
from tests import helpers_rules
from tests.helpers_forms import (
    HOSTILE,
    ROLES,
    errors,
    expect_status,
    page,
    post,
    sign_in,
    text_of,
)

START = "/reviews/{r}/findings/{f}/just-culture"
QUESTION = START + "/{step}"
CHECK = START + "/check-your-answers"
CONFIRMATION = START + "/confirmation"
RATIONALE = (
    "She held 58 cases in a team with 30% vacancies; any PSO in her second year in that team "
    "would probably have missed the same reassessment."
)
ANSWERS = {
    "deliberate_harm": "no",
    "health_factors": "no",
    "protocol_existed": "yes",
    "protocol_workable": "yes",
    "knowingly_departed": "no",
    "peers_would_act_same": "yes",
    "comparator": "PSOs in their second year with 50 to 60 cases",
    "training_gap": False,
    "supervision_gap": True,
    "rationale": RATIONALE,
    "mitigation": "She raised her caseload in supervision.",
}


@pytest.fixture
def full_review(full_review):
    """The shared review, its finding not assessed yet (the shared fixture assesses it)."""

    def build(**kwargs):
        data = full_review(**kwargs)
        helpers_rules.unassess(data["finding"])
        return data

    return build


def url(template, data, **kw):
    return template.format(r=data["review"].id, f=data["finding"].id, **kw)


def answer_all(data, **changes):
    finding = data["finding"]
    db.session.refresh(finding)
    finding_service.set_just_culture(
        data["reviewer"], data["review"], finding, {**ANSWERS, **changes}, finding.version
    )


# ---- who may open each page ----------------------------------------------------------------

READ = {
    "reviewer": 200,
    "other_reviewer": 404,
    "officer": 403,
    "other_officer": 404,
    "quality_assurer": 404,  # not yet with quality assurance
    "leadership": 200,
    "admin": 404,
    "anonymous": "sign-in",
}
WRITE = {**READ, "leadership": 403}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("template", [START, CHECK])
def test_who_may_read_the_assessment(client, login_as, full_review, role, template):
    data = full_review()
    answer_all(data)
    sign_in(role, data, login_as)
    response = client.get(url(template, data))
    expect_status(response, READ[role])
    if READ[role] == 200:
        assert RATIONALE in text_of(response)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_answer_the_questions(client, login_as, full_review, role):
    data = full_review()
    sign_in(role, data, login_as)
    expect_status(client.get(url(QUESTION, data, step="deliberate-harm")), WRITE[role])
    response = client.post(
        url(QUESTION, data, step="deliberate-harm"),
        data={"answer": "no", "version": str(data["finding"].version)},
    )
    expect_status(response, 302 if WRITE[role] == 200 else WRITE[role])
    stored = db.session.get(JustCultureAssessment, data["finding"].id)
    assert (stored is not None) is (WRITE[role] == 200)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_confirm(client, login_as, full_review, role):
    data = full_review()
    answer_all(data)
    sign_in(role, data, login_as)
    expect_status(client.get(url(CONFIRMATION, data)), WRITE[role])
    response = client.post(url(CHECK, data), data={})
    expect_status(response, 302 if WRITE[role] == 200 else WRITE[role])
    confirmed = db.session.query(AuditEvent).filter_by(action="finding.just_culture_confirmed")
    assert (confirmed.count() == 1) is (WRITE[role] == 200)


def test_quality_assurance_reads_the_answers_without_change_links(client, login_as, full_review):
    data = full_review()
    answer_all(data)
    data["review"].status = "quality_assurance"
    data["review"].countersigner_id = data["qa"].id
    db.session.commit()
    login_as(user=data["qa"])
    soup = page(client.get(url(CHECK, data)))
    assert soup.select_one("h1").get_text() == "Just-culture assessment answers"
    assert not soup.select(".govuk-summary-list__actions")
    assert not soup.select("main form")
    expect_status(client.get(url(QUESTION, data, step="deliberate-harm")), 403)
    login_as(user=data["reviewer"])
    # The reviewer too, once the edit window has closed: the question pages lead back.
    response = client.get(url(QUESTION, data, step="deliberate-harm"))
    assert response.status_code == 302 and response.headers["Location"].endswith(url(START, data))
    blocked = client.post(url(CHECK, data), data={})
    assert "can only be edited while in review" in " ".join(errors(blocked))


def test_an_unknown_question_is_not_found(client, login_as, full_review):
    data = full_review()
    login_as(user=data["reviewer"])
    expect_status(client.get(url(QUESTION, data, step="blame")), 404)


# ---- the journey ------------------------------------------------------------------------------

PAGES = [
    ("deliberate-harm", {"answer": "no"}),
    ("health-factors", {"answer": "no"}),
    ("protocol-existed", {"answer": "yes"}),
    ("protocol-workable", {"answer": "yes"}),
    ("knowingly-departed", {"answer": "no"}),
    ("substitution-test", {"answer": "yes", "comparator": ANSWERS["comparator"]}),
    ("training-gap", {"answer": "no"}),
    ("supervision-gap", {"answer": "yes"}),
    ("rationale", {"rationale": RATIONALE, "mitigation": ""}),
]


def version_on(soup):
    return soup.select_one("input[name=version]")["value"]


def test_the_reviewer_answers_one_question_a_page_then_checks_and_confirms(
    client, login_as, full_review
):
    data = full_review()
    login_as(user=data["reviewer"])
    start = page(client.get(url(START, data)))
    assert start.select_one("#not-started")
    link = start.select_one("#just-culture-start")
    assert link.get_text() == "Start the assessment"
    here = link["href"]
    assert here == url(QUESTION, data, step="deliberate-harm")
    previous = url(START, data)
    for number, (slug, values) in enumerate(PAGES, start=1):
        assert here == url(QUESTION, data, step=slug)
        soup = page(client.get(here))
        assert soup.select_one(".govuk-back-link")["href"] == previous
        assert f"question {number} of {len(STEPS)}" in soup.get_text()
        assert len(soup.select("h1")) == 1
        if "answer" in values:
            legend = soup.select_one("legend h1")
            assert legend is not None and legend.get_text(strip=True)
        response = client.post(here, data={**values, "version": version_on(soup)})
        assert response.status_code == 302, errors(response)
        previous, here = here, response.headers["Location"]
    assert here == url(CHECK, data)
    check = page(client.get(here))
    rows = {
        row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(strip=True)
        for row in check.select("#just-culture-answers .govuk-summary-list__row")
    }
    assert rows["Compared with"] == ANSWERS["comparator"]
    assert rows["Rationale"] == RATIONALE
    assert rows["Mitigation"] == "None given"
    assert len(check.select(".govuk-summary-list__actions a")) == 11
    outcome = check.select_one("#just-culture-outcome").get_text(" ", strip=True)
    assert "Outcome: System learning" in outcome
    assert "record what the system must learn" in outcome
    done = client.post(url(CHECK, data), data={})
    assert done.headers["Location"].endswith(url(CONFIRMATION, data))
    panel = page(client.get(url(CONFIRMATION, data))).select_one(".govuk-panel")
    assert "Just-culture assessment confirmed" in panel.get_text()
    assert "Outcome: System learning" in panel.get_text()
    stored = db.session.get(JustCultureAssessment, data["finding"].id)
    assert stored.outcome == "system_learning" and stored.supervision_gap is True
    assert stored.training_gap is False and stored.mitigation is None


def test_a_change_link_returns_to_check_your_answers(client, login_as, full_review):
    data = full_review()
    answer_all(data)
    login_as(user=data["reviewer"])
    check = page(client.get(url(CHECK, data)))
    change = check.select_one("[data-key=deliberate_harm]").find_next("a")["href"]
    soup = page(client.get(change))
    assert soup.select_one("input[name=answer][value=no]").has_attr("checked")
    response = client.post(change, data={"answer": "yes", "version": version_on(soup)})
    assert response.headers["Location"].endswith(url(CHECK, data))
    outcome = page(client.get(url(CHECK, data))).select_one("#just-culture-outcome").get_text()
    assert "Refer to another process" in outcome


@pytest.mark.parametrize(
    ("slug", "values", "field_id", "message"),
    [
        ("deliberate-harm", {}, "answer", "Select the answer about intention to cause harm"),
        ("protocol-workable", {}, "answer", "Select the answer about whether the procedure"),
        ("substitution-test", {"comparator": "PSOs"}, "answer", "Select the answer to the"),
        ("substitution-test", {"answer": "yes"}, "comparator", "Enter the comparator"),
        ("training-gap", {}, "answer", "Select the training gap"),
        ("training-gap", {"answer": "maybe"}, "answer", "Training gap must be true or false"),
        ("health-factors", {"answer": "perhaps"}, "answer", "Select the answer about ill health"),
        ("rationale", {"rationale": "Too short."}, "rationale", "at least 100 characters"),
        ("rationale", {"rationale": ""}, "rationale", "Enter the rationale"),
        ("substitution-test", {"answer": "no", "comparator": "x" * 201}, "comparator", "200"),
    ],
)
def test_a_page_submitted_without_an_answer_says_so_next_to_the_field(
    client, login_as, full_review, slug, values, field_id, message
):
    data = full_review()
    login_as(user=data["reviewer"])
    response = client.post(
        url(QUESTION, data, step=slug), data={**values, "version": str(data["finding"].version)}
    )
    assert response.status_code == 200
    soup = page(response)
    summary = soup.select_one(".govuk-error-summary a")
    assert message in summary.get_text() and summary["href"] == f"#{field_id}"
    group = soup.select_one(".govuk-form-group--error")
    assert message in group.select_one(".govuk-error-message").get_text()
    assert db.session.get(JustCultureAssessment, data["finding"].id) is None


def test_a_stale_page_changes_nothing(client, login_as, full_review):
    data = full_review()
    login_as(user=data["reviewer"])
    stale = str(data["finding"].version)
    answer_all(data)
    response = client.post(
        url(QUESTION, data, step="deliberate-harm"), data={"answer": "yes", "version": stale}
    )
    assert response.status_code == 200
    assert page(response).select_one("#stale-help")
    assert db.session.get(JustCultureAssessment, data["finding"].id).deliberate_harm == "no"


def test_confirming_an_incomplete_assessment_is_refused(client, login_as, full_review):
    data = full_review()
    login_as(user=data["reviewer"])
    post(
        client,
        url(QUESTION, data, step="deliberate-harm"),
        {"answer": "no", "version": str(data["finding"].version)},
    )
    start = page(client.get(url(START, data))).select_one("#just-culture-start")
    assert start.get_text() == "Continue the assessment"
    assert start["href"] == url(QUESTION, data, step="health-factors")
    soup = page(client.get(url(CHECK, data)))
    assert soup.select_one("#incomplete")
    assert "Not answered" in soup.select_one("[data-key=health_factors]").get_text()
    response = client.post(url(CHECK, data), data={})
    assert response.status_code == 200
    assert "Answer every question" in " ".join(errors(response))


def test_hostile_text_is_shown_escaped(client, login_as, full_review):
    data = full_review()
    answer_all(data, comparator=HOSTILE, rationale=RATIONALE + HOSTILE, mitigation=HOSTILE)
    login_as(user=data["reviewer"])
    for template in (START, CHECK, "/reviews/{r}/findings/{f}"):
        response = client.get(url(template, data))
        html = response.get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("change", [{"judgement": "good_practice"}, {"attribution": ["team"]}])
def test_only_individual_shortfall_findings_are_assessed(client, login_as, full_review, change):
    data = full_review()
    finding = data["finding"]
    finding_service.update_finding(
        data["reviewer"], data["review"], finding, {"version": finding.version, **change}
    )
    login_as(user=data["reviewer"])
    soup = page(client.get(url(START, data)))
    assert "only for findings of insufficient practice" in soup.select_one("#not-applicable").text
    assert not soup.select("#just-culture-start")
    response = client.get(url(QUESTION, data, step="deliberate-harm"))
    assert response.status_code == 302 and response.headers["Location"].endswith(url(START, data))
    finding_page = page(client.get("/reviews/{}/findings/{}".format(data["review"].id, finding.id)))
    assert not finding_page.select("#just-culture")
