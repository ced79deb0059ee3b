"""Supervision: the service definitions, and a worker whose children die with it."""

from __future__ import annotations

import configparser
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sfo_review import worker

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"
INSTALLED_AT = "/opt/sfo-review"
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG")


def children_of(pid: int) -> set[int]:
    """Live (not zombie) processes whose parent is `pid`, from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and state != "Z":
            found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def poll(condition, seconds: float):  # type: ignore[no-untyped-def]
    """Check `condition` until it holds or `seconds` pass (a bound, not a speed target)."""
    deadline = time.monotonic() + seconds
    while True:
        result = condition()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.1)


@pytest.fixture
def consumer(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`python -m sfo_review.worker` with two process workers, on a queue of its own."""
    env = {
        **os.environ,
        "HUEY_SQLITE_PATH": str(tmp_path / "huey.db"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
        "SFO_ENV": "development",
        "HUEY_WORKERS": "2",
        # The normal scheduling class and priority: these tests are about the consumer's
        # processes, not about giving way (test_the_worker_renders_on_cpu_time_nothing_else_wants
        # checks the idle class), and an idle-class render waits for every busy core (the
        # suite's other xdist workers) to go quiet first: 20-130 s instead of a few.
        "WORKER_SCHED_IDLE": "false",
        "WORKER_NICE": "0",
    }
    env.pop("REDIS_URL", None)
    started = subprocess.Popen(
        [sys.executable, "-m", "sfo_review.worker", "--quiet"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seen: set[int] = set()
    started.seen = seen  # type: ignore[attr-defined]
    started.env = env  # type: ignore[attr-defined]
    yield started
    for pid in [started.pid, *seen]:  # only the processes this test started
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
    started.wait(timeout=30)


# The app's database migrated, one demo review with its participants and evidence (what
# `flask seed-demo` makes first), and a download's render of it asked for and enqueued on the
# SQLite queue as the web process does: one process, where `db upgrade`, `seed-demo` (which
# also approves three reviews, laying out their PDFs) and the enqueue each started the app.
SET_UP_AND_ENQUEUE = """
from flask_migrate import upgrade
from sfo_review import create_app
from sfo_review.cli import seed
from sfo_review.extensions import db
from sfo_review.services.reports import cache, work
with create_app().app_context():
    upgrade()
    people = [seed._user(role, email, name) for role, email, name in seed.DEMO_USERS]
    reviewer, officer, manager, qa = people[:4]
    review = seed._review(reviewer, "X123451", "Murder", "murder", 30)
    seed._populate(review, reviewer, officer, manager, qa)
    db.session.commit()
    row = cache.ask_job(review, "full", "")
    work.enqueue(row)
    print(row.id)
"""


@linux_only
def test_a_worker_process_renders_a_pdf(tmp_path: Path, consumer: subprocess.Popen[bytes]):
    """The real thing: the consumer's forked worker runs the task in the app the worker made
    (jobs.init_app), on its own database connections, and stores the PDF."""
    env = consumer.env  # type: ignore[attr-defined] - its queue and its database
    asked = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SET_UP_AND_ENQUEUE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=True,
    )
    row_id = int(asked.stdout)

    def rendered() -> tuple[str, bytes | None] | None:
        with sqlite3.connect(tmp_path / "app.db") as database:
            found = database.execute(
                "SELECT state, pdf FROM rendered_reports WHERE id = ?", (row_id,)
            ).fetchone()
        return found if found and found[0] != "pending" else None

    found = poll(rendered, 180)
    assert found is not None, "no worker rendered the PDF"
    state, pdf = found
    assert state == "ready" and pdf is not None and pdf.startswith(b"%PDF-")


@linux_only
def test_after_kill_9_of_the_consumer_its_workers_stop_too(consumer: subprocess.Popen[bytes]):
    def workers_and_scheduler() -> set[int]:
        found = children_of(consumer.pid)
        return found if len(found) >= 3 else set()

    children = poll(workers_and_scheduler, 120)
    assert children, "the consumer did not start its two workers and its scheduler"
    consumer.seen |= children  # type: ignore[attr-defined]

    consumer.send_signal(signal.SIGKILL)
    consumer.wait(timeout=30)

    survivors = poll(lambda: not {pid for pid in children if alive(pid)}, 30)
    assert survivors, "the consumer's children carried on as orphans after kill -9"


def test_the_worker_defaults_to_process_workers_on_our_queue(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HUEY_WORKERS", "3")
    assert worker.consumer_arguments([]) == [
        "sfo_review.jobs.huey",
        "--worker-type",
        "process",
        "--workers",
        "3",
        "--max-delay",
        "0.5",  # a download waits for its render: an idle queue is looked at often
    ]
    assert worker.consumer_arguments(["-w", "2", "-k", "thread", "-m", "2"]) == [
        "sfo_review.jobs.huey",
        "-w",
        "2",
        "-k",
        "thread",
        "-m",
        "2",
    ]


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(UNITS / name)
    return parser


@pytest.mark.parametrize("name", ["sfo-review-web.service", "sfo-review-worker.service"])
def test_each_service_restarts_always_and_stops_its_whole_control_group(name: str):
    service = unit(name)["Service"]
    assert service["Restart"] == "always"
    assert service["KillMode"] == "control-group"
    assert service["EnvironmentFile"] == "/etc/sfo-review/sfo-review.env"
    assert service["User"] == "sfo-review"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["WorkingDirectory"] == INSTALLED_AT


def test_the_web_service_runs_gunicorn_and_the_worker_service_our_worker():
    web = unit("sfo-review-web.service")["Service"]
    work = unit("sfo-review-worker.service")["Service"]
    assert web["ExecStart"].startswith(f"{INSTALLED_AT}/.venv/bin/gunicorn --config gunicorn.conf")
    assert work["ExecStart"] == f"{INSTALLED_AT}/.venv/bin/python -m sfo_review.worker"
    # Huey's graceful stop: the workers finish the job in hand (a render's hard limit).
    assert work["KillSignal"] == "SIGINT"


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None,
    reason="systemd-analyze is not installed here (a host without systemd)",
)
@pytest.mark.parametrize("name", ["sfo-review-web.service", "sfo-review-worker.service"])
def test_systemd_finds_nothing_wrong_with_the_units(name: str, tmp_path: Path):
    """`systemd-analyze verify`, with the install folder pointed at this checkout (it checks
    that the commands exist)."""
    text = (UNITS / name).read_text().replace(INSTALLED_AT, str(ROOT))
    (tmp_path / name).write_text(text)
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(tmp_path / name)],
        capture_output=True,
        text=True,
        check=False,
    )
    problems = [line for line in (done.stdout + done.stderr).splitlines() if name in line]
    assert done.returncode == 0 and not problems, done.stdout + done.stderr


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="Linux scheduling classes")
@pytest.mark.parametrize(("setting", "idle"), [(None, True), ("false", False)])
def test_the_worker_renders_on_cpu_time_nothing_else_wants(setting: str | None, idle: bool):
    """The idle scheduling class (its forks inherit it), unless WORKER_SCHED_IDLE=false;
    in a process of its own, so this test's stays as it is. The probe leaves with os._exit
    once it has printed: an idle-class interpreter's clean-up waits for a quiet machine."""
    env = {k: v for k, v in os.environ.items() if k != "WORKER_SCHED_IDLE"}
    if setting is not None:
        env["WORKER_SCHED_IDLE"] = setting
    probe = (
        "import os; from sfo_review.worker import give_way; set = give_way(); "
        "child = os.fork()\n"
        "if child == 0: os._exit(0 if os.sched_getscheduler(0) == os.SCHED_IDLE else 1)\n"
        "print(set, os.sched_getscheduler(0) == os.SCHED_IDLE, os.waitpid(child, 0)[1] == 0, "
        "flush=True)\n"
        "os._exit(0)"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == [str(idle)] * 3


def test_the_consumer_knows_every_task_once_the_app_is_made(tmp_path: Path):
    """sfo_review.jobs defines no task (it imports no service): the tasks live beside what
    they run and register when create_app imports the blueprints, which the worker does
    before its consumer starts. In a fresh process, as the worker's."""
    code = (
        "import json, sys; from sfo_review import jobs; "
        "before = sorted(jobs.huey._registry._registry); "
        "from sfo_review import create_app; create_app(); "
        "json.dump([before, sorted(jobs.huey._registry._registry)], sys.stdout)"
    )
    env = {
        **os.environ,
        "HUEY_SQLITE_PATH": str(tmp_path / "huey.db"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
        "SFO_ENV": "development",
    }
    env.pop("REDIS_URL", None)
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, check=True
    )
    before, after = json.loads(done.stdout)
    assert before == []
    assert after == [
        "sfo_review.services.reports.prerender.prerender_review",
        "sfo_review.services.reports.work.render_report",
        "sfo_review.services.reports.work.requeue_lost_renders",
    ]
