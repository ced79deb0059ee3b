"""Chronology entries come in runs: the new-entry form saves and opens itself again, empty."""

from __future__ import annotations

from sfo_review.extensions import db
from sfo_review.models import ChronologyEntry
from tests.helpers_forms import HOSTILE, errors, page, post

ENTRY = {
    "occurred_on": ["2", "5", "2023"],
    "source": "Police",
    "summary": "Arrested",
    "known_at_the_time": "yes",
}


def _entries(review) -> list[str]:
    rows = db.session.query(ChronologyEntry).filter_by(review_id=review.id)
    return [e.summary for e in rows.order_by(ChronologyEntry.id)]


def test_save_and_add_another_opens_the_form_again_empty(client, login_as, full_review):
    data = full_review()
    review = data["review"]
    login_as(user=data["reviewer"])
    url = f"/reviews/{review.id}/chronology/new"
    buttons = [b.get_text(strip=True) for b in page(client.get(url)).select("main form button")]
    assert buttons == ["Save entry", "Save and add another"]
    before = _entries(review)
    response = post(client, url, {**ENTRY, "add_another": "Save and add another"})
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    soup = page(client.get(url))
    assert (
        "has been added. Add the next one."
        in soup.select_one(".govuk-notification-banner").get_text()
    )
    assert not soup.select_one("#source").get("value")
    assert _entries(review) == [*before, "Arrested"]
    # the plain button goes back to the chronology, as before
    response = post(client, url, {**ENTRY, "summary": "Released"})
    assert response.status_code == 302 and "/chronology" in response.headers["Location"]
    assert not response.headers["Location"].endswith("/new")
    assert _entries(review) == [*before, "Arrested", "Released"]


def test_save_and_add_another_with_bad_input_keeps_what_was_typed(client, login_as, full_review):
    data = full_review()
    login_as(user=data["reviewer"])
    url = f"/reviews/{data['review'].id}/chronology/new"
    before = _entries(data["review"])
    response = post(
        client,
        url,
        {**ENTRY, "source": HOSTILE, "summary": "", "add_another": "Save and add another"},
    )
    assert response.status_code == 200
    assert errors(response) == ["Enter the summary"]
    assert page(response).select_one("#source")["value"] == HOSTILE
    assert _entries(data["review"]) == before


def test_editing_an_entry_offers_no_add_another(client, login_as, full_review):
    data = full_review()
    login_as(user=data["reviewer"])
    url = f"/reviews/{data['review'].id}/chronology/{data['entry'].id}/edit"
    buttons = [b.get_text(strip=True) for b in page(client.get(url)).select("main form button")]
    assert buttons == ["Save entry"]
