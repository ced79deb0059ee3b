"""The finding's page and form with the individual's side (api-v1.1 A): whom it is about,
the statements shown beside it (an officer sees only their own), the assessment (officers
only when it is about them), and nothing of statements or replies once it points elsewhere."""

from __future__ import annotations

from sfo_review.extensions import db
from sfo_review.models import Finding
from sfo_review.services import findings as finding_service
from sfo_review.services import statements as statement_service
from tests import helpers_rules
from tests.findings.test_just_culture_pages import RATIONALE, answer_all
from tests.helpers_forms import HOSTILE, errors, move_to, page, text_of

OFFICER_WORDS = "I asked twice for the police call-out log and chased it in supervision."
MANAGER_WORDS = "The team was carrying three vacancies and I covered two caseloads myself."
MANAGER_SUMMARY = "The manager describes covering two caseloads during the vacancies."


def finding_url(data, finding=None):
    return f"/reviews/{data['review'].id}/findings/{(finding or data['finding']).id}"


def with_statements(data, hostile=False):
    mine = statement_service.create_statement(
        data["officer"], data["review"], {"body": OFFICER_WORDS + (HOSTILE if hostile else "")}
    )
    statement_service.submit_statement(data["officer"], data["review"], mine)
    theirs = statement_service.create_statement(
        data["manager"], data["review"], {"body": MANAGER_WORDS}
    )
    statement_service.submit_statement(data["manager"], data["review"], theirs)
    statement_service.update_statement(
        data["reviewer"],
        data["review"],
        theirs,
        {"version": theirs.version, "include_in_report": "summary", "summary": MANAGER_SUMMARY},
    )
    finding = data["finding"]
    finding_service.update_finding(
        data["reviewer"],
        data["review"],
        finding,
        {"version": finding.version, "statement_ids": [mine.id, theirs.id]},
    )
    return mine, theirs


def beside(response):
    return [
        " ".join(block.get_text(" ").split())
        for block in page(response).select(".app-statement-beside")
    ]


def test_the_reviewer_sees_whom_it_is_about_and_the_statements_words_under_it(
    client, login_as, full_review
):
    data = full_review()
    helpers_rules.unassess(data["finding"])  # the shared fixture assesses it: not started
    with_statements(data)
    login_as(user=data["reviewer"])
    response = client.get(finding_url(data))
    soup = page(response)
    assert soup.select_one("#subjects").get_text(" ", strip=True) == (
        f"{data['officer'].name} (responsible officer)"
    )
    shown = beside(response)
    assert len(shown) == 2
    assert OFFICER_WORDS in shown[0]
    assert MANAGER_SUMMARY in shown[1] and "as summarised by the reviewer" in shown[1]
    assert MANAGER_WORDS not in text_of(response)
    assert soup.select_one("#just-culture-summary").get_text(strip=True) == "Not started."
    link = soup.select_one("#just-culture-link")
    assert link["href"] == finding_url(data) + "/just-culture"


def test_an_officer_sees_only_their_own_statement_and_the_assessment_about_them(
    client, login_as, full_review
):
    data = full_review()
    with_statements(data)
    answer_all(data)
    move_to(data, "factual_accuracy")

    login_as(user=data["officer"])  # the finding is about them
    response = client.get(finding_url(data))
    shown = beside(response)
    assert len(shown) == 1 and OFFICER_WORDS in shown[0]
    assert MANAGER_SUMMARY not in text_of(response)
    soup = page(response)
    assert "Outcome: System learning" in soup.select_one("#just-culture-summary").get_text()
    assert RATIONALE in soup.select_one("#just-culture-answers").get_text()
    assert not soup.select("#just-culture-link")  # the assessment's pages are not theirs

    login_as(user=data["manager"])  # a participant the finding is not about
    response = client.get(finding_url(data))
    shown = beside(response)
    assert len(shown) == 1 and MANAGER_SUMMARY in shown[0]
    assert OFFICER_WORDS not in text_of(response)
    assert not page(response).select("#just-culture")
    assert RATIONALE not in text_of(response)


def test_a_finding_pointing_elsewhere_shows_no_statement_and_takes_no_reply(
    client, login_as, full_review
):
    data = full_review()
    move_to(data, "factual_accuracy")
    reply = "The log was on the shared drive."
    finding_service.add_response(data["officer"], data["review"], data["finding"], {"body": reply})
    answer_all(data, deliberate_harm="yes")
    for person in ("reviewer", "officer"):
        login_as(user=data[person])
        response = client.get(finding_url(data))
        soup = page(response)
        assert reply not in text_of(response)
        assert soup.select_one("#replies-not-shown")
        assert not soup.select("form[action$='/responses']")
    listed = client.get(f"/reviews/{data['review'].id}/findings")
    assert "1 reply" not in text_of(listed)
    refused = client.post(finding_url(data) + "/responses", data={"body": "More to say."})
    assert "points to another process" in " ".join(errors(refused))
    db.session.refresh(data["finding"])
    assert len(data["finding"].responses) == 1


def test_hostile_statement_words_are_escaped_under_the_finding(client, login_as, full_review):
    data = full_review()
    with_statements(data, hostile=True)
    data["officer"].name = HOSTILE  # a name shown as a subject and a statement's author
    db.session.commit()
    login_as(user=data["reviewer"])
    for path in (finding_url(data), finding_url(data) + "/edit"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path


# ---- the form ---------------------------------------------------------------------------------


def form_values(data, **overrides):
    return {
        "title": "Supervision not recorded",
        "practice_area": "assessment",
        "judgement": "insufficient",
        "narrative": "No record of supervision for six months.",
        "attribution": ["individual", "team"],
        "systemic_factor_ids": [str(data["factor"].id)],
        **overrides,
    }


def test_the_form_offers_the_participants_and_the_submitted_statements(
    client, login_as, full_review
):
    data = full_review()
    mine = statement_service.create_statement(data["officer"], data["review"], {"body": "Mine"})
    statement_service.submit_statement(data["officer"], data["review"], mine)
    statement_service.create_statement(data["manager"], data["review"], {"body": "A draft"})
    login_as(user=data["reviewer"])
    soup = page(client.get(f"/reviews/{data['review'].id}/findings/new"))
    people = soup.select("input[name=subject_participant_ids]")
    labels = [soup.select_one(f"label[for={p['id']}]").get_text(strip=True) for p in people]
    assert labels == [
        f"{data['officer'].name} (responsible officer)",
        f"{data['manager'].name} (line manager)",
    ]
    legend = soup.select_one("#subject_participant_ids-hint")
    assert "Select the people whose practice the finding is about" in legend.get_text()
    statements = soup.select("input[name=statement_ids]")
    assert [s["value"] for s in statements] == [str(mine.id)]  # the draft is not offered


def test_a_shortfall_about_no_one_is_refused_next_to_the_field(client, login_as, full_review):
    data = full_review()
    login_as(user=data["reviewer"])
    url = f"/reviews/{data['review'].id}/findings/new"
    before = db.session.query(Finding).count()
    response = client.post(url, data=form_values(data))
    assert response.status_code == 200
    soup = page(response)
    link = soup.select_one(".govuk-error-summary a")
    assert "Select who this finding is about" in link.get_text()
    assert link["href"] == "#subject_participant_ids"
    assert soup.select_one("#subject_participant_ids-error")
    assert db.session.query(Finding).count() == before
    saved = client.post(
        url, data=form_values(data, subject_participant_ids=[str(data["participant"].id)])
    )
    assert saved.status_code == 302
    finding = db.session.query(Finding).order_by(Finding.id.desc()).first()
    assert [p.id for p in finding.subjects] == [data["participant"].id]


def test_another_reviews_ids_in_the_form_are_refused(client, login_as, full_review):
    data = full_review()
    other = full_review()
    login_as(user=data["reviewer"])
    url = f"/reviews/{data['review'].id}/findings/new"
    response = client.post(
        url, data=form_values(data, subject_participant_ids=[str(other["participant"].id)])
    )
    assert response.status_code == 200
    assert "not ids of participants on this review" in " ".join(errors(response))


def test_editing_keeps_the_subjects_and_statements_ticked(client, login_as, full_review):
    data = full_review()
    mine, _ = with_statements(data)
    login_as(user=data["reviewer"])
    soup = page(client.get(finding_url(data) + "/edit"))
    ticked = {(i["name"], i["value"]) for i in soup.select("input[type=checkbox][checked]")}
    assert ("subject_participant_ids", str(data["participant"].id)) in ticked
    assert ("statement_ids", str(mine.id)) in ticked
    assert not soup.select("input[name=deliberate_harm]")  # the assessment has its own pages
