"""The chronology as a CSV file: import with a preview (all rows or none), export, timeline."""

from __future__ import annotations

import csv
import io
from datetime import date
from io import BytesIO

import pytest

from sfo_review.extensions import db
from sfo_review.models import AuditEvent, ChronologyEntry
from sfo_review.services import chronology_csv
from sfo_review.services.errors import Conflict
from tests.helpers import csrf_token, page
from tests.helpers_forms import HOSTILE, ROLES, expect_status, move_to, sign_in, text_of
from tests.reviews.helpers import post_as

READ = {
    "reviewer": 200,
    "other_reviewer": 404,
    "officer": 403,
    "other_officer": 404,
    "quality_assurer": 404,
    "leadership": 200,
    "admin": 404,
    "anonymous": "sign-in",
}
WRITE = {**READ, "leadership": 403}
HEADER = "date,source,summary,significant\n"
GOOD = (
    HEADER + "2023-04-01,nDelius contact log,Missed appointment,no\n"
    '3/5/2023,Police,"Arrested, released\nthe same day",yes\n'
)


@pytest.fixture(autouse=True)
def import_folder(app, tmp_path, monkeypatch):
    """Checked files wait in a folder of this test's own."""
    monkeypatch.setitem(app.config, "CHRONOLOGY_IMPORT_FOLDER", str(tmp_path))
    return tmp_path


def _import_url(review) -> str:
    return f"/reviews/{review.id}/chronology/import"


def upload(client, review, content: bytes | str | None, filename: str = "entries.csv"):
    data: dict = {"csrf_token": csrf_token(client, _import_url(review))}
    if content is not None:
        raw = content.encode() if isinstance(content, str) else content
        data["file"] = (BytesIO(raw), filename)
    return client.post(_import_url(review), data=data, content_type="multipart/form-data")


def confirm(client, review):
    token = csrf_token(client, _import_url(review))
    return client.post(f"{_import_url(review)}/confirm", data={"csrf_token": token})


def entries(review) -> list[ChronologyEntry]:
    return list(
        db.session.scalars(
            db.select(ChronologyEntry)
            .where(ChronologyEntry.review_id == review.id)
            .order_by(ChronologyEntry.occurred_on, ChronologyEntry.id)
        )
    )


def file_error(response) -> str:
    message = page(response).select_one("#file-error")
    return " ".join(message.get_text(" ").split()) if message else ""


@pytest.fixture
def signed_in_reviewer(client, login_as, full_review):
    data = full_review()
    login_as(user=data["reviewer"])
    return data


# Who may do what


@pytest.mark.parametrize("role", ROLES)
def test_the_import_page_is_the_reviewers_alone(client, login_as, full_review, role):
    data = full_review()
    sign_in(role, data, login_as)
    expect_status(client.get(_import_url(data["review"])), WRITE[role])


@pytest.mark.parametrize("role", ROLES)
def test_export_is_for_whoever_sees_the_chronology(client, login_as, full_review, role):
    data = full_review()
    sign_in(role, data, login_as)
    expect_status(client.get(f"/reviews/{data['review'].id}/chronology.csv"), READ[role])


@pytest.mark.parametrize("role", ROLES)
def test_quality_assurance_may_export_once_the_review_is_with_them(
    client, login_as, full_review, role
):
    data = full_review()
    move_to(data, "quality_assurance")
    sign_in(role, data, login_as)
    response = client.get(f"/reviews/{data['review'].id}/chronology.csv")
    expect_status(response, {**READ, "quality_assurer": 200}[role])


@pytest.mark.parametrize("role", ROLES)
def test_uploads_and_confirmations_are_refused_to_everyone_but_the_reviewer(
    client, login_as, full_review, role
):
    data = full_review()
    review = data["review"]
    sign_in(role, data, login_as)
    for url in (_import_url(review), f"{_import_url(review)}/confirm"):
        response = post_as(client, role, url, {})
        if role == "reviewer":
            assert response.status_code in (200, 302)
        else:
            expect_status(response, WRITE[role])
    assert len(entries(review)) == 1


def test_the_import_of_another_review_is_not_found(client, login_as, full_review):
    mine, theirs = full_review(), full_review()
    login_as(user=mine["reviewer"])
    assert upload(client, mine["review"], GOOD).status_code == 200
    token = csrf_token(client, _import_url(mine["review"]))
    response = client.post(f"{_import_url(theirs['review'])}/confirm", data={"csrf_token": token})
    assert response.status_code == 404
    assert len(entries(theirs["review"])) == 1


def test_a_preview_for_one_review_cannot_be_confirmed_on_another(client, login_as, make_review):
    reviewer = login_as("reviewer")
    first, second = make_review(reviewer), make_review(reviewer, case_reference="Y123456")
    assert upload(client, first, GOOD).status_code == 200
    response = confirm(client, second)
    assert response.status_code == 302
    assert entries(second) == [] and entries(first) == []


@pytest.mark.parametrize("status", ["quality_assurance", "approved"])
def test_nothing_can_be_imported_once_the_edit_window_has_closed(
    client, login_as, full_review, status
):
    data = full_review()
    move_to(data, status)
    login_as(user=data["reviewer"])
    response = client.get(_import_url(data["review"]))
    assert page(response).select_one("#edit-window-closed")
    assert page(response).select_one("input[type=file]") is None
    response = upload(client, data["review"], GOOD)
    assert "can only be edited while in review" in text_of(response)
    assert len(entries(data["review"])) == 1


# The happy path


def test_the_reviewer_checks_every_row_then_imports_them_all(client, signed_in_reviewer):
    review = signed_in_reviewer["review"]
    response = upload(client, review, GOOD)
    soup = page(response)
    assert soup.select_one("h1").get_text(strip=True) == "Check the entries before importing"
    rows = soup.select("#preview-table tbody tr")
    assert [r.select_one("th").get_text(strip=True) for r in rows] == ["2", "3"]
    assert "3 May 2023" in rows[1].get_text(" ")
    assert "Significant" in rows[1].get_text(" ")
    assert soup.select_one(".govuk-error-summary") is None
    assert len(entries(review)) == 1, "nothing is saved by the preview"

    response = confirm(client, review)
    assert response.status_code == 302
    imported = entries(review)
    assert [(e.occurred_on, e.source, e.significant) for e in imported] == [
        (date(2023, 4, 1), "nDelius contact log", False),
        (date(2023, 5, 2), "Probation", True),
        (date(2023, 5, 3), "Police", True),
    ]
    assert imported[2].summary == "Arrested, released\nthe same day"
    shown = client.get(response.headers["Location"])
    assert "2 chronology entries have been imported." in text_of(shown)
    events = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "chronology.imported")
    ).all()
    assert len(events) == 1 and events[0].detail["count"] == 2
    assert "Imported 2 chronology entries" in events[0].summary


def test_a_double_submitted_confirmation_imports_once(client, signed_in_reviewer):
    review = signed_in_reviewer["review"]
    upload(client, review, GOOD)
    assert confirm(client, review).status_code == 302
    again = confirm(client, review)
    assert again.status_code == 302
    assert len(entries(review)) == 3


def test_the_same_token_is_refused_by_the_service_too(signed_in_reviewer):
    data = signed_in_reviewer
    chronology_csv.import_file(data["reviewer"], data["review"], GOOD.encode(), "a" * 32)
    with pytest.raises(Conflict):
        chronology_csv.import_file(data["reviewer"], data["review"], GOOD.encode(), "a" * 32)
    assert len(entries(data["review"])) == 3


def test_confirm_without_a_checked_file_asks_for_it_again(client, signed_in_reviewer):
    review = signed_in_reviewer["review"]
    response = confirm(client, review)
    assert response.headers["Location"].endswith(_import_url(review))
    assert "upload it again" in text_of(client.get(response.headers["Location"]))


def test_the_checked_file_is_what_gets_imported(client, signed_in_reviewer, import_folder):
    """The stored file is checked again on confirm: if it changed, nothing is imported."""
    review = signed_in_reviewer["review"]
    upload(client, review, GOOD)
    (stored,) = import_folder.glob("*.csv")
    stored.write_text(HEADER + "not a date,Police,Arrest,no\n")
    response = confirm(client, review)
    assert "nothing has been imported" in file_error(response)
    assert len(entries(review)) == 1


def test_headers_in_any_order_and_case_with_byte_order_mark(client, signed_in_reviewer):
    review = signed_in_reviewer["review"]
    content = "\ufeffSignificant , SUMMARY,Date,Source\r\nTRUE,Visit,2023-01-02,Probation\r\n"
    response = upload(client, review, content.encode("utf-8"))
    assert page(response).select_one(".govuk-error-summary") is None
    confirm(client, review)
    added = entries(review)[0]
    assert (added.occurred_on, added.source, added.summary, added.significant) == (
        date(2023, 1, 2),
        "Probation",
        "Visit",
        True,
    )


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("yes", True), ("Y", True), ("1", True), ("true", True)]
    + [("no", False), ("0", False), ("FALSE", False), ("", False), ("  ", False)],
)
def test_significant_accepts_the_usual_words(cell, expected):
    parsed = chronology_csv.parse(f"{HEADER}2023-01-02,Police,Arrest,{cell}\n".encode())
    assert parsed.valid
    assert parsed.rows[0].values["significant"] is expected


# Bad files: a clear message next to the file field, nothing saved


BAD_FILES = {
    "empty": (b"", "The selected file is empty"),
    "blank lines": (b"\n  \n\n", "The selected file is empty"),
    "header only": (HEADER.encode(), "The file has a header row but no entries"),
    "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "must be a CSV file"),
    "binary": (b"PK\x03\x04\x14\x00\x00\x00", "must be a CSV file"),
    "windows-1252": (
        (HEADER + "2023-01-02,Police,Café “visit”,no\n").encode("cp1252"),
        "looks like Windows-1252",
    ),
    "utf-16": (
        (HEADER + "2023-01-02,Police,Visit,no\n").encode("utf-16"),
        "The file must be saved as UTF-8 CSV",
    ),
    "missing column": (
        b"date,source,significant\n2023-01-02,Police,no\n",
        "missing the column summary",
    ),
    "wrong columns": (
        b"when,source,summary,significant,notes\n2023-01-02,Police,Visit,no,x\n",
        "missing the column date and has columns this service does not use: ‘when’, ‘notes’",
    ),
    "repeated column": (
        b"date,source,summary,significant,source\n2023-01-02,Police,Visit,no,x\n",
        "repeats the column source",
    ),
    "not a csv at all": (b"Dear reviewer, please find attached", "missing the columns"),
    "too many rows": (
        (HEADER + "2023-01-02,Police,Visit,no\n" * 2001).encode(),
        "The file has 2,001 entries: import 2,000 or fewer at a time",
    ),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_a_bad_file_is_explained_next_to_the_field(client, signed_in_reviewer, name):
    review = signed_in_reviewer["review"]
    content, message = BAD_FILES[name]
    response = upload(client, review, content)
    assert response.status_code == 200
    assert message in file_error(response)
    summary = page(response).select_one(".govuk-error-summary a")
    assert summary["href"] == "#file"
    assert page(response).select_one("#file")
    assert len(entries(review)) == 1


def test_no_file_chosen(client, signed_in_reviewer):
    response = upload(client, signed_in_reviewer["review"], None)
    assert file_error(response) == "Error: Select a CSV file to import"


def test_exactly_the_row_limit_is_fine():
    parsed = chronology_csv.parse((HEADER + "2023-01-02,Police,Visit,no\n" * 2000).encode())
    assert parsed.valid and len(parsed.rows) == 2000


def test_a_file_over_one_megabyte_gets_a_clear_page(client, signed_in_reviewer):
    review = signed_in_reviewer["review"]
    huge = (HEADER + ("2023-01-02,Police," + "x" * 1000 + ",no\n") * 1100).encode()
    token = csrf_token(client, _import_url(review))
    # The multipart body built by hand: the test client would spool one this big to a
    # temporary file that it never closes when the app refuses to read it.
    body = (
        (
            f'--b\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            '--b\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + huge
        + b"\r\n--b--\r\n"
    )
    response = client.post(
        _import_url(review), data=body, content_type="multipart/form-data; boundary=b"
    )
    assert response.status_code == 413
    assert "must be smaller than 1 MB" in file_error(response)
    assert len(page(response).select("h1")) == 1
    assert len(entries(review)) == 1


def test_a_huge_post_elsewhere_still_gets_the_plain_page(client, signed_in_reviewer):
    review = signed_in_reviewer["review"]
    response = client.post(
        f"/reviews/{review.id}/chronology/new", data={"summary": "x" * (1024 * 1024 + 1)}
    )
    assert response.status_code == 413
    assert page(response).select_one("h1").get_text(strip=True) == (
        "The file or text you sent is too large"
    )


# Bad rows: every row reported, nothing imported


def test_one_bad_row_means_nothing_is_imported(client, signed_in_reviewer):
    review = signed_in_reviewer["review"]
    content = GOOD + "31/2/2023,Police,Arrest,yes\n"
    response = upload(client, review, content)
    soup = page(response)
    assert "Nothing has been imported: the file has 1 error" in soup.select_one(
        ".govuk-error-summary"
    ).get_text(" ")
    assert [a.get_text(strip=True) for a in soup.select(".govuk-error-summary__list a")] == [
        "Row 4, date: Date of the event must be a real date, like 2023-05-02 or 2/5/2023"
    ]
    assert soup.select_one(".govuk-error-summary__list a")["href"] == "#row-4"
    assert soup.select_one("#row-4 .govuk-error-message")
    assert soup.select_one("form[action$='/confirm']") is None
    assert soup.select_one("input[type=file]"), "a corrected file can be uploaded at once"
    assert confirm(client, review).status_code == 302
    assert len(entries(review)) == 1


ROW_ERRORS = [
    ("2023-13-01,Police,Arrest,no", "date", "must be a real date"),
    ("yesterday,Police,Arrest,no", "date", "must be a real date"),
    (",Police,Arrest,no", "date", "Enter the date of the event"),
    ("1/1/1850,Police,Arrest,no", "date", "Date of the event must be 1 January 1900 or later"),
    ("0001-01-01,Police,Arrest,no", "date", "Date of the event must be 1 January 1900 or later"),
    ("31/12/9999,Police,Arrest,no", "date", "Date of the event must be today or in the past"),
    ("2023-01-02,   ,Arrest,no", "source", "Enter the source"),
    ("2023-01-02,Police,,no", "summary", "Enter the summary"),
    ("2023-01-02,Police,Arrest,maybe", "significant", "Significant must be yes or no"),
    (f"2023-01-02,{'s' * 201},Arrest,no", "source", "Source must be 200 characters or fewer"),
    (
        f"2023-01-02,Police,{'s' * 20_001},no",
        "summary",
        "Summary must be 20,000 characters or fewer",
    ),
    ("2023-01-02,Police", "summary", "Enter the summary"),  # short row: missing cells are blank
    ("2023-01-02,Police,Arrest,no,extra", "row", "more cells than the header row"),
]


@pytest.mark.parametrize(("line", "column", "message"), ROW_ERRORS)
def test_each_row_problem_names_the_row_and_the_field(line, column, message):
    parsed = chronology_csv.parse(f"{HEADER}2023-01-01,Police,Fine,no\n{line}\n".encode())
    assert parsed.rows[0].errors == {}
    bad = parsed.rows[1]
    assert bad.number == 3
    assert column in bad.errors
    assert message in bad.errors[column]


def test_row_numbers_are_those_of_the_file(client, signed_in_reviewer):
    content = HEADER + '\n2023-01-02,Police,"two\nlines",no\n\nbad,Police,Arrest,no\n'
    parsed = chronology_csv.parse(content.encode())
    assert [r.number for r in parsed.rows] == [3, 5]
    assert parsed.rows[1].errors


def test_every_error_of_a_big_file_is_marked(client, signed_in_reviewer):
    review = signed_in_reviewer["review"]
    content = HEADER + "bad,Police,Arrest,no\n" * 30
    soup = page(upload(client, review, content))
    assert len(soup.select(".govuk-error-summary__list a")) == 25
    assert len(soup.select("#preview-table .govuk-error-message")) == 30


# Hostile text and round trips


def test_hostile_text_is_previewed_and_shown_escaped(client, signed_in_reviewer):
    review = signed_in_reviewer["review"]
    content = HEADER + f'2023-01-02,"{HOSTILE}","{HOSTILE}",no\n'
    response = upload(client, review, content)
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    confirm(client, review)
    shown = client.get(f"/reviews/{review.id}/chronology")
    assert "<script>alert(1)</script>" not in shown.get_data(as_text=True)
    assert HOSTILE in page(shown).select_one("#chronology-table").get_text()
    timeline = client.get(f"/reviews/{review.id}/chronology?view=timeline")
    assert HOSTILE in page(timeline).select_one("#chronology-timeline").get_text()
    assert page(timeline).select_one("#chronology-timeline script") is None


def test_hostile_rows_in_error_are_shown_escaped(client, signed_in_reviewer):
    content = HEADER + f'bad,"{HOSTILE}","{HOSTILE}",no\n'
    html = upload(client, signed_in_reviewer["review"], content).get_data(as_text=True)
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


FORMULAS = [
    '=HYPERLINK("http://x")',
    "+1+1",
    "-2",
    "@SUM(A1)",
    "\tTab",
    "\rReturn",
    "'quoted",
    "Seen;=HYPERLINK(1)",
    'Told police, "+1',
    "Plan:\n- visit",
]


def test_export_neutralises_formulas_and_import_restores_them(client, signed_in_reviewer):
    from tests.services.test_csv_cells import formula_cells

    data = signed_in_reviewer
    review = data["review"]
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["date", "source", "summary", "significant"])
    writer.writerows([f"2023-02-{i + 1:02d}", text, text, "yes"] for i, text in enumerate(FORMULAS))
    chronology_csv.import_file(data["reviewer"], review, out.getvalue().encode(), "f" * 32)
    before = [(e.occurred_on, e.source, e.summary, e.significant) for e in entries(review)]

    response = client.get(f"/reviews/{review.id}/chronology.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{review.reference}-chronology.csv"'
    )
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["date", "source", "summary", "significant", "known_at_the_time"]
    assert rows[1] == [
        "2023-02-01",
        '\'=HYPERLINK("http://x")',
        '\'=HYPERLINK("http://x")',
        "yes",
        "unclear",
    ]
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for cell in r)
    assert formula_cells(response.data) == []  # split on semicolons too
    assert rows[-1][0] == "2023-05-02" and rows[-1][3] == "yes"

    # Export → import into a fresh review gives the same chronology.
    db.session.execute(db.delete(ChronologyEntry).where(ChronologyEntry.review_id == review.id))
    db.session.commit()
    upload(client, review, response.data, "export.csv")
    assert confirm(client, review).status_code == 302
    after = [(e.occurred_on, e.source, e.summary, e.significant) for e in entries(review)]
    assert after == before


def test_export_is_recorded(client, signed_in_reviewer):
    review = signed_in_reviewer["review"]
    client.get(f"/reviews/{review.id}/chronology.csv")
    event = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "report.exported")
    ).one()
    assert event.summary == "Exported the chronology as a CSV file"
    assert event.review_id == review.id


def test_an_empty_chronology_exports_its_header(client, login_as, make_review):
    review = make_review(login_as("reviewer"))
    response = client.get(f"/reviews/{review.id}/chronology.csv")
    assert response.data.decode("utf-8-sig") == (
        "date,source,summary,significant,known_at_the_time\r\n"
    )


# The chronology page: links, and the timeline


def test_the_page_offers_import_and_export_to_the_reviewer(client, signed_in_reviewer):
    review = signed_in_reviewer["review"]
    soup = page(client.get(f"/reviews/{review.id}/chronology"))
    assert soup.select_one("#import-entries")["href"] == _import_url(review)
    assert soup.select_one("#export-entries")["href"] == f"/reviews/{review.id}/chronology.csv"


def test_leadership_may_export_but_not_import(client, login_as, full_review):
    data = full_review()
    login_as("leadership")
    soup = page(client.get(f"/reviews/{data['review'].id}/chronology"))
    assert soup.select_one("#import-entries") is None
    assert soup.select_one("#export-entries")


def test_the_timeline_marks_significant_entries_in_words(client, signed_in_reviewer):
    data = signed_in_reviewer
    review = data["review"]
    chronology_csv.import_file(
        data["reviewer"], review, f"{HEADER}2023-01-02,Police,Routine check,no\n".encode(), "b" * 32
    )
    soup = page(client.get(f"/reviews/{review.id}/chronology?view=timeline"))
    assert len(soup.select("h1")) == 1
    assert soup.select_one("#chronology-table") is None
    items = soup.select("#chronology-timeline .moj-timeline__item")
    assert [i.select_one(".moj-timeline__title").get_text(strip=True) for i in items] == [
        "Police",
        "Probation",
    ]
    assert "Significant event" not in items[0].get_text()
    assert "Significant event" in items[1].get_text()
    assert items[1].select_one("time")["datetime"] == "2023-05-02"
    toggle = soup.select_one("#view-toggle a")
    assert toggle.get_text(strip=True) == "Show as a table"
    assert toggle["href"] == f"/reviews/{review.id}/chronology"


def test_the_significant_filter_works_in_both_views(client, signed_in_reviewer):
    data = signed_in_reviewer
    review = data["review"]
    chronology_csv.import_file(
        data["reviewer"], review, f"{HEADER}2023-01-02,Police,Routine check,no\n".encode(), "c" * 32
    )
    base = f"/reviews/{review.id}/chronology"
    timeline = page(client.get(f"{base}?view=timeline&significant=1"))
    assert len(timeline.select(".moj-timeline__item")) == 1
    assert timeline.select_one("#filter a")["href"] == f"{base}?view=timeline"
    assert timeline.select_one("#view-toggle a")["href"] == f"{base}?significant=1"
    table = page(client.get(f"{base}?significant=1"))
    assert len(table.select("#chronology-table tbody tr")) == 1
    assert table.select_one("#view-toggle a")["href"] == f"{base}?significant=1&view=timeline"
    everything = page(client.get(f"{base}?view=timeline"))
    assert len(everything.select(".moj-timeline__item")) == 2
    assert everything.select_one("#filter a")["href"] == f"{base}?significant=1&view=timeline"


@pytest.mark.csrf
def test_the_import_page_is_recorded_and_explains_the_columns(client, signed_in_reviewer):
    review = signed_in_reviewer["review"]
    soup = page(client.get(_import_url(review)))
    assert soup.select_one("h1").get_text(strip=True) == (
        "Import chronology entries from a CSV file"
    )
    form = soup.select_one("form[enctype='multipart/form-data']")
    assert form.select_one("input[name=csrf_token]")
    assert form.select_one("label[for=file]").get_text(strip=True) == "Upload a CSV file"
    assert form.select_one("#file-hint")
    assert "date" in soup.select_one("#columns").get_text()
    event = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "review.viewed").order_by(AuditEvent.id)
    ).all()[-1]
    assert event.summary == "Viewed the chronology import form"
