"""The balance indicator on the finding editor: the state of this finding and the review's
individual shortfall findings still lacking weighed context, enhanced by static/js/balance.js.
A good practice or sufficient finding attributed to an individual is praise or a neutral
judgement (api-v1.1 A): the rule does not apply to it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sfo_review.services import findings as finding_service
from tests.helpers import csrf_token, page
from tests.helpers_forms import HOSTILE, WHY_NO_WIDER_FACTOR

STATIC = Path(__file__).resolve().parents[2] / "static"


def shown_state(soup):
    visible = [p for p in soup.select("#balance [data-balance-state]") if not p.has_attr("hidden")]
    assert len(visible) == 1
    return visible[0]["data-balance-state"], " ".join(visible[0].get_text(" ").split())


def edit_url(data, finding=None):
    finding = finding or data["finding"]
    return f"/reviews/{data['review'].id}/findings/{finding.id}/edit"


def test_a_balanced_finding_shows_context_weighed(client, login_as, full_review):
    data = full_review()
    login_as(user=data["reviewer"])
    soup = page(client.get(edit_url(data)))
    state, text = shown_state(soup)
    assert state == "weighed" and text.startswith("Context weighed")
    assert soup.select_one("#balance")["data-note-min"] == "100"
    assert "every finding that finds an individual’s practice insufficient shows the context" in (
        soup.select_one("#review-balanced").get_text()
    )
    # The indicator comes before the form: it is seen while editing.
    assert soup.select_one("#balance").find_next("form") is not None


def test_an_unbalanced_finding_shows_context_missing_and_is_listed(client, login_as, full_review):
    data = full_review(balanced=False)
    login_as(user=data["reviewer"])
    soup = page(client.get(edit_url(data)))
    state, text = shown_state(soup)
    assert state == "missing"
    assert text.startswith("Context missing")
    assert "0 of 100 so far" in text
    listed = soup.select("#review-unbalanced li")
    assert [" ".join(li.get_text(" ").split()) for li in listed] == [
        "Risk not reassessed (this finding)"
    ]
    assert listed[0].select_one("a")["href"] == edit_url(data)


def test_the_review_list_names_other_unbalanced_findings_escaped(client, login_as, full_review):
    data = full_review()
    other = finding_service.add_finding(
        data["reviewer"],
        data["review"],
        {
            "title": HOSTILE,
            "practice_area": "assessment",
            "judgement": "insufficient",
            "narrative": "Not weighed.",
            "attribution": ["individual"],
            "subject_participant_ids": [data["participant"].id],
        },
    )
    login_as(user=data["reviewer"])
    response = client.get(edit_url(data))
    soup = page(response)
    assert shown_state(soup)[0] == "weighed"
    link = soup.select_one("#review-unbalanced a")
    assert link.get_text() == HOSTILE and link["href"] == edit_url(data, other)
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_a_finding_not_attributed_to_an_individual(client, login_as, full_review):
    data = full_review(individual=False)
    login_as(user=data["reviewer"])
    state, text = shown_state(page(client.get(edit_url(data))))
    assert state == "not-individual" and text.startswith("Not attributed to an individual")


def test_a_new_finding_starts_not_attributed(client, login_as, full_review):
    data = full_review()
    login_as(user=data["reviewer"])
    soup = page(client.get(f"/reviews/{data['review'].id}/findings/new"))
    assert shown_state(soup)[0] == "not-individual"


def test_without_javascript_a_rejected_save_shows_the_state_of_what_was_typed(
    client, login_as, full_review
):
    data = full_review()
    login_as(user=data["reviewer"])
    url = f"/reviews/{data['review'].id}/findings/new"
    token = csrf_token(client, url)
    values = {
        "csrf_token": token,
        "title": "",  # refused: the title is needed
        "practice_area": "assessment",
        "judgement": "insufficient",
        "narrative": "Missed.",
        "attribution": ["individual"],
    }
    soup = page(client.post(url, data={**values, "context_note": "Too short"}))
    state, text = shown_state(soup)
    assert state == "missing" and "9 of 100 so far" in text
    soup = page(client.post(url, data={**values, "context_note": WHY_NO_WIDER_FACTOR}))
    assert shown_state(soup)[0] == "weighed"


def test_after_saving_an_unbalanced_finding_the_message_says_what_is_missing(
    client, login_as, full_review
):
    data = full_review()
    login_as(user=data["reviewer"])
    url = f"/reviews/{data['review'].id}/findings/new"
    token = csrf_token(client, url)
    response = client.post(
        url,
        data={
            "csrf_token": token,
            "title": "Unweighed",
            "practice_area": "assessment",
            "judgement": "insufficient",
            "narrative": "Missed.",
            "attribution": ["individual"],
            "subject_participant_ids": [str(data["participant"].id)],
        },
        follow_redirects=True,
    )
    shown = page(response)
    success = shown.select_one(".govuk-notification-banner--success").get_text(" ")
    assert "Finding “Unweighed” added." in success
    # the warning is not dressed as a success: the blue banner, with warning styling
    warning = shown.select_one(
        ".govuk-notification-banner:not(.govuk-notification-banner--success)"
    )
    said = " ".join(warning.select_one(".govuk-warning-text").get_text(" ").split())
    assert "finds an individual's practice insufficient without weighing their context" in said
    assert "&lt;br&gt;" not in response.get_data(as_text=True)
    assert "<br>" not in str(shown.select_one("main"))


def test_the_script_is_a_module_file_with_the_page_nonce(client, login_as, full_review):
    data = full_review()
    login_as(user=data["reviewer"])
    response = client.get(edit_url(data))
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    script = page(response).select_one("script[src*='/js/balance.js?v=']")
    assert script["type"] == "module" and script["nonce"] == nonce
    served = client.get(script["src"])
    assert served.status_code == 200
    served.close()
    source = (STATIC / "js" / "balance.js").read_text()
    # It reads the same fields the server does and only switches between the page's messages.
    for name in (
        "attribution",
        "judgement",
        "systemic_factor_ids",
        "caseload_context_ids",
        "context_note",
        "subject_participant_ids",
    ):
        assert name in source
    assert "data-balance-state" in source or "balanceState" in source


@pytest.mark.parametrize("judgement", ["good_practice", "sufficient"])
def test_praise_or_a_neutral_judgement_is_not_blame(client, login_as, full_review, judgement):
    data = full_review(balanced=False)
    login_as(user=data["reviewer"])
    url = f"/reviews/{data['review'].id}/findings/new"
    soup = page(
        client.post(
            url,
            data={
                "csrf_token": csrf_token(client, url),
                "title": "",  # refused, so the page shows the state of what was typed
                "practice_area": "assessment",
                "judgement": judgement,
                "narrative": "Good work.",
                "attribution": ["individual"],
            },
        )
    )
    state, text = shown_state(soup)
    assert state == "praise-or-neutral"
    assert text.startswith("Praise or a neutral judgement")
    assert "not blame" in text


def test_a_factor_without_the_subjects_context_is_still_missing(client, login_as, full_review):
    data = full_review(balanced=False)  # its subject has a caseload context, not linked
    login_as(user=data["reviewer"])
    url = edit_url(data)
    soup = page(client.get(url))
    indicator = soup.select_one("#balance")
    participant, context = data["participant"], data["context"]
    assert json.loads(indicator["data-subject-contexts"])[str(participant.id)] == [context.id]
    assert json.loads(indicator["data-saved-subjects"]) == [participant.id]
    values = {
        "csrf_token": csrf_token(client, url),
        "version": soup.select_one("input[name=version]")["value"],
        "title": "",  # refused: the state of what was typed is shown
        "practice_area": "assessment",
        "judgement": "insufficient",
        "narrative": "Missed.",
        "attribution": ["individual", "team"],
        "subject_participant_ids": [str(participant.id)],  # as the form's checked box sends it
        "systemic_factor_ids": [str(data["factor"].id)],
    }
    assert shown_state(page(client.post(url, data=values)))[0] == "missing"
    values["caseload_context_ids"] = [str(context.id)]
    assert shown_state(page(client.post(url, data=values)))[0] == "weighed"


def test_the_findings_list_shows_praise_as_praise(client, login_as, full_review):
    data = full_review()
    praise = finding_service.add_finding(
        data["reviewer"],
        data["review"],
        {
            "title": "Thorough home visit",
            "practice_area": "implementation",
            "judgement": "good_practice",
            "narrative": "The visit was thorough.",
            "attribution": ["individual"],
        },
    )
    login_as(user=data["reviewer"])
    soup = page(client.get(f"/reviews/{data['review'].id}/findings"))
    row = " ".join(soup.select_one(f"#finding-{praise.id}").get_text(" ").split())
    assert "Praise or a neutral judgement" in row and "Context missing" not in row
    assert soup.select_one("#unbalanced-findings") is None
