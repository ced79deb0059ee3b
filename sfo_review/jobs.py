"""Background jobs (Huey): every PDF a download asks for renders here; web processes lay out
none, so PDFs never take the CPU ordinary pages need.

Storage: Redis when `REDIS_URL` is set (several web servers and workers share it), else a
SQLite file in the instance folder (`HUEY_SQLITE_PATH`, default instance/huey.db). Run the
consumer with `make worker` (`python -m sfo_review.worker`: process workers that die with
it, see worker.py; deploy/systemd has its service). Tests run
in Huey's immediate mode (`HUEY_IMMEDIATE`): a task runs at once, in memory.

Process workers give each render a hard time limit too: Huey's task timeout interrupts a
render with an alarm signal if it outlives WeasyPrint's own cooperative deadline
(pdf/deadline.py) — the render stops, memory is freed, the worker carries on.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context
from huey import Huey, crontab
from huey.api import Task
from huey.storage import BaseStorage, RedisStorage, SqliteStorage

from config import Config

# Seconds past the render's own time limit before the worker's alarm interrupts it.
HARD_LIMIT_GRACE_SECONDS = 15
# A failed render is tried again this many times, this many seconds apart (one lost with
# its worker is asked for again by services/reports.py: `retry_lost`, `requeue_lost`).
RENDER_RETRIES = 2
RETRY_DELAY_SECONDS = 30


# Built with nothing read from the environment and nothing opened: until an app configures
# it (init_app, from create_app), tasks would run at once, in memory.
huey = Huey("sfo-review", results=False, immediate=True)
_worker_app: Flask | None = None
_configured_from: tuple[str | None, str] | None = None


def storage_for(config: Mapping[str, Any]) -> tuple[type[BaseStorage], dict[str, Any]]:
    """The queue's storage class and its arguments: Redis when REDIS_URL is set, else a
    SQLite file (HUEY_SQLITE_PATH)."""
    url = config.get("REDIS_URL")
    if url:
        # Socket timeouts: a Redis that stops answering fails a request (and /readyz) in
        # seconds rather than holding it; above the consumer's 1 s blocking read.
        from redis import ConnectionPool

        pool = ConnectionPool.from_url(url, socket_timeout=10, socket_connect_timeout=5)
        return RedisStorage, {"connection_pool": pool}
    path = str(config["HUEY_SQLITE_PATH"])
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteStorage, {"filename": path}


def init_app(app: Flask) -> None:
    """Point the queue at the app's storage, or run tasks at once, in memory, when the app
    says so (HUEY_IMMEDIATE: in tests)."""
    global _configured_from
    if app.config.get("HUEY_IMMEDIATE"):
        huey.immediate = True
        return
    wanted = (app.config.get("REDIS_URL"), app.config["HUEY_SQLITE_PATH"])
    if not huey.immediate and wanted == _configured_from:
        return  # a worker's own app, on the settings its consumer was started with
    huey.storage_class, huey.storage_kwargs = storage_for(app.config)
    if huey.immediate:
        huey.immediate = False  # which makes the storage
    else:
        huey.storage = huey.create_storage()
    _configured_from = wanted


@contextmanager
def _app_context() -> Iterator[None]:
    """The caller's app (immediate mode) or, in a worker process, one app made once."""
    global _worker_app
    if has_app_context():
        yield
        return
    if _worker_app is None:
        from sfo_review import create_app

        _worker_app = create_app()
    with _worker_app.app_context():
        yield


@huey.on_startup()
def _warm_up() -> None:
    """Each worker loads the app, WeasyPrint, the stylesheet and the fonts before its first
    job, so the first PDF does not wait for them."""
    with _app_context():
        from sfo_review.pdf.render import engine

        engine()


@huey.task(
    timeout=Config.PDF_RENDER_TIMEOUT_SECONDS + HARD_LIMIT_GRACE_SECONDS,
    retries=RENDER_RETRIES,
    retry_delay=RETRY_DELAY_SECONDS,
    context=True,
)
def render_report(review_id: int, variant: str, task: Task | None = None) -> None:
    """Render the current content of a review's PDF into the report cache (idempotent)."""
    with _app_context():
        from sfo_review.services import reports

        # Immediate mode (tests) never runs a retry Huey schedules: every try is the last.
        last_try = task is None or not task.retries or huey.immediate
        reports.render_in_background(review_id, variant, last_try=last_try)
        current_app.logger.info("Rendered the %s PDF of review %s", variant, review_id)


@huey.periodic_task(crontab(minute="*"))
def requeue_lost_renders() -> None:
    """Every minute: renders lost with their worker, or never picked up, are asked again."""
    with _app_context():
        from sfo_review.services import reports

        reports.requeue_lost()
