"""Was a chronology entry known to the practitioner at the time, or found afterwards
(api-v1.1 A, hindsight)? The form's question, the tags on the chronology, the CSV column."""

from __future__ import annotations

import csv
import io

import pytest

from sfo_review.extensions import db
from sfo_review.models import ChronologyEntry
from sfo_review.services import evidence as evidence_service
from tests.evidence.test_chronology_csv import confirm, entries, upload
from tests.helpers_forms import HOSTILE, errors, page, post, text_of
from tests.reviews.helpers import error_for

ENTRY = {"occurred_on": ["2", "5", "2023"], "source": "Police", "summary": "Arrested"}
LABELS = {"yes": "Known at the time", "no": "Found afterwards", "unclear": "Not clear"}


@pytest.fixture(autouse=True)
def import_folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "CHRONOLOGY_IMPORT_FOLDER", str(tmp_path))
    return tmp_path


@pytest.fixture
def reviewer_on(client, login_as, full_review):
    data = full_review()
    login_as(user=data["reviewer"])
    return data, f"/reviews/{data['review'].id}"


def _police() -> ChronologyEntry:
    return db.session.query(ChronologyEntry).filter_by(source="Police").one()


def test_the_form_asks_the_question_with_its_hint(client, reviewer_on):
    _, base = reviewer_on
    soup = page(client.get(f"{base}/chronology/new"))
    radios = soup.select("input[name=known_at_the_time]")
    fieldset = radios[0].find_parent("fieldset")
    assert fieldset.select_one("legend").get_text(strip=True) == (
        "Was this known to the practitioner at the time?"
    )
    assert fieldset.select_one("#known_at_the_time-hint").get_text(strip=True) == (
        "or was it found afterwards, for example during this review?"
    )
    assert [r["value"] for r in radios] == ["yes", "no", "unclear"]
    labels = [soup.select_one(f"label[for={r['id']}]").get_text(strip=True) for r in radios]
    assert labels == list(LABELS.values())


@pytest.mark.parametrize("value", ["yes", "no", "unclear"])
def test_the_answer_is_saved_and_shown_again_when_editing(client, reviewer_on, value):
    _, base = reviewer_on
    response = post(client, f"{base}/chronology/new", {**ENTRY, "known_at_the_time": value})
    assert response.status_code == 302
    entry = _police()
    assert entry.known_at_the_time == value
    form = page(client.get(f"{base}/chronology/{entry.id}/edit"))
    assert form.select_one("input[name=known_at_the_time][checked]")["value"] == value


def test_not_answered_it_is_not_clear(client, reviewer_on):
    _, base = reviewer_on
    assert post(client, f"{base}/chronology/new", ENTRY).status_code == 302
    assert _police().known_at_the_time == "unclear"


def test_editing_changes_the_answer_and_keeps_the_rest(client, reviewer_on):
    data, base = reviewer_on
    entry = data["entry"]
    url = f"{base}/chronology/{entry.id}/edit"
    form = page(client.get(url))
    fields = {
        "occurred_on": ["2", "5", "2023"],
        "source": entry.source,
        "summary": entry.summary,
        "significant": "y",
        "known_at_the_time": "no",
        "version": form.select_one("input[name=version]")["value"],
    }
    digest = form.select_one("input[name=version_digest]")
    if digest is not None:
        fields["version_digest"] = digest["value"]
    assert post(client, url, fields).status_code == 302
    db.session.refresh(entry)
    assert (entry.known_at_the_time, entry.summary) == ("no", "Home visit missed")


@pytest.mark.parametrize("value", ["maybe", "YES", "1", HOSTILE])
def test_a_bad_answer_is_refused_next_to_the_question(client, reviewer_on, value):
    _, base = reviewer_on
    response = post(client, f"{base}/chronology/new", {**ENTRY, "known_at_the_time": value})
    assert response.status_code == 200
    message = "Select the answer to whether this was known at the time"
    assert any(message in e for e in errors(response))
    assert message in error_for(response, "known_at_the_time")
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert db.session.query(ChronologyEntry).filter_by(source="Police").count() == 0


def test_the_chronology_tags_each_entry_in_the_table_and_the_timeline(client, reviewer_on):
    data, base = reviewer_on
    made = {
        value: evidence_service.add_chronology_entry(
            data["reviewer"],
            data["review"],
            {
                "occurred_on": f"2023-0{n + 2}-01",
                "source": f"Source {value}",
                "summary": "Event",
                "known_at_the_time": value,
            },
        )
        for n, value in enumerate(("yes", "no", "unclear"))
    }
    # full_review's own entry is marked known at the time (api-v1.1 A's rules).
    made["fixture"] = data["entry"]
    table = page(client.get(f"{base}/chronology"))
    header = [th.get_text(strip=True) for th in table.select("#chronology-table thead th")]
    assert "Known at the time?" in header
    timeline = page(client.get(f"{base}/chronology?view=timeline"))
    for key, entry in made.items():
        value = "yes" if key == "fixture" else key
        row = table.select_one(f"#chronology_entries-{entry.id}")
        assert row.select_one(f"[data-known={value}]").get_text(strip=True) == LABELS[value]
        item = timeline.select_one(f"#timeline-{entry.id}")
        assert item.select_one(f"[data-known={value}]").get_text(strip=True) == LABELS[value]


# The CSV file


def test_the_import_page_describes_the_optional_column(client, reviewer_on):
    _, base = reviewer_on
    shown = page(client.get(f"{base}/chronology/import")).select_one("#optional-columns")
    assert "known_at_the_time" in shown.get_text() and "unclear" in shown.get_text()


def test_the_column_is_read_in_any_case_and_blank_is_unclear(client, reviewer_on):
    data, _ = reviewer_on
    review = data["review"]
    content = (
        "date,source,summary,significant,Known_At_The_Time\n"
        "2023-04-01,A,First,no,YES\n"
        "2023-04-02,B,Second,no, no \n"
        "2023-04-03,C,Third,no,Unclear\n"
        "2023-04-04,D,Fourth,no,\n"
    )
    preview = upload(client, review, content)
    assert preview.status_code == 200
    tags = [t.get_text(strip=True) for t in page(preview).select("#preview-table [data-known]")]
    assert tags == [LABELS["yes"], LABELS["no"], LABELS["unclear"], LABELS["unclear"]]
    assert confirm(client, review).status_code == 302
    got = {e.source: e.known_at_the_time for e in entries(review)}
    # full_review's entry (Probation) is marked known at the time; the import leaves it so.
    assert got == {"Probation": "yes", "A": "yes", "B": "no", "C": "unclear", "D": "unclear"}


def test_without_the_column_every_entry_is_unclear(client, reviewer_on):
    data, _ = reviewer_on
    review = data["review"]
    upload(client, review, "date,source,summary,significant\n2023-04-01,A,First,yes\n")
    assert confirm(client, review).status_code == 302
    assert {e.source: e.known_at_the_time for e in entries(review)}["A"] == "unclear"


def test_a_bad_value_is_reported_on_its_row_and_nothing_is_imported(client, reviewer_on):
    data, _ = reviewer_on
    review = data["review"]
    content = (
        "date,source,summary,significant,known_at_the_time\n"
        "2023-04-01,A,First,no,yes\n"
        "2023-04-02,B,Second,no,perhaps\n"
        f'2023-04-03,C,Third,no,"{HOSTILE}"\n'
    )
    preview = upload(client, review, content)
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    message = "Known at the time must be yes, no or unclear (or left blank for unclear)"
    summary = errors(preview)
    assert f"Row 3, known_at_the_time: {message}" in summary
    assert f"Row 4, known_at_the_time: {message}" in summary
    assert not any(s.startswith("Row 2") for s in summary)
    soup = page(preview)
    assert message in soup.select_one("#row-3").get_text()
    assert HOSTILE in soup.select_one("#row-4").get_text()
    assert soup.select_one("#row-2 .govuk-error-message") is None
    assert "Nothing has been imported" in text_of(preview)
    assert len(entries(review)) == 1


def test_the_export_writes_the_column_and_imports_again_the_same(client, reviewer_on):
    data, _ = reviewer_on
    review = data["review"]
    for value, day in (("yes", "2023-02-01"), ("no", "2023-03-01"), ("unclear", "2023-04-01")):
        evidence_service.add_chronology_entry(
            data["reviewer"],
            review,
            {"occurred_on": day, "source": value, "summary": "E", "known_at_the_time": value},
        )
    exported = client.get(f"/reviews/{review.id}/chronology.csv").data
    rows = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"), newline="")))
    assert rows[0][-1] == "known_at_the_time"
    # The last row is full_review's entry (2 May 2023), marked known at the time.
    assert [r[-1] for r in rows[1:]] == ["yes", "no", "unclear", "yes"]
    before = [(e.occurred_on, e.source, e.known_at_the_time) for e in entries(review)]

    db.session.execute(db.delete(ChronologyEntry).where(ChronologyEntry.review_id == review.id))
    db.session.commit()
    upload(client, review, exported, "export.csv")
    assert confirm(client, review).status_code == 302
    assert [(e.occurred_on, e.source, e.known_at_the_time) for e in entries(review)] == before
