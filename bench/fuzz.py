"""Fuzz the JSON API against its own OpenAPI description with Schemathesis (`make fuzz`).

On a new SQLite file in a temporary directory it migrates and seeds the demo data (as `flask db
upgrade` and `flask seed-demo` do) and makes an API token for each of three demo users (a
reviewer, an officer and leadership), in one process; meanwhile it starts gunicorn on 127.0.0.1
(with the PDF job worker beside it). Then it runs `st run` over every operation of the
description for each user, the three at the same time (a process each: one keeps one core
busy), with these checks on every response:

- not_a_server_error: no 5xx (the PDF endpoint may answer 503 "being prepared", as described);
- status_code_conformance: the status is one the operation documents;
- content_type_conformance: the Content-Type is one documented for that status;
- response_schema_conformance: the body matches the documented schema.

It prints, per user, how many requests were made, how many operations of the description were
covered (answered at least once), the operations not reached and the failures Schemathesis
found, and exits non-zero on any failure (in --quick, an operation not reached is one too).

Time is bounded: each user's run stops after --seconds (FUZZ_SECONDS, default 200; the users
run at once, so with migrating, seeding and starting the server, under 5 minutes), and
--max-examples bounds the cases for each operation in the fuzzing phase. --quick is the short
pass `.ci/run` makes.

The description is read from the server's /api/v1/openapi.json unless --spec names a file or
URL. It only talks to 127.0.0.1 and stops the server and worker it started.

    .venv/bin/python bench/fuzz.py [--spec PATH|URL] [--port 5620] [--seconds 240]
        [--max-examples 25] [--quick] [--users reviewer,officer,leadership] [--keep DIR]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
USERS = {
    "reviewer": "reviewer@example.gov.uk",
    "officer": "officer@example.gov.uk",
    "leadership": "leadership@example.gov.uk",
}
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
# Schemathesis's settings: the coverage phase's requests with methods no route has only meet
# Flask's own 405, so they are left out and the time goes to the operations themselves; the
# report is made by the job worker, and while it renders the API answers 503 with
# Retry-After (described): every other 5xx is a failure.
CONFIG = """\
[phases.coverage]
unexpected-methods = []

[[operations]]
include-path-regex = "/report\\\\.pdf$"
checks.not_a_server_error.expected-statuses = ["2xx", "3xx", "4xx", "503"]
"""
# The quick pass (one example per operation) does not feed values captured from responses
# into later requests: building those overlays (a JSON Schema validator for every field of
# every body, against this 200 KB description) was 40% of each Schemathesis process's CPU,
# and with one example per operation the pass reached as many 2xx answers without them
# (bench/fuzz.py --quick: 53 → 27 s on 2 cores, 102 → 49 CPU s, 71 → 72 2xx answers of
# 207). The full `make fuzz` keeps them.
QUICK_CONFIG = """
[phases.examples.extra-data-sources]
responses = false

[phases.fuzzing.extra-data-sources]
responses = false
"""
DEFAULT_SECONDS = int(os.environ.get("FUZZ_SECONDS", "200"))
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


@dataclass
class Outcome:
    user: str
    returncode: int
    seconds: float
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    covered: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)


# Migrate, seed (as `flask db upgrade` and `flask seed-demo` do) and print a token for each
# email given, one a line, issued as `flask users token` does: one process for all of it, as
# the app takes seconds to start on a busy machine.
PREPARE = """
import sys
from flask_migrate import upgrade
from sfo_review import create_app
from sfo_review.cli.seed import seed
from sfo_review.services import api_tokens, users

with create_app().app_context():
    upgrade()
    seed()
    for email in sys.argv[1:]:
        print(api_tokens.issue(users.user_by_email(email)).token)
"""


def prepare(env: dict[str, str], users: list[str]) -> subprocess.Popen[str]:
    """Migrate and seed the new database and issue a token for each user, in the background
    (`tokens` waits for it): the server and the job worker start meanwhile, on the other
    core. Neither touches the database before its first request or job."""
    return subprocess.Popen(  # noqa: S603 - our venv's python, our own code
        [str(VENV / "python"), "-c", PREPARE, *(USERS[user] for user in users)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def tokens(prepared: subprocess.Popen[str], users: list[str]) -> dict[str, str]:
    """Each user's token, once the database is migrated and seeded."""
    out, err = prepared.communicate()
    issued = out.split()
    if prepared.returncode or len(issued) != len(users):
        sys.exit(f"could not migrate, seed and issue the API tokens:\n{out}\n{err}")
    return dict(zip(users, issued, strict=True))


def start(env: dict[str, str], port: int, log: Path) -> list[subprocess.Popen[bytes]]:
    """gunicorn (as `make serve`, two workers) and the PDF job worker, in their own groups."""
    out = log.open("ab")
    server = subprocess.Popen(  # noqa: S603 - gunicorn from our venv
        [
            str(VENV / "gunicorn"),
            "--config",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--access-logfile",
            "/dev/null",
            "sfo_review.wsgi:app",
        ],
        env=env,
        cwd=ROOT,
        stdout=out,
        stderr=out,
        start_new_session=True,
    )
    worker = subprocess.Popen(  # noqa: S603 - the app's own job worker
        [str(VENV / "python"), "-m", "sfo_review.worker", "--workers", "1", "--quiet"],
        env=env,
        cwd=ROOT,
        stdout=out,
        stderr=out,
        start_new_session=True,
    )
    for _ in range(300):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return [server, worker]
        except OSError:
            if server.poll() is not None:
                stop([worker])
                sys.exit("gunicorn did not start:\n" + log.read_text(errors="replace")[-4000:])
            time.sleep(0.1)
    stop([server, worker])
    sys.exit("gunicorn did not answer within 30 s")


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # the group we started, and only it
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def load_description(spec: str) -> dict[str, Any]:
    if spec.startswith(("http://", "https://")):
        parts = urlsplit(spec)
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        connection.request("GET", parts.path)
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            sys.exit(
                f"{spec} answered {response.status}: no description to fuzz against "
                "(give one with --spec PATH, or FUZZ_SPEC=PATH for make fuzz)"
            )
        return dict(json.loads(body))
    text = Path(spec).read_text()
    if spec.endswith((".yaml", ".yml")):
        import yaml  # Schemathesis's own dependency

        return dict(yaml.safe_load(text))
    return dict(json.loads(text))


def operations(description: dict[str, Any]) -> list[tuple[str, str, re.Pattern[str]]]:
    """(method, path template, pattern matching a request's path) for every operation."""
    servers = description.get("servers") or [{"url": ""}]
    base = urlsplit(str(servers[0].get("url", ""))).path.rstrip("/")
    found = []
    for path, item in (description.get("paths") or {}).items():
        pattern = re.escape(base + path)
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", pattern)
        for method in item:
            if method in METHODS:
                found.append((method.upper(), path, re.compile(pattern + "$")))
    return found


def count(outcome: Outcome, har: Path, ops: list[tuple[str, str, re.Pattern[str]]]) -> None:
    """Requests, statuses and operations covered, from Schemathesis's HAR report."""
    if not har.exists():
        return
    for entry in json.loads(har.read_text())["log"]["entries"]:
        method = entry["request"]["method"].upper()
        path = urlsplit(entry["request"]["url"]).path
        outcome.requests += 1
        outcome.statuses[int(entry["response"]["status"])] += 1
        for op_method, template, pattern in ops:
            if op_method == method and pattern.match(path):
                outcome.covered.add(f"{method} {template}")
                break


def failures(outcome: Outcome, ndjson: Path) -> None:
    """Each distinct failure (operation, status, what is wrong) from Schemathesis's events."""
    seen: set[str] = set()
    for line in ndjson.read_text().splitlines():
        event = json.loads(line).get("ScenarioFinished")
        if not event or event.get("status") != "failure":
            continue
        recorder = event.get("recorder") or {}
        interactions = recorder.get("interactions") or {}
        for case_id, checks in (recorder.get("checks") or {}).items():
            response = (interactions.get(case_id) or {}).get("response") or {}
            for check in checks:
                failure = (check.get("failure_info") or {}).get("failure")
                if check.get("status") != "failure" or not failure:
                    continue
                first = str(failure.get("message", "")).splitlines()[:1]
                key = (
                    f"{failure.get('operation')} -> {response.get('status_code', '?')}: "
                    f"{failure.get('title')}{': ' + first[0] if first else ''}"
                )
                if key not in seen:
                    seen.add(key)
                    outcome.failures.append(key)


def _command(token: str, args: argparse.Namespace, config: Path, reports: Path) -> list[str]:
    command = [
        str(VENV / "st"),
        "--no-color",
        "--config-file",
        str(config),
        "run",
        args.spec,
        "--origin" if not args.spec.startswith("http") else "--url",
        args.origin if not args.spec.startswith("http") else f"{args.origin}/api/v1",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        str(args.max_examples),
        "--phases",
        args.phases,
        "--generation-database",
        "none",
        "--seed",
        str(args.seed),
        "--request-timeout",
        "30",
        "--warnings",
        "off",
        # Hypothesis's health checks draw many extra inputs before each operation's first:
        # most of a short run's time on this description's larger schemas.
        "--suppress-health-check",
        "all",
        "--workers",
        str(args.workers),
        "--report",
        "har,ndjson",
        "--report-dir",
        str(reports),
    ]
    for path in args.exclude_path:
        command += ["--exclude-path", path]
    if not args.quick:  # fuzzing repeats until the time is spent
        command += ["--max-time", str(max(1, args.seconds))]
    return command


def fuzz(tokens: dict[str, str], args: argparse.Namespace, workdir: Path) -> list[Outcome]:
    """Schemathesis for every user at once (a process each, against the same server): one
    Schemathesis process keeps one core busy, and the server has two workers. Each user's
    output goes to its report folder and is printed, in the users' order, once all are done."""
    config = workdir / "schemathesis.toml"
    config.write_text(CONFIG + (QUICK_CONFIG if args.quick else ""))
    running = []
    try:
        for user, token in tokens.items():
            reports = workdir / user
            reports.mkdir()
            command = _command(token, args, config, reports)
            with (reports / "schemathesis.log").open("wb") as log:
                process = subprocess.Popen(  # noqa: S603 - our venv's st
                    command, cwd=workdir, stdout=log, stderr=subprocess.STDOUT
                )
            running.append((user, command, process, time.perf_counter()))
        outcomes = []
        ops = operations(load_description(args.spec))
        for user, command, process, started in running:
            outcome = Outcome(user, process.wait(), time.perf_counter() - started)
            reports = workdir / user
            print(f"\n== {user} ({USERS[user]}): {' '.join(command[4:6])} …", flush=True)
            print((reports / "schemathesis.log").read_text(errors="replace"), end="", flush=True)
            for har in reports.glob("har-*.json"):
                count(outcome, har, ops)
            for ndjson in reports.glob("*.ndjson"):
                failures(outcome, ndjson)
            outcomes.append(outcome)
        return outcomes
    finally:  # interrupted, or a report unreadable: no Schemathesis left running
        for _user, _command_line, process, _started in running:
            if process.poll() is None:
                process.kill()
                process.wait()


def summary(outcomes: list[Outcome], ops: list[str], wall: float, every: bool) -> bool:
    """Print the table and the failures; False on any failure, or (`every`: the quick pass,
    which has no time limit) when an operation was not reached for some user."""
    total_ops = len(ops)
    print("\n== make fuzz: summary")
    print(f"  {'user':<11} {'requests':>9} {'operations':>12} {'seconds':>8}  statuses")
    for o in outcomes:
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(o.statuses.items()))
        covered = f"{len(o.covered)}/{total_ops}"
        print(f"  {o.user:<11} {o.requests:>9} {covered:>12} {o.seconds:>8.0f}  {statuses}")
    ok = True
    for o in outcomes:
        if o.returncode:
            ok = False
            print(f"\n  {o.user}: Schemathesis exited {o.returncode}; failures:")
            for failure in o.failures or ["(see the output above)"]:
                print(f"    - {failure}")
    for o in outcomes:
        missed = [op for op in ops if op not in o.covered]
        if missed:
            ok = ok and not every
            word = "FAILURE" if every else "note"
            print(f"\n  {word}: {len(missed)} operations not reached as {o.user}", end="")
            print(" (the time ran out: a busy machine, or raise --seconds):" if not every else ":")
            for op in missed[:10]:
                print(f"    - {op}")
            if len(missed) > 10:
                print(f"    - … and {len(missed) - 10} more")
    total = sum(o.requests for o in outcomes)
    print(f"\n  {total} requests in all; wall time {wall:.0f} s; ", end="")
    print("0 failures" if ok else "FAILURES (above)")
    return ok


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spec", help="OpenAPI file or URL (default: the server's own)")
    parser.add_argument("--port", type=int, default=5620)
    parser.add_argument(
        "--seconds", type=int, default=DEFAULT_SECONDS, help="each user's (they run at once)"
    )
    parser.add_argument("--max-examples", type=int, default=25, help="per operation")
    parser.add_argument("--phases", default="examples,coverage,fuzzing")
    parser.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", "2026")))
    # One: with two threads, Schemathesis's generation (Hypothesis describing its filters with
    # ast.parse) hit CPython 3.11's "AST constructor recursion depth mismatch" SystemError
    # (python/cpython#106905), a crash of the fuzzer, not of the service.
    parser.add_argument("--workers", type=int, default=1, help="Schemathesis's, per user")
    parser.add_argument("--quick", action="store_true", help="the short pass .ci/run makes")
    parser.add_argument("--users", default=",".join(USERS))
    parser.add_argument(
        "--exclude-path",
        action="append",
        default=[],
        help="leave out this path of the description (repeatable)",
    )
    parser.add_argument("--keep", help="keep the database, logs and reports in this directory")
    args = parser.parse_args()
    args.users = [u for u in args.users.split(",") if u]
    unknown = set(args.users) - set(USERS)
    if unknown:
        choose = ", ".join(USERS)
        parser.error(f"unknown users: {', '.join(sorted(unknown))} (choose from {choose})")
    if args.quick:
        args.max_examples = 1
        args.phases = "examples,fuzzing"
    args.origin = f"http://127.0.0.1:{args.port}"
    if args.spec and not args.spec.startswith("http"):
        args.spec = str(Path(args.spec).resolve())
    args.spec = args.spec or f"{args.origin}/api/v1/openapi.json"
    return args


def main() -> int:
    args = parse()
    started = time.perf_counter()
    workdir = Path(args.keep or tempfile.mkdtemp(prefix="sfo-fuzz-"))
    workdir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'fuzz.db'}",
        "HUEY_SQLITE_PATH": str(workdir / "huey.db"),
        "SFO_ENV": "development",
        # An API client is told to come back while the worker renders: a short wait here.
        "PDF_WAIT_SECONDS": "2",
        "WEB_CONCURRENCY": "2",
    }
    env.pop("REDIS_URL", None)
    print(f"== make fuzz: database, logs and reports in {workdir}")
    prepared = prepare(env, args.users)
    try:
        processes = start(env, args.port, workdir / "server.log")
    except BaseException:
        prepared.kill()
        raise
    try:
        issued = tokens(prepared, args.users)
        # Schemathesis never generates a case for the operation that serves the description
        # it was given (it reads it once, at the start, and fails the run if it cannot):
        # that one is reached, but not counted among the operations to cover.
        served = "/openapi.json" if args.spec.endswith("/api/v1/openapi.json") else None
        ops = [
            f"{method} {path}"
            for method, path, _ in operations(load_description(args.spec))
            if path not in args.exclude_path and path != served
        ]
        print(f"  description: {args.spec} ({len(ops)} operations)")
        outcomes = fuzz(issued, args, workdir)
    finally:
        stop(processes)
    ok = summary(outcomes, ops, time.perf_counter() - started, every=args.quick)
    errors = [
        line
        for line in (workdir / "server.log").read_text(errors="replace").splitlines()
        if "Traceback" in line or "Exception on " in line
    ]
    if errors:
        print(f"  the server logged {len(errors)} exceptions: see {workdir / 'server.log'}")
    if not args.keep and ok:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
