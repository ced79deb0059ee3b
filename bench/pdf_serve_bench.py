"""The cached draft PDF's download, in one process: CPU and SQL statements per download.

    .venv/bin/python bench/pdf_serve_bench.py [--repeat 200] [--database-url URL]
        [--profile api|browser] [--json out.json]

Builds the reference review (bench/reference_review.py: 300 chronology entries, 40 findings,
at factual accuracy) in a new database (a SQLite file, or the PostgreSQL database given,
emptied and migrated), renders its full report once (Huey in immediate mode) so the PDF is
stored, then downloads the unchanged draft `--repeat` times through each route — the API
(`GET /api/v1/reviews/{id}/report.pdf`, with the reviewer's bearer token, what
`make bench-pdf` calls) and the browser (`/reviews/{id}/report.pdf`, signed in) — with
Flask's test client. Each download is timed in CPU time (`time.process_time`: this
process's user + system, so other processes on a shared machine do not count) and its SQL
statements counted (an SQLAlchemy `before_cursor_execute` listener); the median, the 90th
percentile and the statement count are printed (and the wall-clock median, which on a
shared machine is indicative only). `--profile` prints cProfile's top entries for one
route's downloads.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402


def _app(database_url: str) -> Any:
    os.environ["DATABASE_URL"] = database_url
    from sfo_review import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "PDF_PRERENDER": False})


def _empty_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def _after_edits(
    edits: int,
    api: Callable[[], Any],
    client: Any,
    review_id: int,
    headers: dict[str, str],
    statements: list[str],
) -> dict[str, Any]:
    """The first cached download after each of `edits` edits (a chronology entry through the
    API, then its render: the PDF stored, as the worker's pre-render leaves it)."""
    cpu: list[float] = []
    counts: list[int] = []
    for n in range(edits):
        added = client.post(
            f"/api/v1/reviews/{review_id}/chronology",
            json={"occurred_on": "2024-01-15", "source": "Probation", "summary": f"Edit {n}"},
            headers=headers,
        )
        if added.status_code != 201:
            sys.exit(f"the edit answered {added.status_code}")
        rendered = api()  # the render (immediate mode), stored; 503 for a long report
        if rendered.status_code not in (200, 503):
            sys.exit(f"the render answered {rendered.status_code}")
        statements.clear()
        before = time.process_time()
        answered = api()
        cpu.append((time.process_time() - before) * 1000)
        counts.append(len(statements))
        if answered.status_code != 200:
            sys.exit(f"the first cached download after an edit answered {answered.status_code}")
    print(
        f"first cached download after each of {edits} edits: CPU median "
        f"{statistics.median(cpu):.2f} ms (max {max(cpu):.2f}); "
        f"{statistics.median(counts):g} SQL statements",
        flush=True,
    )
    return {"median_cpu_ms": round(statistics.median(cpu), 2), "statements": counts}


def _add_views(review_id: int, user_id: int, count: int) -> None:
    """`count` views of the review in its audit trail, as months of reading leave them."""
    from sqlalchemy import insert

    from sfo_review.extensions import db
    from sfo_review.models import AuditEvent

    rows = [
        {
            "review_id": review_id,
            "user_id": user_id,
            "action": "review.viewed",
            "summary": "Viewed the review",
        }
        for _ in range(count)
    ]
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(AuditEvent), rows[start : start + 5000])
    db.session.commit()


def main() -> int:  # noqa: C901 - a script: set up, measure, print
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--database-url", help="a PostgreSQL database to empty and use")
    parser.add_argument("--profile", choices=("api", "browser"))
    parser.add_argument(
        "--after-edits",
        type=int,
        default=5,
        help="edits, each followed by its render and the first download after it",
    )
    parser.add_argument(
        "--read-events",
        type=int,
        default=0,
        help="views recorded in the review's audit trail first (a review read for months)",
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="pdf-serve-"))
    if args.database_url:
        _empty_postgres(args.database_url)
        url = args.database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    else:
        url = f"sqlite:///{folder / 'bench.db'}"
    app = _app(url)

    from flask_migrate import upgrade

    from bench.reference_review import PASSWORD, build
    from sfo_review.extensions import db
    from sfo_review.services import users

    with app.app_context():
        upgrade()
        review = build(chronology=300, stage="factual_accuracy")
        review_id, email = review.id, review.reviewer.email
        token = users.issue_token(review.reviewer)
        _add_views(review.id, review.reviewer_id, args.read_events)
        db.session.remove()

    api_client = app.test_client()
    api_path = f"/api/v1/reviews/{review_id}/report.pdf?variant=full"
    headers = {"Authorization": f"Bearer {token}"}
    browser = app.test_client()
    signed_in = browser.post("/sign-in", data={"email": email, "password": PASSWORD})
    if signed_in.status_code not in (302, 303):
        sys.exit(f"signing in answered {signed_in.status_code}")
    browser_path = f"/reviews/{review_id}/report.pdf?variant=full"

    first = api_client.get(api_path, headers=headers)  # renders it (immediate mode)
    if first.status_code not in (200, 503):
        sys.exit(f"the first download answered {first.status_code}: {first.data[:300]!r}")

    engine = None
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, sql: str, *_rest: Any) -> None:
        statements.append(sql)

    event.listen(engine, "before_cursor_execute", count)

    def api() -> Any:
        return api_client.get(api_path, headers=headers)

    def web() -> Any:
        return browser.get(browser_path)

    routes: dict[str, Callable[[], Any]] = {"api": api, "browser": web}
    results: dict[str, Any] = {}
    pdf_size = 0
    for name, call in routes.items():
        for _ in range(5):  # compiled queries, templates, connections
            answered = call()
            if answered.status_code != 200:
                sys.exit(f"{name}: the cached download answered {answered.status_code}")
            pdf_size = len(answered.data)
        cpu: list[float] = []
        wall: list[float] = []
        counts: list[int] = []
        for _ in range(args.repeat):
            statements.clear()
            before, started = time.process_time(), time.perf_counter()
            answered = call()
            cpu.append((time.process_time() - before) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
            counts.append(len(statements))
            if answered.status_code != 200:
                sys.exit(f"{name}: the cached download answered {answered.status_code}")
        cpu.sort()
        results[name] = {
            "median_cpu_ms": round(statistics.median(cpu), 2),
            "p90_cpu_ms": round(cpu[int(len(cpu) * 0.9) - 1], 2),
            "median_wall_ms": round(statistics.median(wall), 2),
            "statements": statistics.median(counts),
            "statements_max": max(counts),
            "sql": list(statements),
        }
        print(
            f"{name:8s} cached download, {args.repeat} times: CPU median "
            f"{results[name]['median_cpu_ms']:.2f} ms, p90 {results[name]['p90_cpu_ms']:.2f} ms; "
            f"{results[name]['statements']:g} SQL statements (max {max(counts)}); wall median "
            f"{results[name]['median_wall_ms']:.2f} ms (shared machine: indicative only)",
            flush=True,
        )
    results["after_edit"] = _after_edits(
        args.after_edits, api, api_client, review_id, headers, statements
    )
    print(f"PDF: {pdf_size:,} bytes; database: {url.split('://')[0]}")
    for name in routes:
        print(f"\n{name}: the statements of one download")
        for sql in results[name]["sql"]:
            print("  " + " ".join(sql.split())[:160])
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.repeat):
            routes[args.profile]()
        profiler.disable()
        print(f"\ncProfile, {args.repeat} {args.profile} downloads (cumulative):")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
