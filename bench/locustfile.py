"""Locust users for bench/load_bench.py (`make bench-load`): ordinary pages, and PDFs.

`OrdinaryUser` walks what people do all day: the review list, a review's overview and
findings, and the API's list and one review. `PdfUser` asks for PDFs of reviews picked at
random (so most are not in the cache): through the API, which answers the PDF or 503 with
Retry-After while it is being prepared, and through the browser, which renders it or
sends the reader to "Preparing your PDF".

The response time of every ordinary request is written to LOAD_TIMES_FILE when the run
stops, so the bench computes the p95 of ordinary pages alone. Settings from the
environment: LOAD_COOKIE (a signed-in leadership session), LOAD_TOKEN (its API token),
LOAD_REVIEWS (reviews 1..N exist), LOAD_ORDINARY_USERS and LOAD_PDF_USERS (how many of
each), LOAD_TIMES_FILE.
"""

from __future__ import annotations

import json
import os
import random
from typing import Any

from locust import HttpUser, between, events, task

REVIEWS = int(os.environ.get("LOAD_REVIEWS", "2000"))
COOKIE = os.environ.get("LOAD_COOKIE", "")
TOKEN = os.environ.get("LOAD_TOKEN", "")
ORDINARY = "ordinary"
# Response times (ms) of ordinary requests, and the status of every request, by kind.
times: list[float] = []
statuses: dict[str, dict[str, int]] = {}


def review_id() -> int:
    return random.randint(1, REVIEWS)  # noqa: S311 - picking pages, not secrets


@events.request.add_listener
def _record(
    request_type: str,
    name: str,
    response_time: float,
    response_length: int,
    response: Any = None,
    context: Any = None,
    exception: Any = None,
    **_kwargs: Any,
) -> None:
    kind = (context or {}).get("kind", "other")
    status = str(getattr(response, "status_code", 0) or "")
    if not status:  # no answer at all: say why
        status = type(exception).__name__ if exception is not None else "none"
    counts = statuses.setdefault(kind, {})
    counts[status] = counts.get(status, 0) + 1
    if kind == ORDINARY and exception is None:
        times.append(response_time)


@events.quitting.add_listener
def _write(**_kwargs: Any) -> None:
    path = os.environ.get("LOAD_TIMES_FILE")
    if path:
        with open(path, "w") as out:
            json.dump({"times": times, "statuses": statuses}, out)


class OrdinaryUser(HttpUser):
    """Somebody reading reviews in the browser, or a system reading them through the API."""

    wait_time = between(1, 3)
    fixed_count = int(os.environ.get("LOAD_ORDINARY_USERS", "20"))

    def on_start(self) -> None:
        self.client.headers["Cookie"] = COOKIE

    def page(self, path: str, name: str, api: bool = False) -> None:
        headers = {"Authorization": f"Bearer {TOKEN}"} if api else None
        self.client.get(path, name=name, headers=headers, context={"kind": ORDINARY})

    @task(3)
    def review_list(self) -> None:
        self.page(f"/?page={random.randint(1, 20)}", "review list")  # noqa: S311

    @task(3)
    def overview(self) -> None:
        self.page(f"/reviews/{review_id()}", "review overview")

    @task(2)
    def findings(self) -> None:
        self.page(f"/reviews/{review_id()}/findings", "review findings")

    @task(1)
    def api_list(self) -> None:
        self.page(f"/api/v1/reviews?per_page=25&page={random.randint(1, 20)}", "API list", True)  # noqa: S311

    @task(1)
    def api_review(self) -> None:
        self.page(f"/api/v1/reviews/{review_id()}", "API review", True)


class PdfUser(HttpUser):
    """Somebody downloading PDFs: through the API (half the time) or the browser."""

    wait_time = between(1, 3)
    fixed_count = int(os.environ.get("LOAD_PDF_USERS", "5"))

    def on_start(self) -> None:
        self.client.headers["Cookie"] = COOKIE

    @task
    def api_pdf(self) -> None:
        self.client.get(
            f"/api/v1/reviews/{review_id()}/report.pdf?variant=full",
            name="PDF (API)",
            headers={"Authorization": f"Bearer {TOKEN}"},
            context={"kind": "pdf"},
        )

    @task
    def browser_pdf(self) -> None:
        with self.client.get(
            f"/reviews/{review_id()}/report.pdf?variant=full",
            name="PDF (browser)",
            allow_redirects=False,
            context={"kind": "pdf"},
            catch_response=True,
        ) as response:
            if response.status_code in (200, 303):
                response.success()
