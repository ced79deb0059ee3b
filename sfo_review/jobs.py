"""Background jobs (Huey): every PDF a download asks for renders here; web processes lay out
none, so PDFs never take the CPU ordinary pages need.

Storage: Redis when `REDIS_URL` is set (several web servers and workers share it), else a
SQLite file in the instance folder (`HUEY_SQLITE_PATH`, default instance/huey.db). Run the
consumer with `make worker` (`python -m sfo_review.worker`: process workers that die with
it, see worker.py; deploy/systemd has its service). Tests run
in Huey's immediate mode (`HUEY_IMMEDIATE`): a task runs at once, in memory.

This module is the queue only: the Huey instance, its storage, the app its tasks run in,
and each worker's warm-up. The tasks live beside the code they run
(services/reports/work.py: the render and the sweep for lost renders), which imports
this module; this module imports no service. The consumer knows them because
`create_app()` imports the blueprints, which import the services: the worker
(worker.py) builds its app before the consumer starts, and that app is the one
`init_app` remembers for the tasks (`app_context`).

Process workers give each render a hard time limit too: Huey's task timeout interrupts a
render with an alarm signal if it outlives WeasyPrint's own cooperative deadline
(pdf/deadline.py) — the render stops, memory is freed, the worker carries on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask, has_app_context
from huey import Huey
from huey.storage import BaseStorage, RedisStorage, SqliteStorage

from sfo_review.extensions import db

# Built with nothing read from the environment and nothing opened: until an app configures
# it (init_app, from create_app), tasks would run at once, in memory.
huey = Huey("sfo-review", results=False, immediate=True)
_app: Flask | None = None  # the app that configured the queue: the tasks run in it
_app_pid: int | None = None  # the process that app was made in (a worker is forked from it)
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
    says so (HUEY_IMMEDIATE: in tests); the tasks run in this app from now on."""
    global _app, _app_pid, _configured_from
    _app, _app_pid = app, os.getpid()
    if app.config.get("HUEY_IMMEDIATE"):
        huey.immediate = True
        return
    wanted = (app.config.get("REDIS_URL"), app.config["HUEY_SQLITE_PATH"])
    if not huey.immediate and wanted == _configured_from:
        return  # an app made again on the same settings: the same queue
    huey.storage_class, huey.storage_kwargs = storage_for(app.config)
    if huey.immediate:
        huey.immediate = False  # which makes the storage
    else:
        huey.storage = huey.create_storage()
    _configured_from = wanted


@contextmanager
def app_context() -> Iterator[None]:
    """The caller's app (immediate mode) or, in a worker, the app that configured the queue
    (the worker's, made before the consumer started and inherited by each worker process)."""
    if has_app_context():
        yield
        return
    if _app is None:
        raise RuntimeError("No app has configured the job queue: call create_app() first.")
    with _app.app_context():
        yield


@huey.on_startup()
def _warm_up() -> None:
    """Each worker loads WeasyPrint, the stylesheet and the fonts before its first job, so
    the first PDF does not wait for them. A worker forked from the consumer first drops the
    database connections it inherited (SQLAlchemy's advice for os.fork: `dispose(close=False)`
    leaves them to the parent and opens its own)."""
    with app_context():
        if os.getpid() != _app_pid:
            for engine in db.engines.values():
                engine.dispose(close=False)

        from sfo_review.pdf.render import engine as pdf_engine

        pdf_engine()
