"""The background job worker: `python -m sfo_review.worker [huey_consumer options]`.

Huey's consumer for `sfo_review.jobs.huey` (process workers, `HUEY_WORKERS` of them, unless
the options say otherwise), with two things a supervisor needs:

- Every process the consumer forks (its workers and its scheduler) dies with it (Linux:
  PR_SET_PDEATHSIG). Without this, after a `kill -9` of the consumer its workers carried on
  taking jobs as orphans, beside the consumer the supervisor started in its place; now they
  stop at once, and a render they were doing is asked for again (services/reports/work.py).
- It runs at a lower CPU priority (`WORKER_NICE`, default 10), so on a host shared with the
  web server a PDF render gives way to ordinary pages.
- An idle consumer looks at the queue at least every half second (`--max-delay 0.5`;
  Huey's default backs off to 10 s), because a download waits for its render
  (PDF_WAIT_SECONDS). With Redis it blocks on the queue instead, so this costs nothing.

deploy/systemd/sfo-review-worker.service runs it; so do `make worker` and `make serve`.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

from huey.bin.huey_consumer import consumer_main

from sfo_review import create_app

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
MAX_POLL_DELAY = "0.5"  # seconds between looks at an idle SQLite queue, at most
_consumer_pid = 0


def _remember_parent() -> None:
    global _consumer_pid
    _consumer_pid = os.getpid()


def _die_with_parent() -> None:
    """In a forked child: be killed when the process that forked it dies."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"prctl(PR_SET_PDEATHSIG): {os.strerror(errno)}")
    if os.getppid() != _consumer_pid:  # it died before the line above took effect
        os._exit(1)


def consumer_arguments(args: list[str]) -> list[str]:
    """huey_consumer's arguments: our queue, process workers, HUEY_WORKERS of them, polled
    at least every MAX_POLL_DELAY seconds, unless `args` say otherwise."""
    given = {a.split("=")[0] for a in args}
    defaults = []
    if not given & {"-k", "--worker-type"}:
        defaults += ["--worker-type", "process"]
    if not given & {"-w", "--workers"}:
        defaults += ["--workers", os.environ.get("HUEY_WORKERS", "1")]
    if not given & {"-m", "--max-delay"}:
        defaults += ["--max-delay", MAX_POLL_DELAY]
    return ["sfo_review.jobs.huey", *defaults, *args]


def give_way() -> bool:
    """Linux: the idle scheduling class (SCHED_IDLE), inherited by every process the
    consumer forks, so a render runs on CPU time nothing else wants. Nice alone left ordinary
    pages at 2.6-2.9 times their p95 on 2 cores (`make bench-load`). WORKER_SCHED_IDLE=false
    keeps the normal class (with WORKER_NICE); True when the class was set."""
    wanted = os.environ.get("WORKER_SCHED_IDLE", "true").lower() not in ("0", "false", "no")
    if not wanted or not hasattr(os, "SCHED_IDLE"):
        return False
    os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    return True


def main(args: list[str] | None = None) -> None:
    if sys.platform.startswith("linux"):
        os.register_at_fork(before=_remember_parent, after_in_child=_die_with_parent)
    os.nice(int(os.environ.get("WORKER_NICE", "10")))
    give_way()
    sys.argv = ["huey_consumer", *consumer_arguments(sys.argv[1:] if args is None else args)]
    create_app()  # points sfo_review.jobs.huey at the configured queue (jobs.init_app)
    consumer_main()


if __name__ == "__main__":
    main()
