"""The evidence pages: what they show, their forms, bad input, stale versions, deletion."""

from __future__ import annotations

import re
from datetime import date

import pytest

from sfo_review import vocab
from sfo_review.extensions import db
from sfo_review.models import CaseloadContext, ChronologyEntry, SystemicFactor
from sfo_review.services import evidence as evidence_service
from tests.helpers_forms import HOSTILE, errors, move_to, page, post, text_of
from tests.reviews.helpers import error_for, hidden_version

# This module's fixtures only build (tests/snapshots.py: a build is reused).
SNAPSHOT_PURE = {"reviewer_on"}

ENTRY = {"occurred_on": ["2", "5", "2023"], "source": "Police", "summary": "Arrested"}
CONTEXT = {
    "period_start": ["1", "1", "2023"],
    "period_end": ["26", "6", "2023"],
    "caseload_count": "48",
    "high_risk_count": "5",
    "workload_percent": "95",
    "grade": "probation_officer",
    "months_in_role": "30",
    "team_vacancy_percent": "10",
    "officer_changes_on_case": "0",
    "management_oversight_sessions": "6",
    "notes": "",
}
FACTOR = {"category": "it_systems_and_data", "level": "national", "description": "Outage"}


def _count(model) -> int:
    return db.session.query(model).count()


@pytest.fixture
def reviewer_on(client, login_as, full_review):
    """A full review with its reviewer signed in; returns the data and the base path."""
    data = full_review()
    login_as(user=data["reviewer"])
    return data, f"/reviews/{data['review'].id}"


# Chronology


def test_the_chronology_is_in_date_order_with_significance_in_words(client, reviewer_on):
    data, base = reviewer_on
    evidence_service.add_chronology_entry(
        data["reviewer"],
        data["review"],
        {**ENTRY, "occurred_on": "2023-01-03", "significant": False},
    )
    soup = page(client.get(f"{base}/chronology"))
    rows = soup.select("#chronology-table tbody tr")
    cells = [[c.get_text(" ", strip=True) for c in r.select("td")] for r in rows]
    assert [c[0] for c in cells] == ["3 January 2023", "2 May 2023"]
    assert cells[0][3] == "" and cells[1][3] == "Significant"
    assert soup.select_one("#add-entry")


def _post_raw(client, base: str, summary: bytes):
    from tests.helpers import csrf_token

    token = csrf_token(client, f"{base}/chronology/new").encode()
    body = b"csrf_token=" + token + b"&occurred_on=2&occurred_on=5&occurred_on=2023"
    body += b"&source=Police&summary=" + summary
    return client.post(
        f"{base}/chronology/new", data=body, content_type="application/x-www-form-urlencoded"
    )


@pytest.mark.csrf
def test_a_form_cannot_carry_half_a_surrogate_pair(client, reviewer_on):
    """Werkzeug decodes form posts as UTF-8 and never makes a lone surrogate: percent-encoded
    it stays as typed, in raw bytes the form is refused (400). The API refuses one in JSON
    (tests/api/test_api_bad_input.py)."""
    data, base = reviewer_on

    response = _post_raw(client, base, b"Half a pair %ED%A0%80 percent-encoded")
    assert response.status_code == 302
    entry = db.session.query(ChronologyEntry).filter_by(source="Police").one()
    assert entry.summary == "Half a pair %ED%A0%80 percent-encoded"

    response = _post_raw(client, base, b"Half a pair \xed\xa0\x80 in raw bytes")
    assert response.status_code == 400
    assert _count(ChronologyEntry) == 2  # the full review's entry and the one above


def test_the_chronology_filters_to_significant_events(client, reviewer_on):
    data, base = reviewer_on
    evidence_service.add_chronology_entry(
        data["reviewer"], data["review"], {**ENTRY, "occurred_on": "2023-01-03"}
    )
    soup = page(client.get(f"{base}/chronology"))
    link = soup.select_one("#filter a")
    assert link.get_text(strip=True) == "Show significant events only"
    filtered = page(client.get(link["href"]))
    assert len(filtered.select("#chronology-table tbody tr")) == 1
    assert "Showing significant events only" in filtered.select_one("#filter").get_text()


def test_a_reviewer_adds_edits_and_deletes_an_entry(client, reviewer_on):
    data, base = reviewer_on
    response = post(client, f"{base}/chronology/new", {**ENTRY, "summary": HOSTILE})
    assert response.status_code == 302
    entry = db.session.query(ChronologyEntry).filter_by(source="Police").one()
    assert entry.summary == HOSTILE and entry.significant is False
    listing = client.get(response.headers["Location"])
    assert "<script>alert(1)</script>" not in listing.get_data(as_text=True)
    assert HOSTILE in page(listing).select_one(f"#chronology_entries-{entry.id}").get_text()

    edit_url = f"{base}/chronology/{entry.id}/edit"
    form = page(client.get(edit_url))
    assert form.select_one("#occurred_on-day")["value"] == "02"
    assert form.select_one("#summary").get_text() == HOSTILE
    response = post(
        client,
        edit_url,
        {**ENTRY, "summary": "Arrested at home", "significant": "y", "version": "1"},
    )
    assert response.status_code == 302
    db.session.refresh(entry)
    assert entry.summary == "Arrested at home" and entry.significant is True

    delete_url = f"{base}/chronology/{entry.id}/delete"
    confirm = page(client.get(delete_url))
    assert "Are you sure" in confirm.select_one("h1").get_text()
    assert "Arrested at home" in confirm.select_one("#item-to-delete").get_text()
    assert _count(ChronologyEntry) == 2  # a GET deletes nothing
    assert post(client, delete_url, {}).status_code == 302
    assert _count(ChronologyEntry) == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"occurred_on": ["", "", ""]}, "occurred_on", "Enter the date of the event"),
        ({"occurred_on": ["31", "02", "2023"]}, "occurred_on", "must be a real date"),
        ({"occurred_on": ["abc", "def", "ghij"]}, "occurred_on", "must be a real date"),
        ({"source": ""}, "source", "Enter the source"),
        ({"source": "   "}, "source", "Enter the source"),
        ({"source": "s" * 201}, "source", "Source must be 200 characters or fewer"),
        ({"summary": "\n  \n"}, "summary", "Enter the summary"),
        ({"summary": "s" * 20_001}, "summary", "Summary must be 20,000 characters or fewer"),
    ],
)
def test_bad_chronology_entries_are_refused(client, reviewer_on, changes, field, message):
    _, base = reviewer_on
    response = post(client, f"{base}/chronology/new", {**ENTRY, **changes})
    assert response.status_code == 200
    assert message in error_for(response, field)
    assert _count(ChronologyEntry) == 1


def test_a_stale_chronology_edit_is_not_saved(client, reviewer_on):
    data, base = reviewer_on
    entry = data["entry"]
    url = f"{base}/chronology/{entry.id}/edit"
    opened = hidden_version(client.get(url))
    evidence_service.update_evidence(
        data["reviewer"], data["review"], entry, {"version": entry.version, "source": "Theirs"}
    )
    response = post(client, url, {**ENTRY, "source": "Mine", "version": str(opened)})
    soup = page(response)
    assert (
        "This was changed by someone else since you opened it"
        in soup.select_one("#stale-help").get_text()
    )
    assert soup.select_one("#source")["value"] == "Mine"
    db.session.refresh(entry)
    assert entry.source == "Theirs"


def test_no_changes_once_the_window_closes(client, login_as, full_review):
    data = full_review()
    review = move_to(data, "quality_assurance")
    login_as(user=data["reviewer"])
    base = f"/reviews/{review.id}"
    for path, add in (
        ("chronology", "#add-entry"),
        ("caseload-contexts", "#add-context"),
        ("systemic-factors", "#add-factor"),
    ):
        soup = page(client.get(f"{base}/{path}"))
        assert soup.select_one(add) is None, path
        assert soup.select_one("#edit-window-closed"), path
        assert not [a for a in soup.select("a") if a.get_text(strip=True).startswith("Change")]
    # The form pages explain instead of offering a form; a POST is refused by the service.
    assert page(client.get(f"{base}/chronology/new")).select_one("#edit-window-closed")
    response = post(client, f"{base}/chronology/new", ENTRY, form_url=f"{base}/chronology")
    assert response.status_code == 200
    assert any("can only be edited while in review" in m for m in errors(response))
    assert _count(ChronologyEntry) == 1
    response = post(
        client,
        f"{base}/chronology/{data['entry'].id}/delete",
        {},
        form_url=f"{base}/chronology",
    )
    assert any("can only be edited" in m for m in errors(response))
    assert _count(ChronologyEntry) == 1


# Caseload contexts


def test_caseload_contexts_show_every_figure_and_flag_the_reference_points(client, reviewer_on):
    data, base = reviewer_on
    soup = page(client.get(f"{base}/caseload-contexts"))
    card = soup.select_one(f"#caseload_contexts-{data['context'].id}")
    figures = {
        row.select_one("dt").get_text(strip=True): " ".join(row.select_one("dd").get_text().split())
        for row in card.select(".govuk-summary-list__row")
    }
    assert figures["Number of cases"] == "58"  # under the maximum of 60: not flagged
    assert figures["High-risk cases"] == "12"
    assert figures["Workload (WMT)"].startswith("143%")
    assert "Above 110%" in figures["Workload (WMT)"]
    assert figures["Grade"] == "Probation services officer (PSO)"
    assert figures["Months in role"] == "14"
    assert figures["Team vacancy rate"] == "30%"
    assert figures["Changes of officer on this case"] == "3"
    assert figures["Management supervision sessions"] == "1"
    assert card.select_one(".app-flag--caseload") is None
    section = soup.select_one(f"#participant-{data['participant'].id}")
    assert data["officer"].name in section.select_one("h2").get_text()


def test_the_reference_points_come_from_configuration(app, client, reviewer_on, monkeypatch):
    data, base = reviewer_on
    monkeypatch.setitem(app.config, "CASELOAD_REFERENCE_MAX", 50)
    monkeypatch.setitem(app.config, "WORKLOAD_REFERENCE_PERCENT", 150)
    card = page(client.get(f"{base}/caseload-contexts")).select_one(
        f"#caseload_contexts-{data['context'].id}"
    )
    assert "Above the agreed maximum of 50 cases" in card.get_text()
    assert card.select_one(".app-flag--workload") is None


def test_the_caseload_hints_say_each_reference_point_once_as_configured(
    app, client, reviewer_on, monkeypatch
):
    _, base = reviewer_on
    monkeypatch.setitem(app.config, "CASELOAD_REFERENCE_MAX", 55)
    monkeypatch.setitem(app.config, "WORKLOAD_REFERENCE_PERCENT", 115)
    soup = page(client.get(f"{base}/caseload-contexts/new"))
    caseload = soup.select_one("#caseload_count-hint").get_text(" ", strip=True)
    workload = soup.select_one("#workload_percent-hint").get_text(" ", strip=True)
    # one figure each, the configured one: no second, contradicting number
    assert re.findall(r"\d+", caseload) == ["55"]
    assert re.findall(r"\d+", workload) == ["115"]


def test_the_caseload_form_has_a_hint_on_every_field(client, reviewer_on):
    _, base = reviewer_on
    soup = page(client.get(f"{base}/caseload-contexts/new"))
    for name in CONTEXT:
        if name in ("grade", "notes") or name.startswith("period"):
            continue
        assert soup.select_one(f"#{name}-hint"), name
    assert soup.select_one("#period_start-hint") and soup.select_one("#notes-hint")
    participants = [i["value"] for i in soup.select("input[name=participant_id]")]
    assert len(participants) == 2


def test_a_reviewer_adds_and_edits_a_caseload_context(client, reviewer_on):
    data, base = reviewer_on
    participant = data["review"].participants[1]
    body = {**CONTEXT, "participant_id": str(participant.id), "notes": HOSTILE}
    response = post(client, f"{base}/caseload-contexts/new", body)
    assert response.status_code == 302
    context = db.session.query(CaseloadContext).filter_by(participant_id=participant.id).one()
    assert context.caseload_count == 48 and context.notes == HOSTILE
    assert "<script>" not in client.get(f"{base}/caseload-contexts").get_data(as_text=True)

    url = f"{base}/caseload-contexts/{context.id}/edit"
    form = page(client.get(url))
    checked = form.select_one("input[name=participant_id][checked]")
    assert checked["value"] == str(participant.id)
    assert form.select_one("#caseload_count")["value"] == "48"
    response = post(client, url, {**body, "caseload_count": "61", "version": "1"})
    assert response.status_code == 302
    db.session.refresh(context)
    assert context.caseload_count == 61
    card = page(client.get(f"{base}/caseload-contexts")).select_one(
        f"#caseload_contexts-{context.id}"
    )
    assert "Above the agreed maximum of 60 cases" in card.get_text()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"caseload_count": "abc"}, "caseload_count", "Number of cases must be a whole number"),
        ({"caseload_count": "4.5"}, "caseload_count", "must be a whole number"),
        ({"caseload_count": "４８"}, "caseload_count", "must be a whole number"),
        ({"caseload_count": ""}, "caseload_count", "Enter the number of cases"),
        ({"caseload_count": "   "}, "caseload_count", "Enter the number of cases"),
        ({"caseload_count": "501"}, "caseload_count", "must be between 0 and 500"),
        ({"workload_percent": "-1"}, "workload_percent", "must be between 0 and 400"),
        ({"workload_percent": "9" * 30}, "workload_percent", "must be a whole number"),
        ({"high_risk_count": "49"}, "high_risk_count", "must not be more than the number of cases"),
        ({"period_end": ["31", "12", "2022"]}, "period_end", "must be on or after its start"),
        ({"period_start": ["30", "2", "2023"]}, "period_start", "must be a real date"),
        ({"grade": "chief"}, "grade", "Select the grade"),
        ({"participant_id": "abc"}, "participant_id", "Select a participant of this review"),
        ({"participant_id": ""}, "participant_id", "the participant"),
        ({"notes": "n" * 20_001}, "notes", "Notes must be 20,000 characters or fewer"),
    ],
)
def test_bad_caseload_contexts_are_refused(client, reviewer_on, changes, field, message):
    data, base = reviewer_on
    body = {**CONTEXT, "participant_id": str(data["participant"].id), **changes}
    response = post(client, f"{base}/caseload-contexts/new", body)
    assert response.status_code == 200
    assert message in error_for(response, field), errors(response)
    assert _count(CaseloadContext) == 1


def test_a_participant_of_another_review_is_refused(client, reviewer_on, full_review):
    data, base = reviewer_on
    other = full_review()
    body = {**CONTEXT, "participant_id": str(other["participant"].id)}
    response = post(client, f"{base}/caseload-contexts/new", body)
    assert "Select a participant of this review" in errors(response)
    assert _count(CaseloadContext) == 2  # one on each review, none added


def test_a_stale_caseload_edit_is_not_saved(client, reviewer_on):
    data, base = reviewer_on
    context = data["context"]
    url = f"{base}/caseload-contexts/{context.id}/edit"
    opened = hidden_version(client.get(url))
    evidence_service.update_evidence(
        data["reviewer"],
        data["review"],
        context,
        {"version": context.version, "months_in_role": 15},
    )
    body = {**CONTEXT, "participant_id": str(data["participant"].id), "version": str(opened)}
    response = post(client, url, body)
    assert "changed by someone else" in page(response).select_one("#stale-help").get_text()
    db.session.refresh(context)
    assert context.months_in_role == 15 and context.caseload_count == 58


def test_deleting_a_caseload_context_asks_first(client, reviewer_on):
    data, base = reviewer_on
    url = f"{base}/caseload-contexts/{data['context'].id}/delete"
    assert data["officer"].name in page(client.get(url)).select_one("#item-to-delete").get_text()
    assert post(client, url, {}).status_code == 302
    assert _count(CaseloadContext) == 0


def test_without_participants_the_page_says_to_add_them(client, login_as, make_review):
    review = make_review()
    login_as(user=review.reviewer)
    soup = page(client.get(f"/reviews/{review.id}/caseload-contexts"))
    assert soup.select_one("#add-participants-first")
    assert soup.select_one("#no-participants")


# Systemic factors


def test_factors_are_grouped_by_category_in_taxonomy_order(client, reviewer_on):
    data, base = reviewer_on
    for category in ("other", "information_sharing_and_partnerships", "other"):
        evidence_service.add_systemic_factor(
            data["reviewer"], data["review"], {**FACTOR, "category": category}
        )
    soup = page(client.get(f"{base}/systemic-factors"))
    headings = [h.get_text(" ", strip=True) for h in soup.select("section h2")]
    assert headings == [
        "Workload and capacity 1 factor",
        "Information sharing and partnerships 1 factor",
        "Other 2 factors",
    ]


def test_the_factor_form_offers_the_taxonomy_with_definitions_as_hints(client, reviewer_on):
    _, base = reviewer_on
    soup = page(client.get(f"{base}/systemic-factors/new"))
    radios = soup.select("input[name=category]")
    assert [r["value"] for r in radios] == [c.key for c in vocab.SYSTEMIC_FACTOR_CATEGORIES]
    for radio in radios:
        category = vocab.CATEGORY_BY_KEY[radio["value"]]
        hint = soup.select_one(f"#{radio['aria-describedby']}")
        assert hint.get_text(strip=True).lower() == category.definition.lower()
    assert [r["value"] for r in soup.select("input[name=level]")] == list(
        vocab.keys(vocab.FACTOR_LEVELS)
    )


def test_a_reviewer_adds_edits_and_deletes_a_factor(client, reviewer_on):
    data, base = reviewer_on
    response = post(client, f"{base}/systemic-factors/new", {**FACTOR, "evidence": HOSTILE})
    assert response.status_code == 302
    factor = db.session.query(SystemicFactor).filter_by(category="it_systems_and_data").one()
    listing = client.get(f"{base}/systemic-factors")
    assert "<img src=x" not in listing.get_data(as_text=True)
    assert HOSTILE in page(listing).select_one(f"#systemic_factors-{factor.id}").get_text()
    url = f"{base}/systemic-factors/{factor.id}/edit"
    assert page(client.get(url)).select_one("input[name=category][checked]")["value"] == (
        "it_systems_and_data"
    )
    response = post(
        client, url, {**FACTOR, "level": "organisational", "evidence": "", "version": "1"}
    )
    assert response.status_code == 302
    db.session.refresh(factor)
    assert factor.level == "organisational" and factor.evidence is None
    assert post(client, f"{base}/systemic-factors/{factor.id}/delete", {}).status_code == 302
    assert _count(SystemicFactor) == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"category": ""}, "category", "Select the category"),
        ({"category": "bad_luck"}, "category", "Select the category"),
        ({"level": "individual"}, "level", "Select the level"),
        ({"description": "  "}, "description", "Enter the description"),
        ({"description": "d" * 20_001}, "description", "20,000 characters or fewer"),
    ],
)
def test_bad_factors_are_refused(client, reviewer_on, changes, field, message):
    _, base = reviewer_on
    response = post(client, f"{base}/systemic-factors/new", {**FACTOR, **changes})
    assert response.status_code == 200
    assert any(message in m for m in errors(response)), errors(response)
    assert _count(SystemicFactor) == 1


def test_a_stale_factor_edit_is_not_saved(client, reviewer_on):
    data, base = reviewer_on
    factor = data["factor"]
    url = f"{base}/systemic-factors/{factor.id}/edit"
    opened = hidden_version(client.get(url))
    evidence_service.update_evidence(
        data["reviewer"], data["review"], factor, {"version": factor.version, "level": "national"}
    )
    response = post(client, url, {**FACTOR, "version": str(opened)})
    assert "changed by someone else" in page(response).select_one("#stale-help").get_text()
    db.session.refresh(factor)
    assert factor.category == "workload_and_capacity"


def test_viewing_evidence_is_recorded(client, reviewer_on):
    from sfo_review.models import AuditEvent

    _, base = reviewer_on
    for path in ("chronology", "caseload-contexts", "systemic-factors"):
        client.get(f"{base}/{path}")
    views = [
        e.summary
        for e in db.session.query(AuditEvent)
        .filter_by(action="review.viewed")
        .order_by(AuditEvent.id)
    ]
    assert views == [
        "Viewed the chronology",
        "Viewed the caseload contexts",
        "Viewed the systemic factors",
    ]


def test_dates_show_as_written_not_iso(client, reviewer_on):
    _, base = reviewer_on
    text = text_of(client.get(f"{base}/caseload-contexts"))
    assert "1 January 2023 to 26 June 2023" in text
    assert date(2023, 1, 1).isoformat() not in text


def test_the_caseload_form_flags_reference_points_for_the_figures_as_loaded(
    app, client, reviewer_on, monkeypatch
):
    """Without JavaScript the flags show after a failed save (and on editing); the script
    that flags them as the user types is tested in tests/browser/test_enhancements.py."""
    data, base = reviewer_on
    monkeypatch.setitem(app.config, "CASELOAD_REFERENCE_MAX", 55)
    soup = page(client.get(f"{base}/caseload-contexts/new"))
    flag = soup.select_one("#caseload_count-reference")
    assert flag["data-max"] == "55" and flag["aria-live"] == "polite"
    assert flag["data-message"] == "Above the agreed maximum of 55 cases"
    assert flag.get_text(strip=True) == ""
    assert "Figures above 55 cases" in soup.select_one("#caseload_count-hint").get_text()
    assert "Figures above 110%" in soup.select_one("#workload_percent-hint").get_text()
    body = {**CONTEXT, "participant_id": "", "caseload_count": "56", "workload_percent": "111"}
    soup = page(post(client, f"{base}/caseload-contexts/new", body))
    assert soup.select_one("#caseload_count-reference").get_text(strip=True) == (
        "Above the agreed maximum of 55 cases"
    )
    assert soup.select_one("#workload_percent-reference").get_text(strip=True) == (
        "Above 110%: excessive if it lasted four weeks or more"
    )
    edit = page(client.get(f"{base}/caseload-contexts/{data['context'].id}/edit"))
    assert edit.select_one("#caseload_count-reference .app-flag")  # the saved 58 is above 55
