"""The leadership dashboard in CPU time, warm and right after an action is added: one process.

Flask's test client, the app's own configuration (the figures cache on, in memory), signed
in as bulk-leadership-1@example.gov.uk the way the tests sign in (the session, no form).
Times `/readyz`, then `/dashboard` warm (`--rounds` requests), then `/dashboard` right after
each of `--rounds` actions added to an approved review through the services (as
bench/web_bench.py's Writer adds them through the API), as `time.process_time()`: the app's
Python and, on SQLite, the database's own work. Prints the medians in ms, and the
wall-clock medians (on PostgreSQL the server's own work is only in those).

    .venv/bin/python bench/dashboard_cpu_bench.py --db /tmp/dash10k.db [--rounds 30]
        [--query '?region=Wales'] [--profile warm|after]

A SQLite file is copied first (the run adds actions to the copy, not to it); any other
`--db` is a database URL, used as it is. Make the file with
`DATABASE_URL=sqlite:////tmp/dash10k.db flask --app sfo_review db upgrade` and
`... seed-bulk --reviews 10000`.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

COPY = Path(tempfile.gettempdir()) / "dashboard-cpu-bench.db"
LEADER = "bulk-leadership-1@example.gov.uk"


def p50(samples: list[tuple[float, float]]) -> str:
    """The median CPU time, and the median wall time in brackets."""
    cpu = statistics.median(s[0] for s in samples)
    return f"{cpu:.2f} ({statistics.median(s[1] for s in samples):.2f} wall)"


def profile(get: Callable[[], Any], write: Callable[[], None] | None) -> None:
    """Ten requests under cProfile (each after `write`, if given): the 40 costliest calls."""
    profiler = cProfile.Profile()
    for _ in range(10):
        if write is not None:
            write()
        profiler.enable()
        get()
        profiler.disable()
    stats: Any = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(40)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a SQLite file or a database URL")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--query", default="")
    parser.add_argument("--profile", choices=("warm", "after"))
    args = parser.parse_args()
    if "://" in args.db:
        os.environ["DATABASE_URL"] = args.db
    else:
        shutil.copy(args.db, COPY)
        os.environ["DATABASE_URL"] = f"sqlite:///{COPY}"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

    from flask_login.utils import _create_identifier
    from sqlalchemy import select

    from sfo_review import create_app
    from sfo_review.auth import session as app_session
    from sfo_review.extensions import db
    from sfo_review.models import Review, User
    from sfo_review.services import actions as action_service

    app = create_app()
    with app.app_context():
        leader = db.session.scalars(select(User).where(User.email == LEADER)).one()
        leader_id, user_id = leader.id, leader.get_id()
        review_id = db.session.scalars(
            select(Review.id).where(Review.status == "approved").order_by(Review.id).limit(1)
        ).one()
    client = app.test_client()
    with app.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
    with client.session_transaction() as session:
        session.permanent = True
        session.update(_user_id=user_id, _fresh=True, _id=identifier)
        session["login_at"] = session["last_seen"] = app_session._now()
    url = "/dashboard" + args.query
    response = client.get(url)
    if response.status_code != 200:
        print(response.status_code, response.get_data(as_text=True)[:500])
        return 1
    added = 0

    def add_action() -> None:
        nonlocal added
        added += 1
        with app.app_context():
            leader = db.session.get(User, leader_id)
            review = db.session.get(Review, review_id)
            assert leader is not None and review is not None  # noqa: S101
            action_service.add_action(
                leader,
                review,
                {
                    "description": f"Audit the allocation of high-risk cases ({added})",
                    "owner": "Head of PDU",
                    "owner_email": LEADER,
                    "level": "pdu",
                    "due_date": f"{time.localtime().tm_year + 1}-03-01",
                    "review_date": f"{time.localtime().tm_year + 1}-06-01",
                    "success_measure": "No PSO above 50 cases at the next audit.",
                    "finding_ids": [review.findings[0].id],
                },
            )

    def timed(path: str) -> tuple[float, float]:
        start, wall = time.process_time(), time.perf_counter()
        client.get(path)
        return (time.process_time() - start) * 1000, (time.perf_counter() - wall) * 1000

    for _ in range(3):
        client.get(url)
    ready = [timed("/readyz") for _ in range(args.rounds)]
    warm = [timed(url) for _ in range(args.rounds)]
    after: list[tuple[float, float]] = []
    for _ in range(args.rounds):
        add_action()
        after.append(timed(url))
    print(
        f"{url} ({len(response.data):,} bytes), CPU p50 in ms over {args.rounds} requests "
        f"(wall p50 in brackets: on PostgreSQL the server's work is only there): "
        f"/readyz {p50(ready)}, dashboard warm {p50(warm)}, "
        f"right after an action is added {p50(after)}"
    )
    if args.profile:
        profile(lambda: client.get(url), add_action if args.profile == "after" else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
