"""Races between an edit and a transition: one of them goes first, the other sees its result.

A finding made unbalanced at the very moment the review moves to quality assurance must
never leave a review at QA (or approved) with an unbalanced finding. Each request runs in
its own thread with its own app context, session and database connection, as in a server;
a Barrier starts them together, many times over.

SQLite serialises writers (every use case takes the write lock with BEGIN IMMEDIATE, and
reads what it checks after taking it), PostgreSQL needs the review row locked: the race is
run on both.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from flask import Flask

from sfo_review import lifecycle
from sfo_review.extensions import db
from sfo_review.models import Finding, Review, User
from sfo_review.services import findings
from sfo_review.services import users as user_service
from sfo_review.services.errors import NotFound
from tests.services.test_lifecycle import _ready_for_qa as ready_for_qa

ROUNDS = 40
UNBALANCING = {
    "attribution": ["individual"],
    "systemic_factor_ids": [],
    "caseload_context_ids": [],
    "context_note": None,
}


def _ready(full_review: Callable[..., dict[str, Any]]) -> tuple[int, int, int, str]:
    """A review at factual accuracy, every rule for QA met: its id, its individual-attributed
    (balanced) finding's id and version, and a token of its reviewer."""
    data = full_review()
    ready_for_qa(data)
    token = user_service.issue_token(data["reviewer"])
    return data["review"].id, data["finding"].id, data["finding"].version, token


def _in_threads(app: Flask, calls: list[Callable[[], int]]) -> list[int]:
    """Run each call in its own thread (own app context and session), started together."""
    barrier = threading.Barrier(len(calls))
    results: list[int | BaseException] = [0] * len(calls)

    def run(index: int, call: Callable[[], int]) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results[index] = call()
            except BaseException as exc:  # noqa: BLE001 - reported by the main thread
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a request never finished (deadlock?)"
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return [int(r) for r in results]  # type: ignore[arg-type]


def _request(app: Flask, method: str, path: str, token: str, body: dict[str, Any]) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    return app.test_client().open(path, method=method, json=body, headers=headers).status_code


def _state(review_id: int) -> tuple[str, bool]:
    db.session.rollback()  # a new snapshot: what the threads committed
    review = db.session.get(Review, review_id)
    assert review is not None
    return review.status, all(lifecycle.finding_is_balanced(f) for f in review.findings)


def test_an_edit_and_the_move_to_quality_assurance_never_both_succeed(
    app: Flask, committed_db: Any, full_review: Callable[..., dict[str, Any]]
) -> None:
    outcomes: list[tuple[int, int]] = []
    for _ in range(ROUNDS):
        review_id, finding_id, version, token = _ready(full_review)
        base = f"/api/v1/reviews/{review_id}"
        edit = partial(
            _request,
            app,
            "PATCH",
            f"{base}/findings/{finding_id}",
            token,
            {**UNBALANCING, "version": version},
        )
        move = partial(
            _request, app, "POST", f"{base}/transitions", token, {"to": "quality_assurance"}
        )

        edited, moved = _in_threads(app, [edit, move])
        outcomes.append((edited, moved))
        status, balanced = _state(review_id)
        assert {edited, moved} <= {200, 409}, outcomes
        assert (edited, moved) != (200, 200), f"both succeeded in round {len(outcomes)}"
        assert status == ("quality_assurance" if moved == 200 else "factual_accuracy")
        assert balanced or status == "factual_accuracy"


def test_an_edit_of_something_deleted_meanwhile_is_not_found(
    app: Flask, committed_db: Any, full_review: Callable[..., dict[str, Any]]
) -> None:
    data = full_review()
    finding, review, reviewer = data["finding"], data["review"], data["reviewer"]
    version = finding.version
    with app.app_context():  # another request: its own session and connection
        try:
            findings.delete_finding(
                db.session.get(User, reviewer.id),
                db.session.get(Review, review.id),
                db.session.get(Finding, finding.id),
            )
        finally:
            db.session.remove()

    with pytest.raises(NotFound, match="deleted by someone else"):
        findings.update_finding(reviewer, review, finding, {"version": version, "title": "Late"})
