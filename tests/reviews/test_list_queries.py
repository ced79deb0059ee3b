"""No query per row: the review lists (browser, CSV, API) read the same number of queries for
N reviews and for 3N, for every role; and the indexes the lists rely on exist.

The counter listens to SQLAlchemy's `before_cursor_execute` on the engine. Each measured
request starts with an empty session, so nothing is served from the identity map that a
real request (with its own session) would have to load.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import inspect, select, text

from sfo_review import regions_data
from sfo_review.extensions import db
from sfo_review.models import FindingResponse, Review, User
from sfo_review.services import deadline_extensions as extension_service
from sfo_review.services import findings as finding_service
from sfo_review.services import reviews as review_service
from sfo_review.services import statements as statement_service
from sfo_review.services import users as user_service
from tests.api.support import Api
from tests.helpers import counting
from tests.reviews.extension_helpers import REASON, later_working_day

N = 4


def queries(call: Callable[[], Any]) -> int:
    with counting() as statements:
        response = call()
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        response.get_data()  # a streamed body is read inside the count
    return len(statements)


@pytest.fixture
def cast(make_user: Callable[..., User]) -> dict[str, int]:
    """The id of one person of each role (sessions are emptied between requests, so people
    are read afresh); the officer takes part in, and the QA countersigns, every review, so
    each role's list grows with every review added."""
    roles = ("reviewer", "officer", "quality_assurer", "leadership")
    return {role: make_user(role).id for role in roles}


def person(cast: dict[str, int], role: str) -> User:
    user = db.session.get(User, cast[role])
    assert user is not None
    return user


# Three regions of the list (issue 19), five PDUs of each.
AREAS = [(r, regions_data.REGIONS[r][:5]) for r in ("London", "Wales", "North West")]


def add_reviews(cast: dict[str, int], count: int) -> None:
    """`count` reviews with everything a row could lazily load: participants, a statement,
    findings with replies, extensions waiting and agreed, a countersigner."""
    reviewer, officer, qa, head = (
        person(cast, r) for r in ("reviewer", "officer", "quality_assurer", "leadership")
    )
    existing = db.session.scalar(select(db.func.count(Review.id))) or 0
    for n in range(existing, existing + count):
        review = review_service.create_review(
            reviewer,
            {
                "case_reference": f"Q{n:06d}",
                "person_initials": "QA",
                "offence_charged": "=cmd|' /C calc'!A0" if n % 2 else "Murder",
                "offence_category": "murder",
                "charge_date": "2024-02-01",
                "notification_date": f"2024-02-{n % 27 + 1:02d}",
                "region": AREAS[n % 3][0],
                "pdu": AREAS[n % 3][1][n % 5],
                "sentence_type": "licence",
                "rosh_level": "high",
            },
        )
        review_service.add_participant(
            reviewer, review, {"email": officer.email, "role_in_case": "responsible_officer"}
        )
        review_service.update_review(
            reviewer, review, {"version": review.version, "countersigner_email": qa.email}
        )
        statement_service.create_statement(officer, review, {"body": "My account."})
        finding = finding_service.add_finding(
            reviewer,
            review,
            {
                "title": "Plan not reviewed",
                "practice_area": "planning",
                "judgement": "insufficient",
                "narrative": "Not reviewed.",
                "attribution": ["team"],
            },
        )
        extension = extension_service.request_extension(
            reviewer, review, {"new_due_date": later_working_day(), "reason": REASON}
        )
        if n % 2:
            extension_service.decide_extension(head, review, extension, {"decision": "agreed"})
            review.status = "factual_accuracy"
            db.session.add(FindingResponse(finding=finding, author_id=officer.id, body="Reply."))
        db.session.commit()


LIST_URLS = [
    "/",
    "/?status=in_review&status=factual_accuracy&deadline=overdue&deadline=extension_requested",
    "/?sort=status&order=desc&region=Wales",
    "/?q=QA&sort=notification_date",
    "/reviews.csv",
    "/reviews.csv?deadline=extension_requested&sort=status",
]


def _deadline_filter_for(role: str, url: str) -> str:
    # officers never filter by extension requests (they would get a message, not a list)
    return (
        url.replace("&deadline=extension_requested", "").replace(
            "?deadline=extension_requested&", "?"
        )
        if role == "officer"
        else url
    )


@pytest.mark.parametrize("role", ["reviewer", "officer", "quality_assurer", "leadership"])
def test_the_browser_list_and_export_do_not_grow_with_the_number_of_reviews(
    client, login_as, cast, role
):
    login_as(user=person(cast, role))
    urls = [_deadline_filter_for(role, u) for u in LIST_URLS]
    add_reviews(cast, N)
    for url in urls:  # warm up: the first request of a session does one-off work
        client.get(url)
    small = {url: queries(lambda url=url: client.get(url)) for url in urls}
    add_reviews(cast, 2 * N)
    rows = client.get("/").get_data(as_text=True).count('class="govuk-table__row" id="review-')
    assert rows == 3 * N  # every review is on the page being measured
    large = {url: queries(lambda url=url: client.get(url)) for url in urls}
    assert large == small


@pytest.mark.parametrize("role", ["reviewer", "officer", "quality_assurer", "leadership"])
def test_the_api_list_does_not_grow_with_the_number_of_reviews(client, cast, role):
    api = Api(client)
    token = user_service.issue_token(person(cast, role))
    paths = ["/reviews", "/reviews?page=1&per_page=50", "/reviews?status=in_review&sort=status"]
    add_reviews(cast, N)
    for path in paths:
        api.get(path, token)
    small = {p: queries(lambda p=p: api.get(p, token)) for p in paths}
    add_reviews(cast, 2 * N)
    assert len(api.get("/reviews", token).get_json()["items"]) == 3 * N
    large = {p: queries(lambda p=p: api.get(p, token)) for p in paths}
    assert large == small


def test_the_counter_sees_a_query_per_row(cast):
    """The check above can fail: touching a lazy relationship per review is counted."""
    add_reviews(cast, N)

    def per_row() -> int:
        with counting() as statements:
            for review in db.session.scalars(select(Review)):
                len(review.participants)
        return len(statements)

    few = per_row()
    add_reviews(cast, N)
    assert per_row() == few + N


# --- the indexes the lists rely on ------------------------------------------------------------

LIST_INDEXES = {
    "ix_reviews_effective_due_date_id",
    "ix_reviews_notification_date_id",
    "ix_reviews_status_order_id",
    "ix_reviews_status_due_date",
    "ix_reviews_region_pdu",
    "ix_reviews_pdu",
    "ix_reviews_offence_category",
    "ix_reviews_person_initials",
    "ix_reviews_case_reference",
    "ix_reviews_reviewer_id",
    "ix_reviews_created_by_id",
    "ix_reviews_countersigner_id",
}


def _index_names(table: str) -> set[str]:
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":  # the reflection skips expression indexes
            rows = conn.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t"),
                {"t": table},
            )
        else:
            rows = conn.execute(
                text("SELECT indexname FROM pg_indexes WHERE tablename = :t"), {"t": table}
            )
        return {row[0] for row in rows}


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_every_filter_and_sort_has_an_index(db, committed_db):  # reads on its own connection
    assert LIST_INDEXES <= _index_names("reviews")
    assert "ix_deadline_extensions_status_review_id" in _index_names("deadline_extensions")
    assert "ix_participants_user_id" in _index_names("participants")
    # the reference is unique, so it has its own index as well
    assert any(
        u["column_names"] == ["reference"]
        for u in inspect(db.engine).get_unique_constraints("reviews")
    )


@pytest.mark.parametrize(
    ("sort", "index"),
    [
        ("due_date", "ix_reviews_effective_due_date_id"),
        ("notification_date", "ix_reviews_notification_date_id"),
        ("status", "ix_reviews_status_order_id"),
    ],
)
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_a_sorted_page_can_be_read_from_its_index(db, make_user, sort, index, order):
    """The page query of leadership's unfiltered list reads the sort's index in order.

    SQLite plans it so outright. PostgreSQL chooses by table size (a test table is tiny),
    so it is asked to avoid sorting; it can only comply if the ORDER BY is the indexed
    expression itself (for the status sort, the CASE expression written once in
    models/review.py).
    """
    from sfo_review.services import review_list

    leader = make_user("leadership")
    filters = review_list.Filters(sort=sort, order=order)
    query = review_list._ordered(review_list._visible(leader), filters).limit(25)
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL enable_sort = off"))
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        explain, forbidden = "EXPLAIN", "Sort"
    else:
        explain, forbidden = "EXPLAIN QUERY PLAN", "TEMP B-TREE"
    plan = " ".join(str(row[-1]) for row in db.session.execute(text(f"{explain} {compiled}")))
    db.session.rollback()
    assert index in plan, plan
    assert forbidden not in plan.replace("Sort Key", ""), plan
