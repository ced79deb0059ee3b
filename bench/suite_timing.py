"""Test-suite timing benchmark (`make test-timing`): how long CI takes, against its targets.

It clones the repository's committed HEAD into a new folder, runs `CI=true bash .ci/run`
there exactly as CI does (install, `make test` on SQLite, `make test-postgres` when
PostgreSQL answers), and prints the wall time of each phase (from the "ci-timing:" lines
.ci/run prints), each run's test count, and the total against the targets:

    the SQLite run (make test: lint and the whole suite)   at most 6 minutes
    the short fuzz pass (make fuzz FUZZ_ARGS=--quick)       about a minute (shown, not enforced)
    .ci/run in all, SQLite plus PostgreSQL                 at most 12 minutes

It exits 1 when .ci/run fails or a target is missed. This is a benchmark, never a test: the
machine's load moves the figures, so run it on a quiet machine and not in a loop.

    .venv/bin/python bench/suite_timing.py [--keep] [--log FILE]

TEST_DATABASE_URL is passed on to .ci/run (default there: postgresql://…/test); the suite
makes one database per xdist worker from it (…_gw0, …_gw1).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"sqlite": 6 * 60, "fuzz": 60, "total": 12 * 60}
GIT = shutil.which("git") or "git"
BASH = shutil.which("bash") or "/bin/bash"
PHASE = re.compile(r"^ci-timing: (\w+) (\d+) s$")
SUMMARY = re.compile(r"^=*\s*(?P<summary>\d+ (passed|failed)\b.*?) in [\d.]+s")


def minutes(seconds: float) -> str:
    return f"{int(seconds // 60)} min {int(seconds % 60):02d} s"


def run_ci(clone: Path, log: Path) -> tuple[int, float, dict[str, int], list[str]]:
    """(exit code, wall seconds, seconds per phase, pytest summaries) of .ci/run in `clone`."""
    env = {**os.environ, "CI": "true"}
    phases: dict[str, int] = {}
    summaries: list[str] = []
    started = time.monotonic()
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [BASH, ".ci/run"],
            cwd=clone,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert process.stdout is not None
        for line in process.stdout:
            out.write(line)
            stripped = line.strip()
            if match := PHASE.match(stripped):
                phases[match.group(1)] = int(match.group(2))
                print(f"  {stripped}", flush=True)
            elif match := SUMMARY.match(stripped):
                summaries.append(match.group("summary"))
                print(f"  pytest: {match.group('summary')}", flush=True)
        code = process.wait()
    return code, time.monotonic() - started, phases, summaries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the clone afterwards")
    parser.add_argument("--log", type=Path, help="where to write .ci/run's output")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="sfo-test-timing-"))
    clone = folder / "sfo-review"
    log = args.log or folder / "ci-run.log"
    subprocess.run([GIT, "clone", "--quiet", "--no-local", str(ROOT), str(clone)], check=True)
    head = subprocess.run(
        [GIT, "log", "-1", "--format=%h %s"], cwd=clone, capture_output=True, text=True
    ).stdout.strip()
    print(f"CI=true bash .ci/run in a clean clone of {head}\n  ({clone}, output in {log})")
    try:
        code, wall, phases, summaries = run_ci(clone, log)
    finally:
        if not args.keep:
            shutil.rmtree(folder / "sfo-review", ignore_errors=True)

    print()
    print(f"{'phase':<12} {'wall time':>14} {'target':>12}")
    for name in ("install", "sqlite", "fuzz", "postgresql"):
        if name in phases:
            target = TARGETS.get(name)
            shown = f"≤ {minutes(target)}" if target else ""
            print(f"{name:<12} {minutes(phases[name]):>14} {shown:>12}")
    print(f"{'total':<12} {minutes(wall):>14} {'≤ ' + minutes(TARGETS['total']):>12}")
    for summary in summaries:
        print(f"pytest: {summary}")

    missed = []
    if code != 0:
        missed.append(f".ci/run failed (exit {code}); see {log}")
    if phases.get("sqlite", 0) > TARGETS["sqlite"]:
        missed.append(f"the SQLite run took {minutes(phases['sqlite'])}")
    if wall > TARGETS["total"]:
        missed.append(f".ci/run took {minutes(wall)} in all")
    if "postgresql" not in phases:
        print("(no PostgreSQL run: none answered on 127.0.0.1:5432)")
    for line in missed:
        print(f"MISSED: {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
