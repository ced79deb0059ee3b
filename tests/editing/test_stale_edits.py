"""Two people editing at once: a stale save never overwrites. It shows "This was changed by
someone else since you opened it" with their version and yours side by side, and the form
keeps what was typed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest

from sfo_review.extensions import db
from sfo_review.models import (
    Action,
    CaseloadContext,
    ChronologyEntry,
    Finding,
    Review,
    Statement,
    SystemicFactor,
)
from sfo_review.services import statements as statement_service
from tests.editing.conftest import form_values
from tests.helpers import page
from tests.helpers_actions import add_action
from tests.helpers_forms import HOSTILE

THEIRS = "Their change, saved first."
YOURS = "Your change, typed in the other window."


@dataclass(frozen=True)
class EditPage:
    """One edit form: who edits it, where, the field both people change, how to read it back."""

    name: str
    editor: str  # key of the person in the full_review data
    url: Callable[[dict[str, Any]], str]
    field: str
    label: str  # the field's label in the comparison table
    row: Callable[[dict[str, Any]], Any]  # the row the form edits, read afresh
    prepare: Callable[[dict[str, Any]], None] = lambda data: None
    extra: tuple[tuple[str, str], ...] = ()  # other values the form needs for this change

    def saved(self, data: dict[str, Any]) -> Any:
        return getattr(self.row(data), self.field)


def _statement(data: dict[str, Any], submitted: bool) -> Statement:
    officer, review = data["officer"], data["review"]
    mine = statement_service.create_statement(officer, review, {"body": "First draft"})
    if submitted:
        statement_service.submit_statement(officer, review, mine)
    data["statement"] = mine
    return mine


def _action(data: dict[str, Any]) -> None:
    data["action"] = add_action(
        data["reviewer"],
        data["review"],
        {
            "description": "Review allocation of high-risk cases",
            "owner": "Head of PDU",
            "level": "pdu",
            "due_date": (date.today() + timedelta(days=60)).isoformat(),
            "finding_ids": [data["finding"].id],
        },
    )


def _row(model: type, key: str) -> Callable[[dict[str, Any]], Any]:
    return lambda data: db.session.get(model, data[key].id)


BASE = "/reviews/{}"
PAGES = [
    EditPage(
        "review details",
        "reviewer",
        lambda d: f"/reviews/{d['review'].id}/details",
        "offence_charged",
        "Offence charged",
        _row(Review, "review"),
    ),
    EditPage(
        "overall judgement",
        "reviewer",
        lambda d: f"/reviews/{d['review'].id}/judgement",
        "overall_judgement",
        "Overall judgement",
        _row(Review, "review"),
    ),
    EditPage(
        "chronology entry",
        "reviewer",
        lambda d: f"/reviews/{d['review'].id}/chronology/{d['entry'].id}/edit",
        "summary",
        "What happened",
        _row(ChronologyEntry, "entry"),
    ),
    EditPage(
        "caseload context",
        "reviewer",
        lambda d: f"/reviews/{d['review'].id}/caseload-contexts/{d['context'].id}/edit",
        "notes",
        "Notes (optional)",
        _row(CaseloadContext, "context"),
    ),
    EditPage(
        "systemic factor",
        "reviewer",
        lambda d: f"/reviews/{d['review'].id}/systemic-factors/{d['factor'].id}/edit",
        "description",
        "Description",
        _row(SystemicFactor, "factor"),
    ),
    EditPage(
        "finding",
        "reviewer",
        lambda d: f"/reviews/{d['review'].id}/findings/{d['finding'].id}/edit",
        "narrative",
        "Narrative",
        _row(Finding, "finding"),
    ),
    EditPage(
        "statement draft",
        "officer",
        lambda d: f"/reviews/{d['review'].id}/statement",
        "body",
        "Your statement",
        _row(Statement, "statement"),
        lambda d: _statement(d, submitted=False),
    ),
    EditPage(
        "statement inclusion",
        "reviewer",
        lambda d: f"/reviews/{d['review'].id}/statements/{d['statement'].id}/inclusion",
        "summary",
        "Summary (needed if you choose a summary)",
        _row(Statement, "statement"),
        lambda d: _statement(d, submitted=True),
        (("include_in_report", "summary"),),
    ),
    EditPage(
        "action",
        "reviewer",
        lambda d: f"/reviews/{d['review'].id}/actions/{d['action'].id}/edit",
        "description",
        "Description of the action",
        _row(Action, "action"),
        _action,
    ),
]
IDS = [p.name for p in PAGES]


def _open_two(edit: EditPage, data, client, login_as, second_client):
    """You open the form; they open it too and save first."""
    edit.prepare(data)
    editor = data[edit.editor]
    login_as(user=editor)
    url = edit.url(data)
    yours = form_values(page(client.get(url)))
    other = second_client(editor)
    theirs = form_values(page(other.get(url)))
    return url, yours, other, theirs


def _save(browser, url, values, edit, text):
    return browser.post(url, data={**values, **dict(edit.extra), edit.field: text})


@pytest.mark.parametrize("edit", PAGES, ids=IDS)
def test_a_stale_save_shows_both_versions_and_keeps_what_you_typed(
    edit, client, login_as, full_review, second_client
):
    data = full_review()
    url, yours, other, theirs = _open_two(edit, data, client, login_as, second_client)
    assert _save(other, url, theirs, edit, THEIRS).status_code == 302

    response = _save(client, url, yours, edit, YOURS)

    assert response.status_code == 200
    db.session.expire_all()
    assert edit.saved(data) == THEIRS  # nothing of yours was saved
    soup = page(response)
    help_text = " ".join(soup.select_one("#stale-help").get_text(" ").split())
    assert "This was changed by someone else since you opened it" in help_text
    assert "Nothing you entered has been saved" in help_text
    summary = soup.select(".govuk-error-summary a")
    assert summary[0].get_text(strip=True).startswith("This was changed by someone else")
    assert summary[0]["href"] == "#stale-help"
    rows = {
        row.select_one("th").get_text(strip=True): [td.get_text() for td in row.select("td")]
        for row in soup.select("#stale-comparison tbody tr")
    }
    assert rows[edit.label] == [THEIRS, YOURS]
    headers = [th.get_text(strip=True) for th in soup.select("#stale-comparison thead th")]
    assert headers == ["Field", "Saved now", "What you typed"]
    # The form still holds what you typed.
    assert form_values(soup)[edit.field].strip() == YOURS


@pytest.mark.parametrize("edit", PAGES, ids=IDS)
def test_hostile_text_is_shown_escaped_in_both_columns(
    edit, client, login_as, full_review, second_client
):
    data = full_review()
    url, yours, other, theirs = _open_two(edit, data, client, login_as, second_client)
    their_text, your_text = f"Theirs {HOSTILE}", f"Yours {HOSTILE}"
    assert _save(other, url, theirs, edit, their_text).status_code == 302

    response = _save(client, url, yours, edit, your_text)

    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html
    soup = page(response)
    cells = [td.get_text() for td in soup.select("#stale-comparison tbody td")]
    assert their_text in cells and your_text in cells


@pytest.mark.parametrize(
    "edit", [p for p in PAGES if p.name in ("finding", "action")], ids=["finding", "action"]
)
def test_saving_again_after_seeing_both_versions_keeps_yours(
    edit, client, login_as, full_review, second_client
):
    data = full_review()
    url, yours, other, theirs = _open_two(edit, data, client, login_as, second_client)
    _save(other, url, theirs, edit, THEIRS)
    refused = page(_save(client, url, yours, edit, YOURS))
    assert "save it again" in refused.select_one("#stale-help").get_text()

    again = client.post(url, data={**form_values(refused), **dict(edit.extra)})

    assert again.status_code == 302
    db.session.expire_all()
    assert edit.saved(data) == YOURS


@dataclass(frozen=True)
class Merge:
    """One stale save that merges: they change `theirs` first, you change the page's field."""

    page: str
    theirs: tuple[tuple[str, str], ...]  # field -> what they save
    named: str  # what the message says they changed
    their_page: Callable[[dict[str, Any]], str] | None = None  # another form on the same row
    saved: Callable[[dict[str, Any]], Any] | None = None  # reads their change back


MERGES = [
    Merge("finding", (("title", "Their new title"),), "Title"),
    Merge("review details", (("pdu", "Croydon"),), "Probation delivery unit (PDU)"),
    Merge(
        "overall judgement",
        (("offence_charged", "Their offence"),),
        "other changes",
        their_page=lambda d: f"/reviews/{d['review'].id}/details",
        saved=lambda d: db.session.get(Review, d["review"].id).offence_charged,
    ),
    Merge("chronology entry", (("source", "Their source"),), "Source"),
    Merge("caseload context", (("caseload_count", "61"),), "Number of cases"),
    Merge("systemic factor", (("evidence", "Their evidence"),), "Evidence (optional)"),
    Merge("action", (("owner", "Their owner"),), "Owner"),
]


@pytest.mark.parametrize("merge", MERGES, ids=[m.page for m in MERGES])
def test_a_stale_save_of_other_fields_keeps_their_changes_and_saves_yours(
    merge, client, login_as, full_review, second_client
):
    edit = next(p for p in PAGES if p.name == merge.page)
    data = full_review()
    url, yours, other, theirs = _open_two(edit, data, client, login_as, second_client)
    if merge.their_page is not None:
        their_url = merge.their_page(data)
        theirs, url_theirs = form_values(page(other.get(their_url))), their_url
    else:
        url_theirs = url
    their_values = {**theirs, **dict(edit.extra), **dict(merge.theirs)}
    assert other.post(url_theirs, data=their_values).status_code == 302

    response = _save(client, url, yours, edit, YOURS)

    assert response.status_code == 302
    db.session.expire_all()
    assert edit.saved(data) == YOURS
    field, value = merge.theirs[0]
    kept = merge.saved(data) if merge.saved else getattr(edit.row(data), field)
    assert str(kept) == value  # theirs was not reverted
    banner = page(client.get(response.headers["Location"])).select_one(".govuk-notification-banner")
    text = " ".join(banner.get_text(" ").split())
    assert "Saved. Someone else had" in text and merge.named in text
    assert "<br>" not in text  # two messages, one line each
    assert "their changes were kept" in text or "they were kept" in text


def test_an_unchanged_resubmission_keeps_their_draft(client, login_as, full_review, second_client):
    """The officer's draft open in two tabs: saving the old tab unchanged reverts nothing."""
    edit = next(p for p in PAGES if p.name == "statement draft")
    data = full_review()
    url, yours, other, theirs = _open_two(edit, data, client, login_as, second_client)
    _save(other, url, theirs, edit, THEIRS)

    response = client.post(url, data=yours)

    assert response.status_code == 302
    db.session.expire_all()
    assert edit.saved(data) == THEIRS
    shown = page(client.get(response.headers["Location"])).select_one(".govuk-notification-banner")
    assert "Someone else had changed Your statement" in shown.get_text()


def test_only_the_fields_both_changed_are_compared_and_theirs_fill_the_rest(
    client, login_as, full_review, second_client
):
    data = full_review()
    edit = next(p for p in PAGES if p.name == "finding")
    url, yours, other, theirs = _open_two(edit, data, client, login_as, second_client)
    other.post(url, data={**theirs, "title": "Their new title", "narrative": THEIRS})

    response = client.post(url, data={**yours, "narrative": YOURS})

    assert response.status_code == 200
    soup = page(response)
    rows = {
        row.select_one("th").get_text(strip=True): [td.get_text() for td in row.select("td")]
        for row in soup.select("#stale-comparison tbody tr")
    }
    assert rows == {"Narrative": [THEIRS, YOURS]}
    caption = soup.select_one("#stale-comparison caption").get_text()
    assert "version" in caption
    refused = form_values(soup)
    assert refused["title"] == "Their new title"  # their change, in the form to save again
    assert refused["narrative"].strip() == YOURS  # yours, as typed

    again = client.post(url, data=refused)

    assert again.status_code == 302
    db.session.expire_all()
    saved = edit.row(data)
    assert (saved.title, saved.narrative) == ("Their new title", YOURS)


def test_the_same_change_by_both_is_no_conflict(client, login_as, full_review, second_client):
    data = full_review()
    edit = next(p for p in PAGES if p.name == "systemic factor")
    url, yours, other, theirs = _open_two(edit, data, client, login_as, second_client)
    other.post(url, data={**theirs, "description": "Same words"})

    response = client.post(url, data={**yours, "description": "Same words"})

    assert response.status_code == 302
    db.session.expire_all()
    assert edit.saved(data) == "Same words"


@pytest.mark.parametrize(
    "snapshot",
    ["", "not-a-signed-value", "eyJ2IjoxfQ.forged", "<script>alert(1)</script>", "x" * 100_000],
    ids=["empty", "garbage", "forged", "hostile", "too long"],
)
def test_without_a_genuine_snapshot_every_difference_is_shown_and_nothing_saved(
    snapshot, client, login_as, full_review, second_client
):
    data = full_review()
    edit = next(p for p in PAGES if p.name == "finding")
    url, yours, other, theirs = _open_two(edit, data, client, login_as, second_client)
    other.post(url, data={**theirs, "title": "Their new title"})

    response = client.post(url, data={**yours, "narrative": YOURS, "version_loaded": snapshot})

    assert response.status_code == 200
    rows = {
        row.select_one("th").get_text(strip=True): [td.get_text() for td in row.select("td")]
        for row in page(response).select("#stale-comparison tbody tr")
    }
    assert rows == {
        "Title": ["Their new title", "Risk not reassessed"],
        "Narrative": ["The assessment was not updated.", YOURS],
    }
    db.session.expire_all()
    assert edit.row(data).title == "Their new title"
    assert edit.saved(data) == "The assessment was not updated."
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_a_snapshot_from_another_version_is_not_used(client, login_as, full_review, second_client):
    data = full_review()
    edit = next(p for p in PAGES if p.name == "finding")
    url, yours, other, theirs = _open_two(edit, data, client, login_as, second_client)
    other.post(url, data={**theirs, "title": "Their new title"})
    newer = form_values(page(other.get(url)))  # a genuine snapshot, of version 2

    response = client.post(
        url, data={**yours, "narrative": YOURS, "version_loaded": newer["version_loaded"]}
    )

    assert response.status_code == 200
    assert len(page(response).select("#stale-comparison tbody tr")) == 2


def test_the_api_stays_strict(client, full_review):
    from sfo_review.services import users as user_service

    data = full_review()
    finding, token = data["finding"], user_service.issue_token(data["reviewer"])
    path = f"/api/v1/reviews/{data['review'].id}/findings/{finding.id}"
    headers = {"Authorization": f"Bearer {token}"}
    first = client.patch(path, json={"version": 1, "title": "Theirs"}, headers=headers)
    assert first.status_code == 200

    stale = client.patch(path, json={"version": 1, "narrative": "Mine"}, headers=headers)

    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "conflict"
