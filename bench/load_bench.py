"""Load benchmark: do PDFs slow ordinary pages down? (target: p95 ratio ≤ 2)

For SQLite (a new file) and for PostgreSQL (when it answers at BENCH_LOAD_DATABASE_URL),
it migrates an empty database, seeds `--reviews` reviews with `flask seed-bulk`, starts the
real service as in production — gunicorn with gunicorn.conf.py (several gthread workers)
and the job worker (`python -m sfo_review.worker`) — signs in once as leadership, then runs
locust headless for a bounded time with the same number of ordinary users
(bench/locustfile.py: review list, overview, findings, API list and review), in turns:

1. without PDFs;
2. with `--pdf-users` more users asking for PDFs of reviews picked at random (the API and
   the browser; most are not in the cache, so they are rendered);

`--rounds` times (1, 2, 1, 2, …), so a slow spell of the machine (a virtual machine with
neighbours) falls on both sides rather than on one. It prints each turn's p95 of ordinary
requests, then the p95 of all the turns of each kind and their ratio, with PDFs / without,
per database, and exits non-zero when a ratio is over the target. Only 127.0.0.1; it stops
every process it started.

    .venv/bin/python bench/load_bench.py [--reviews 2000] [--users 20] [--pdf-users 5]
        [--seconds 30] [--rounds 3] [--port 5126] [--sqlite-only | --postgresql-only]
        [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from web_bench import (
    LEADER,
    ROOT,
    VENV,
    Client,
    flask,
    fresh_postgres,
    postgres_answers,
    start_server,
    stop_server,
)

PG_URL = os.environ.get(
    "BENCH_LOAD_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bench_load"
)
TARGET = 2.0
LOCUSTFILE = ROOT / "bench" / "locustfile.py"


@dataclass
class Run:
    label: str
    times: list[float]
    statuses: dict[str, dict[str, int]]

    def p95(self) -> float:
        return statistics.quantiles(self.times, n=100, method="inclusive")[94]

    def p50(self) -> float:
        return statistics.median(self.times)


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our own worker, as the systemd unit runs it
        [str(VENV / "python"), "-m", "sfo_review.worker", "--quiet"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop_group(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)  # the group we started, and nothing else
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def locust(
    env: dict[str, str], folder: Path, label: str, users: tuple[int, int], seconds: int
) -> Run:
    """One headless locust run of `users` (ordinary, PDF) for `seconds`."""
    times_file = folder / f"{label}.json"
    ordinary, pdf = users
    classes = ["OrdinaryUser", "PdfUser"] if pdf else ["OrdinaryUser"]
    done = subprocess.run(  # noqa: S603 - locust from our venv
        [
            str(VENV / "locust"),
            "--locustfile",
            str(LOCUSTFILE),
            "--headless",
            "--host",
            env["LOAD_HOST"],
            "--users",
            str(ordinary + pdf),
            "--spawn-rate",
            str(ordinary + pdf),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "10",
            "--only-summary",
            "--exit-code-on-error",
            "0",
            *classes,
        ],
        env={
            **env,
            "LOAD_TIMES_FILE": str(times_file),
            "LOAD_ORDINARY_USERS": str(ordinary),
            "LOAD_PDF_USERS": str(pdf),
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=seconds + 120,
    )
    if done.returncode or not times_file.exists():
        output = f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        sys.exit(f"locust failed ({done.returncode}):\n{output}")
    data = json.loads(times_file.read_text())
    return Run(label, data["times"], data["statuses"])


def show(run: Run, users: str) -> None:
    statuses = " · ".join(
        f"{kind}: " + ", ".join(f"{n} × {code}" for code, n in sorted(counts.items()))
        for kind, counts in sorted(run.statuses.items())
    )
    print(
        f"  {run.label:<14} {users:<22} ordinary requests {len(run.times):>5}  "
        f"p50 {run.p50():7.1f} ms  p95 {run.p95():7.1f} ms\n      ({statuses})"
    )


def pooled(label: str, runs: list[Run]) -> Run:
    statuses: dict[str, dict[str, int]] = {}
    for one in runs:
        for kind, counts in one.statuses.items():
            for code, n in counts.items():
                statuses.setdefault(kind, {})[code] = statuses.get(kind, {}).get(code, 0) + n
    return Run(label, [t for one in runs for t in one.times], statuses)


def run(label: str, database_url: str, args: argparse.Namespace, folder: Path) -> dict[str, object]:
    print(f"\n== {label}: {database_url}")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SFO_ENV": "development",
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "HUEY_SQLITE_PATH": str(folder / f"huey-{label}.db"),
    }
    env.pop("REDIS_URL", None)
    flask(env, "db", "upgrade")
    started = time.perf_counter()
    out = flask(env, "seed-bulk", "--reviews", str(args.reviews), "--seed", "1")
    print(f"  seed-bulk: {out.splitlines()[0]} (wall clock {time.perf_counter() - started:.1f} s)")
    token = flask(env, "users", "token", LEADER).strip()
    worker = start_worker(env)
    server = start_server(env, args.port)
    try:
        client = Client(args.port, token=token)
        client.sign_in()
        load_env = {
            **env,
            "LOAD_HOST": f"http://127.0.0.1:{args.port}",
            "LOAD_COOKIE": client.cookie,
            "LOAD_TOKEN": token,
            "LOAD_REVIEWS": str(args.reviews),
        }
        workers = env.get("WEB_CONCURRENCY", "gunicorn.conf.py default")
        print(f"  gunicorn: gthread workers ({workers}); job worker: 1 process, idle CPU class")
        locust(load_env, folder, f"warm-up-{label}", (args.users, 0), 10)
        turns: list[tuple[Run, Run]] = []
        for n in range(1, args.rounds + 1):
            alone = locust(load_env, folder, f"without PDFs {n}", (args.users, 0), args.seconds)
            mixed = locust(
                load_env, folder, f"with PDFs {n}", (args.users, args.pdf_users), args.seconds
            )
            turns.append((alone, mixed))
    finally:
        stop_server(server)
        stop_group(worker)
    for alone, mixed in turns:
        show(alone, f"{args.users} ordinary users")
        show(mixed, f"+ {args.pdf_users} PDF users")
    without = pooled("without PDFs", [alone for alone, _ in turns])
    with_pdfs = pooled("with PDFs", [mixed for _, mixed in turns])
    print(f"  all {args.rounds} turns of each:")
    show(without, f"{args.users} ordinary users")
    show(with_pdfs, f"+ {args.pdf_users} PDF users")
    ratio = with_pdfs.p95() / without.p95()
    verdict = "ok" if ratio <= TARGET else "MISSED"
    print(f"  p95 of ordinary pages, with PDFs / without: {ratio:.2f} (≤ {TARGET:g}) {verdict}")
    return {
        "turns": [
            {"p95_without_ms": round(a.p95(), 1), "p95_with_ms": round(m.p95(), 1)}
            for a, m in turns
        ],
        "p95_without_ms": round(without.p95(), 1),
        "p95_with_ms": round(with_pdfs.p95(), 1),
        "ratio": round(ratio, 2),
        "met": ratio <= TARGET,
        "statuses_with_pdfs": with_pdfs.statuses,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=int, default=2000)
    parser.add_argument("--users", type=int, default=20, help="ordinary users, in both runs")
    parser.add_argument("--pdf-users", type=int, default=5, help="PDF users, in the second")
    parser.add_argument("--seconds", type=int, default=30, help="length of each turn")
    parser.add_argument("--rounds", type=int, default=3, help="turns of each kind")
    parser.add_argument("--port", type=int, default=5126)
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--sqlite-only", action="store_true")
    only.add_argument("--postgresql-only", action="store_true")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sfo-load-"))
    load = os.getloadavg()[0]
    print(f"load average at the start: {load:.1f} on {os.cpu_count()} cores")
    results: dict[str, object] = {"target": TARGET, "reviews": args.reviews}
    try:
        if not args.postgresql_only:
            results["sqlite"] = run("SQLite", f"sqlite:///{folder / 'bench.db'}", args, folder)
        if args.sqlite_only:
            print("\n== PostgreSQL: skipped (--sqlite-only)")
        elif postgres_answers(PG_URL):
            fresh_postgres(PG_URL)
            results["postgresql"] = run("PostgreSQL", PG_URL, args, folder)
        else:
            print(f"\n== PostgreSQL: skipped ({PG_URL} does not answer)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    met = all(r["met"] for k, r in results.items() if isinstance(r, dict) and "met" in r)
    print("\nTarget met." if met else f"\nThe target was missed (ratio > {TARGET:g}).")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
