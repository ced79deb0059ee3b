"""The figures right after a finding is edited, in CPU time: one process, no server.

The machine these benchmarks share is busy: wall-clock times there say more about the other
sessions than about the code. This script times, in the same process as the app (Flask's
test client, the app's own configuration: the figures cache on, in memory), the themes API
and the leadership dashboard, for the whole country and for Wales, each right after a write
of one kind, and `/readyz` the same way, as CPU time (`time.process_time()`: the app's
Python and, on SQLite, the database itself) and wall time. On PostgreSQL the server's own
work is not in this process's CPU time: read the wall time there (the median of many runs).

Writes (timed apart: "the write itself"), through the services, as the reviewer of a
review in review:
- "context note edited": a finding's context note, over and under the balance rule's 100
  characters in turn (moves the balance measure only);
- "judgement edited": an individual shortfall finding judged sufficient, then insufficient
  again, in turn (moves the findings, just-culture and who-gets-blamed sections).

    DATABASE_URL=sqlite:////tmp/figs10k.db .venv/bin/python bench/figures_cpu_bench.py \
        [--rounds 30] [--json results.json]

The database must hold reviews already (`flask db upgrade && flask seed-bulk --reviews
10000`); each run edits one finding and leaves it as it found it, give or take its version.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from config import Config  # noqa: E402
from sfo_review import create_app  # noqa: E402
from sfo_review.extensions import db  # noqa: E402
from sfo_review.models import Finding, FindingAttribution, Review, User  # noqa: E402
from sfo_review.services import api_tokens, findings  # noqa: E402

LEADER = "bulk-leadership-1@example.gov.uk"
PASSWORD = "demo-password-2026"  # noqa: S105 - the published synthetic accounts
PAGES = (
    ("themes API", "/api/v1/themes", "token"),
    ("themes API, Wales", "/api/v1/themes?region=Wales", "token"),
    ("dashboard", "/dashboard", "session"),
    ("dashboard, Wales", "/dashboard?region=Wales", "session"),
)
WRITES = ("context note edited", "judgement edited")
LONG = " and no management oversight sessions in the period." * 2


class BenchConfig(Config):
    SECRET_KEY = "figures-cpu-bench"  # noqa: S105 - one process, its own sessions
    SESSION_COOKIE_SECURE = False  # the test client speaks plain HTTP
    WTF_CSRF_ENABLED = False  # the sign-in form posted directly
    PDF_PRERENDER = False  # no PDF laid out after each edit: only the figures are timed


class Editor:
    """Edits one individual shortfall finding (with its subjects) of a review in review."""

    def __init__(self) -> None:
        individual = select(FindingAttribution.finding_id).where(
            FindingAttribution.attribution == "individual"
        )
        self.finding_id = db.session.scalars(
            select(Finding.id)
            .join(Review, Review.id == Finding.review_id)
            .where(
                Review.status == "in_review",
                Finding.judgement == "insufficient",
                Finding.id.in_(individual),
                Finding.subjects.any(),
            )
            .order_by(Finding.id)
            .limit(1)
        ).one()
        self.count = 0

    @property
    def finding(self) -> Finding:
        found = db.session.get(Finding, self.finding_id)
        assert found is not None  # noqa: S101 - a bench
        return found

    def write(self, kind: str) -> None:
        self.count += 1
        finding = self.finding
        if kind == "context note edited":
            change: dict[str, Any] = {
                "context_note": f"Caseload 62 (edit {self.count})" + LONG * (self.count % 2)
            }
        else:
            now = "sufficient" if finding.judgement == "insufficient" else "insufficient"
            change = {"judgement": now}
        review = finding.review
        findings.update_finding(
            review.reviewer, review, finding, {**change, "version": finding.version}
        )


def timed(get: Callable[[], Any]) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    response = get()
    assert response.status_code == 200, response.status_code  # noqa: S101 - a bench
    return (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000


def summary(samples: list[tuple[float, float]]) -> dict[str, float]:
    return {
        "cpu_p50_ms": round(statistics.median(s[0] for s in samples), 2),
        "wall_p50_ms": round(statistics.median(s[1] for s in samples), 2),
    }


def measure(rounds: int) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """/readyz, and each page right after each kind of write: (readyz, pages)."""
    app = create_app(BenchConfig)
    client = app.test_client()  # requests outside any app context of ours: each its own
    with app.app_context():
        leader = db.session.scalars(select(User).where(User.email == LEADER)).one()
        token = api_tokens.issue(leader).token
        editor = Editor()
    response = client.post("/sign-in", data={"email": LEADER, "password": PASSWORD})
    assert response.status_code == 302, response.status_code  # noqa: S101 - a bench
    headers = {"token": {"Authorization": f"Bearer {token}"}, "session": {}}

    def get(path: str, needs: str) -> Callable[[], Any]:
        return lambda: client.get(path, headers=headers[needs])

    writes: dict[str, list[tuple[float, float]]] = {kind: [] for kind in WRITES}

    def write(kind: str) -> None:
        cpu, wall = time.process_time(), time.perf_counter()
        with app.app_context():
            editor.write(kind)
        spent = (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000
        writes[kind].append(spent)

    results: dict[str, dict[str, float]] = {}
    readyz = [timed(get("/readyz", "session")) for _ in range(rounds * 4)]
    for _, path, needs in PAGES:  # every section cached once, as a working service has
        timed(get(path, needs))
    for kind in WRITES:
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name, _, _ in PAGES}
        for _ in range(rounds):
            for name, path, needs in PAGES:
                write(kind)
                samples[name].append(timed(get(path, needs)))
        for name, found in samples.items():
            results[f"{name}, after {kind}"] = summary(found)
        results[f"the write itself: {kind}"] = summary(writes[kind])
    with app.app_context():
        if editor.finding.judgement != "insufficient":
            editor.write("judgement edited")
    return summary(readyz), results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    base, results = measure(args.rounds)
    print(f"/readyz: CPU p50 {base['cpu_p50_ms']:.2f} ms, wall p50 {base['wall_p50_ms']:.2f} ms")
    print(f"{'page':<50} {'CPU p50':>9} {'ratio':>6} {'wall p50':>9} {'ratio':>6}")
    for name, page in results.items():
        print(
            f"{name:<50} {page['cpu_p50_ms']:>7.1f}ms "
            f"{page['cpu_p50_ms'] / base['cpu_p50_ms']:>5.1f}x "
            f"{page['wall_p50_ms']:>7.1f}ms {page['wall_p50_ms'] / base['wall_p50_ms']:>5.1f}x"
        )
    if args.json:
        args.json.write_text(json.dumps({"readyz": base, **results}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
