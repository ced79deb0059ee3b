"""Web benchmark: the themes endpoint, the leadership dashboard and a filtered review list,
each against /readyz on the same server in the same run (target: p50 within 10x); and the
themes endpoint and the dashboard right after a write (target: p50 within 25x).

For SQLite (a new file) and for PostgreSQL (when it answers at BENCH_DATABASE_URL), it
migrates an empty database, seeds 10,000 reviews with `flask seed-bulk`, starts gunicorn
exactly as `make serve` does (gunicorn.conf.py: several gthread workers), signs in as
leadership through the real sign-in form, and times requests to each page in turn
(interleaved, so drift in the machine's load touches every page alike). It prints p50,
p90 and the ratio of each p50 to the p50 of /readyz (the smallest request that asks the
database something: /healthz no longer does), and exits non-zero when a ratio
misses the target. It only talks to 127.0.0.1, and stops the server it started.

After a write: each timed request to the themes API and the dashboard (the whole country
and one region) comes right after a small real write through the API, so none is served
from figures computed before it: an action added to an approved review (leadership, as
the action plan's owners do) or the context note of a finding edited (its reviewer, on a
review in review). The write itself is not timed. The figures of every section that the
write does not touch are kept (services/figures/cache.py); those it touches are computed
again, so this is the time leadership wait for while reviewers work.

Then the chronology of one review with 4,000 entries (`seed-bulk --long-chronology`): its
first page, a filtered page, significant events only and a page of the timeline, with
p50, p90 and the size of each page's HTML (target: no page over 500 KB).

    .venv/bin/python bench/web_bench.py [--reviews 10000] [--rounds 60] [--write-rounds 30]
        [--port 5125] [--sqlite-only] [--redis redis://127.0.0.1:6379/3] [--json results.json]
        [--long-chronology 4000]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
LEADER = "bulk-leadership-1@example.gov.uk"
REVIEWER = "bulk-reviewer-1@example.gov.uk"
PASSWORD = "demo-password-2026"  # noqa: S105 - the published synthetic accounts
PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bench_dash")
TARGET = 10.0
TARGET_AFTER_WRITE = 25.0
# (name, path, needs): "session" pages use the sign-in cookie, "token" the API token.
PAGES = (
    ("readyz", "/readyz", None),
    ("themes API", "/api/v1/themes", "token"),
    ("dashboard", "/dashboard", "session"),
    ("review list (filtered)", "/?status=in_review&region=London", "session"),
)
EXTRA = (
    (
        "themes API, one region, one year",
        "/api/v1/themes?region=Wales&from={year}-01-01&to={year}-12-31",
        "token",
    ),
    (
        "dashboard, one region, one year",
        "/dashboard?region=Wales&from={year}-01-01&to={year}-12-31",
        "session",
    ),
    ("overdue national actions", "/dashboard/actions?state=overdue&level=national", "session"),
)
# (name, path, needs) timed right after each kind of write (WRITES).
AFTER_WRITE = (
    ("themes API", "/api/v1/themes", "token"),
    ("themes API, Wales", "/api/v1/themes?region=Wales", "token"),
    ("dashboard", "/dashboard", "session"),
    ("dashboard, Wales", "/dashboard?region=Wales", "session"),
)
WRITES = ("action added", "finding edited")


@dataclass
class Client:
    port: int
    cookie: str = ""
    token: str = ""
    reviewer_token: str = ""
    conn: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                response = self.conn.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return response.status, dict(response.getheaders()), data
            except (ConnectionError, http.client.HTTPException):
                self.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def get(self, path: str, needs: str | None) -> tuple[int, bytes]:
        headers = {}
        if needs == "session":
            headers["Cookie"] = self.cookie
        elif needs == "token":
            headers["Authorization"] = f"Bearer {self.token}"
        status, _headers, data = self.request("GET", path, headers=headers)
        return status, data

    def api(self, method: str, path: str, token: str, data: object = None) -> object:
        """A JSON API call (the write before a timed request, or finding what to write to)."""
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        body = None if data is None else json.dumps(data)
        status, _headers, answer = self.request(method, "/api/v1" + path, body, headers)
        assert status in (200, 201), f"{method} {path} answered {status}: {answer[:300]!r}"
        return json.loads(answer)

    def sign_in(self) -> None:
        status, headers, page = self.request("GET", "/sign-in")
        self.cookie = headers["Set-Cookie"].split(";")[0]
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page)
        token = token or re.search(rb'name="csrf_token" value="([^"]+)"', page)
        assert token, "no CSRF token on the sign-in page"
        body = urlencode({"email": LEADER, "password": PASSWORD, "csrf_token": token.group(1)})
        status, headers, _ = self.request(
            "POST",
            "/sign-in",
            body,
            {"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie},
        )
        assert status == 302, f"sign-in answered {status}"
        self.cookie = headers["Set-Cookie"].split(";")[0]


@dataclass
class Result:
    name: str
    path: str
    times: list[float] = field(default_factory=list)
    first: float = 0.0
    size: int = 0

    def p(self, q: int) -> float:
        ordered = sorted(self.times)
        return statistics.quantiles(ordered, n=100, method="inclusive")[q - 1] * 1000


def flask(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(  # noqa: S603 - our own CLI
        [str(VENV / "flask"), "--app", "sfo_review", *args],
        env=env,
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.exit(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def prepare(env: dict[str, str], reviews: int) -> tuple[str, str]:
    flask(env, "db", "upgrade")
    started = time.perf_counter()
    out = flask(env, "seed-bulk", "--reviews", str(reviews), "--seed", "1")
    print(f"  seed-bulk: {out.splitlines()[0]} (wall clock {time.perf_counter() - started:.1f} s)")
    return flask(env, "users", "token", LEADER).strip(), flask(
        env, "users", "token", REVIEWER
    ).strip()


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(  # noqa: S603 - gunicorn from our venv, as `make serve`
        [
            str(VENV / "gunicorn"),
            "--config",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            "sfo_review.wsgi:app",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    for _ in range(300):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
            return server
        except OSError:
            if server.poll() is not None:
                sys.exit("gunicorn did not start:\n" + server.stderr.read().decode())
            time.sleep(0.1)
    sys.exit("gunicorn did not answer within 30 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGTERM)  # the group we started: gunicorn and its workers
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def measure(client: Client, pages: list[tuple[str, str, str | None]], rounds: int) -> list[Result]:
    results = [Result(name, path) for name, path, _ in pages]
    for result, (_, path, needs) in zip(results, pages, strict=True):
        started = time.perf_counter()
        status, data = client.get(path, needs)
        result.first = time.perf_counter() - started
        result.size = len(data)
        assert status == 200, f"{path} answered {status}"
    for _ in range(3):  # every worker warms up (its own connections, templates, figures)
        for _, path, needs in pages:
            client.get(path, needs)
    for _ in range(rounds):
        for result, (_, path, needs) in zip(results, pages, strict=True):
            started = time.perf_counter()
            status, _data = client.get(path, needs)
            result.times.append(time.perf_counter() - started)
            assert status == 200, f"{path} answered {status}"
    return results


class Writer:
    """Small real writes through the API: an action added to an approved review (by
    leadership), or a finding's context note edited (by its reviewer)."""

    def __init__(self, client: Client) -> None:
        self.client = client
        approved: Any = client.api("GET", "/reviews?status=approved&per_page=1", client.token)
        self.approved = approved["items"][0]["id"]
        found: Any = client.api("GET", f"/reviews/{self.approved}/findings", client.token)
        self.linked = [found["items"][0]["id"]]
        mine: Any = client.api(
            "GET", "/reviews?status=in_review&per_page=50", client.reviewer_token
        )
        for review in mine["items"]:
            found = client.api("GET", f"/reviews/{review['id']}/findings", client.reviewer_token)
            if found["items"]:
                self.review, finding = review["id"], found["items"][0]
                self.finding, self.version = finding["id"], finding["version"]
                break
        else:
            raise AssertionError("no finding on the reviewer's reviews in review")
        self.count = 0

    def write(self, kind: str) -> None:
        self.count += 1
        if kind == "action added":
            self.client.api(
                "POST",
                f"/reviews/{self.approved}/actions",
                self.client.token,
                {
                    "description": f"Audit the allocation of high-risk cases ({self.count})",
                    "owner": "Head of PDU",
                    "owner_email": LEADER,
                    "level": "pdu",
                    "due_date": f"{time.localtime().tm_year + 1}-03-01",
                    "review_date": f"{time.localtime().tm_year + 1}-06-01",
                    "success_measure": "No PSO above 50 cases at the next audit.",
                    "finding_ids": self.linked,
                },
            )
        else:
            edited: Any = self.client.api(
                "PATCH",
                f"/reviews/{self.review}/findings/{self.finding}",
                self.client.reviewer_token,
                {
                    # Over and under the balance rule's 100 characters in turn: the
                    # balance measure itself changes.
                    "context_note": f"Caseload 62, two vacancies in the team (edit {self.count})"
                    + (" and no management oversight sessions in the period." * 2)
                    * (self.count % 2),
                    "version": self.version,
                },
            )
            self.version = edited["version"]


def measure_after_write(
    client: Client, pages: tuple[tuple[str, str, str], ...], rounds: int
) -> list[Result]:
    """Each request right after a write (the pages interleaved, as in `measure`)."""
    writer = Writer(client)
    results = [Result(f"{name}, after {kind}", path) for kind in WRITES for name, path, _ in pages]
    for _ in range(2):  # warm: every section cached once, as a working service has them
        for _, path, needs in pages:
            client.get(path, needs)
    # One kind of write at a time: every page was last asked for after a write of the same
    # kind, so each request computes again exactly what that kind of write touches.
    for i, kind in enumerate(WRITES):
        for _, path, needs in pages:
            writer.write(kind)
            client.get(path, needs)
        for _ in range(rounds):
            for j, (_, path, needs) in enumerate(pages):
                writer.write(kind)
                started = time.perf_counter()
                status, _data = client.get(path, needs)
                results[i * len(pages) + j].times.append(time.perf_counter() - started)
                assert status == 200, f"{path} answered {status}"
    return results


def report_after_write(base: float, results: list[Result]) -> tuple[bool, list[dict[str, object]]]:
    print(f"\n  right after a write: p50 and p90 of {len(results[0].times)} requests each, ms")
    print(
        f"  {'page':<44} {'p50':>8} {'p90':>8} {'p50/readyz':>12}  target {TARGET_AFTER_WRITE:g}x"
    )
    ok = True
    rows = []
    for r in results:
        ratio = r.p(50) / base
        verdict = "ok" if ratio <= TARGET_AFTER_WRITE else "MISSED"
        ok = ok and verdict == "ok"
        print(f"  {r.name:<44} {r.p(50):8.2f} {r.p(90):8.2f} {ratio:12.1f}  {verdict}")
        rows.append(
            {
                "page": r.name,
                "path": r.path,
                "p50_ms": round(r.p(50), 2),
                "p90_ms": round(r.p(90), 2),
                "ratio": round(ratio, 2),
                "target": TARGET_AFTER_WRITE,
            }
        )
    return ok, rows


def report(label: str, results: list[Result]) -> tuple[bool, list[dict[str, object]]]:
    base = results[0].p(50)
    print(f"\n  {label}: p50 and p90 of {len(results[0].times)} requests each, ms")
    print(f"  {'page':<36} {'first':>8} {'p50':>8} {'p90':>8} {'p50/readyz':>12}  target")
    ok = True
    rows = []
    for i, r in enumerate(results):
        ratio = r.p(50) / base
        main = i < len(PAGES)
        verdict = "" if i == 0 else ("ok" if ratio <= TARGET else "MISSED") if main else "(extra)"
        ok = ok and (verdict != "MISSED")
        print(
            f"  {r.name:<36} {r.first * 1000:8.1f} {r.p(50):8.2f} {r.p(90):8.2f} "
            f"{ratio:12.1f}  {verdict}"
        )
        rows.append(
            {
                "page": r.name,
                "path": r.path,
                "first_ms": round(r.first * 1000, 1),
                "p50_ms": round(r.p(50), 2),
                "p90_ms": round(r.p(90), 2),
                "ratio": round(ratio, 2),
                "bytes": r.size,
            }
        )
    return ok, rows


def run(
    label: str, database_url: str, args: argparse.Namespace
) -> tuple[bool, list[dict[str, object]]]:
    print(f"\n== {label}: {database_url}")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SFO_ENV": "development",
        "LOGIN_RATE_LIMIT": "100 per minute",
    }
    env.pop("REDIS_URL", None)
    if args.redis:
        env["REDIS_URL"] = args.redis
    token, reviewer_token = prepare(env, args.reviews)
    long_review = prepare_long_chronology(env, args.long_chronology) if args.long_chronology else 0
    server = start_server(env, args.port)
    try:
        client = Client(args.port, token=token, reviewer_token=reviewer_token)
        client.sign_in()
        year = time.localtime().tm_year - 1
        pages = [*PAGES, *((n, p.format(year=year), k) for n, p, k in EXTRA)]
        workers = env.get("WEB_CONCURRENCY", "gunicorn.conf.py default")
        print(f"  gunicorn: gthread workers ({workers}), Redis: {args.redis or 'not used'}")
        results = measure(client, pages, args.rounds)
        ok, rows = report(label, results)
        if args.write_rounds:
            after = measure_after_write(client, AFTER_WRITE, args.write_rounds)
            # /readyz of the same run, timed again beside the writes' requests
            readyz = Result("readyz", "/readyz")
            for _ in range(args.rounds):
                started = time.perf_counter()
                client.get("/readyz", None)
                readyz.times.append(time.perf_counter() - started)
            base = min(results[0].p(50), readyz.p(50))
            print(
                f"\n  /readyz p50: {results[0].p(50):.2f} ms (with the pages), "
                f"{readyz.p(50):.2f} ms (after the writes); the ratio uses the lower"
            )
            passed, more = report_after_write(base, after)
            ok, rows = ok and passed, rows + more
        if long_review:
            measured = measure(client, long_chronology_pages(long_review), args.rounds)
            long_ok, long_rows = report_long_chronology(label, args.long_chronology, measured)
            ok, rows = ok and long_ok, [*rows, *long_rows]
        return ok, rows
    finally:
        stop_server(server)


# ---- the long chronology (issue 21): one review with thousands of entries, paged -------

LONG_PAGE_LIMIT = 500 * 1024  # bytes of HTML on any page of the chronology


def prepare_long_chronology(env: dict[str, str], entries: int) -> int:
    """Adds the review with `entries` chronology entries (seed-bulk); returns its id."""
    out = flask(env, "seed-bulk", "--long-chronology", str(entries), "--seed", "2")
    found = re.search(r"\(id (\d+)\)", out)
    assert found, out
    return int(found.group(1))


def long_chronology_pages(review_id: int) -> list[tuple[str, str, str | None]]:
    base = f"/reviews/{review_id}/chronology"
    year = time.localtime().tm_year
    return [
        ("readyz", "/readyz", None),
        ("chronology, first page", base, "session"),
        (
            "chronology, filtered, page 2",
            f"{base}?from={year - 5}-01-01&to={year - 1}-12-31&source=Probation&page=2",
            "session",
        ),
        ("chronology, significant only", f"{base}?significant=1", "session"),
        ("timeline, page 20", f"{base}?view=timeline&page=20", "session"),
    ]


def report_long_chronology(
    label: str, entries: int, results: list[Result]
) -> tuple[bool, list[dict[str, object]]]:
    """p50 and p90 beside /readyz (figures only) and each page's size (target: ≤ 500 KB)."""
    base = results[0].p(50)
    print(f"\n  {label}, a chronology of {entries:,} entries: p50 and p90 of ms, size of the HTML")
    print(f"  {'page':<36} {'p50':>8} {'p90':>8} {'p50/readyz':>12} {'KB':>8}  target")
    ok = True
    rows = []
    for i, r in enumerate(results):
        verdict = "" if i == 0 else "ok" if r.size <= LONG_PAGE_LIMIT else "MISSED"
        ok = ok and verdict != "MISSED"
        print(
            f"  {r.name:<36} {r.p(50):8.2f} {r.p(90):8.2f} {r.p(50) / base:12.1f} "
            f"{r.size / 1024:8.1f}  {verdict}"
        )
        rows.append({"page": r.name, "path": r.path, "p50_ms": round(r.p(50), 2), "bytes": r.size})
    return ok, rows


def postgres_answers(url: str) -> bool:
    """The PostgreSQL server of `url` answers (its `postgres` database: the bench's own is
    made by fresh_postgres)."""
    try:
        import psycopg
        from sqlalchemy import make_url

        server = make_url(url).set(database="postgres").render_as_string(hide_password=False)
        psycopg.connect(
            server.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3
        ).close()
        return True
    except Exception:
        return False


def fresh_postgres(url: str) -> None:
    """An empty `public` schema in the bench's database (made first if the server has none
    by that name: a fresh machine has only `postgres` and `test`)."""
    import psycopg
    from psycopg import sql
    from sqlalchemy import make_url

    target = make_url(url)
    server = target.set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(
        server.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (target.database,))
        if exists.fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target.database)))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument(
        "--write-rounds", type=int, default=30, help="requests after a write, per page and kind"
    )
    parser.add_argument("--port", type=int, default=5125)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument(
        "--long-chronology",
        type=int,
        default=4000,
        help="entries of the long-chronology review (0: leave it out)",
    )
    parser.add_argument("--redis", default=None, help="REDIS_URL for the server (optional)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sfo-bench-"))
    everything: dict[str, object] = {
        "reviews": args.reviews,
        "target": TARGET,
        "target_after_write": TARGET_AFTER_WRITE,
    }
    ok = True
    try:
        passed, rows = run("SQLite", f"sqlite:///{folder / 'bench.db'}", args)
        ok, everything["sqlite"] = ok and passed, rows
        if args.sqlite_only:
            print("\n== PostgreSQL: skipped (--sqlite-only)")
        elif postgres_answers(PG_URL):
            fresh_postgres(PG_URL)
            passed, rows = run("PostgreSQL", PG_URL, args)
            ok, everything["postgresql"] = ok and passed, rows
        else:
            print(f"\n== PostgreSQL: skipped ({PG_URL} does not answer)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(everything, indent=2))
    print("\nAll targets met." if ok else "\nSome targets were missed (see MISSED above).")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
