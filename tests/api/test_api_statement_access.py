"""API v1.1 §A: a statement's access log — every time someone other than its author read its
words (its page, an API answer carrying its body, an exported full report) — read by the
author alone."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sfo_review.extensions import db
from sfo_review.models import StatementAccess
from sfo_review.services import statement_access
from sfo_review.services import statements as statement_service
from tests.api.support import error


def rows() -> list[tuple[int, str]]:
    query = select(StatementAccess.user_id, StatementAccess.action).order_by(StatementAccess.id)
    return [(u, a) for u, a in db.session.execute(query)]


def count() -> int:
    return int(db.session.scalar(select(func.count()).select_from(StatementAccess)) or 0)


def submitted(w, who="officer", body="Sentinel-words of the statement"):
    statement = statement_service.create_statement(w[who], w["review"], {"body": body})
    return statement_service.submit_statement(w[who], w["review"], statement)


def test_each_read_of_the_words_by_someone_else_is_logged_and_the_author_reads_it(api, world):
    w = world("officer", "reviewer", "leadership", "manager")
    statement = submitted(w)
    one = f"/reviews/{w['id']}/statements/{statement.id}"
    tokens, users = w["tokens"], w["users"]

    # The author reading their own words is not logged; a colleague reads nothing.
    assert api.get(one, tokens["officer"]).status_code == 200
    assert api.get(f"/reviews/{w['id']}", tokens["officer"]).status_code == 200
    assert api.get(one, tokens["manager"]).status_code == 404
    assert count() == 0

    assert api.get(one, tokens["reviewer"]).status_code == 200
    assert api.get(f"/reviews/{w['id']}/statements", tokens["reviewer"]).status_code == 200
    assert api.get(f"/reviews/{w['id']}", tokens["leadership"]).status_code == 200
    family = api.get(f"/reviews/{w['id']}/report.pdf?variant=family_summary", tokens["reviewer"])
    assert family.status_code == 200 and family.data.startswith(b"%PDF")  # holds no statement
    full = api.get(f"/reviews/{w['id']}/report.pdf?variant=full", tokens["leadership"])
    assert full.status_code == 200 and full.data.startswith(b"%PDF")
    reviewer, leadership = users["reviewer"].id, users["leadership"].id
    assert rows() == [
        (reviewer, "viewed"),
        (reviewer, "viewed"),
        (leadership, "viewed"),
        (leadership, "exported"),
    ]

    response = api.get(one + "/access-log", tokens["officer"])
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [(i["user"], i["action"]) for i in items] == [
        ({"name": users["leadership"].name, "role": "leadership"}, "exported"),
        ({"name": users["leadership"].name, "role": "leadership"}, "viewed"),
        ({"name": users["reviewer"].name, "role": "reviewer"}, "viewed"),
        ({"name": users["reviewer"].name, "role": "reviewer"}, "viewed"),
    ]
    assert all(set(i) == {"user", "action", "at"} for i in items)
    assert all(i["at"].endswith("+00:00") for i in items)
    assert [i["at"] for i in items] == sorted((i["at"] for i in items), reverse=True)
    # Reading the log is not a read of the words.
    assert count() == 4


@pytest.mark.parametrize(
    "role",
    [
        "reviewer",
        "other_reviewer",
        "manager",
        "other_officer",
        "quality_assurer",
        "countersigner",
        "leadership",
        "admin",
    ],
)
def test_only_the_author_reads_the_log(api, world, role):
    w = world("officer", role)
    statement = submitted(w)
    response = api.get(
        f"/reviews/{w['id']}/statements/{statement.id}/access-log", w["tokens"][role]
    )
    assert response.status_code == 404 and error(response)["code"] == "not_found"
    assert api.get(f"/reviews/{w['id']}/statements/{statement.id}/access-log").status_code == 401


def test_drafts_and_declined_statements_log_nothing(api, world):
    w = world("officer", "reviewer", "leadership")
    draft = statement_service.create_statement(w["officer"], w["review"], {"body": "Draft"})
    one = f"/reviews/{w['id']}/statements/{draft.id}"
    assert api.get(one, w["tokens"]["reviewer"]).status_code == 404
    assert api.get(one + "/access-log", w["tokens"]["officer"]).get_json() == {"items": []}
    declined = statement_service.decline_statement(
        w["manager"], w["review"], {"reason": "On advice."}
    )
    assert (
        api.get(f"/reviews/{w['id']}/statements/{declined.id}", w["tokens"]["reviewer"])
    ).status_code == 200
    assert api.get(f"/reviews/{w['id']}", w["tokens"]["leadership"]).status_code == 200
    assert count() == 0


def test_a_statement_of_another_review_has_no_log_here(api, world):
    w = world("officer")
    other = world()
    statement = submitted(other)  # its author is another officer, of the other review
    theirs = f"/reviews/{w['id']}/statements/{statement.id}/access-log"
    assert api.get(theirs, w["tokens"]["officer"]).status_code == 404
    missing = f"/reviews/{w['id']}/statements/999999/access-log"
    assert api.get(missing, w["tokens"]["officer"]).status_code == 404


def test_the_log_takes_no_other_method(api, world):
    w = world("officer")
    statement = submitted(w)
    path = f"/reviews/{w['id']}/statements/{statement.id}/access-log"
    for method in ("POST", "PATCH", "DELETE"):
        assert api.call(method, path, w["tokens"]["officer"], {}).status_code == 405


def test_record_skips_the_author_and_refuses_unknown_actions(world):
    w = world()
    statement = submitted(w)
    assert statement_access.record(w["officer"], [statement]) == 0
    assert statement_access.record(w["reviewer"], [statement, statement]) == 1
    with pytest.raises(ValueError, match="Unknown statement access action"):
        statement_access.record(w["reviewer"], [statement], "printed")
    assert rows() == [(w["reviewer"].id, "viewed")]
