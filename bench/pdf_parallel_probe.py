"""Probe: how far could rendering the full report in two processes at once go?

    .venv/bin/python bench/pdf_parallel_probe.py [--runs 5]

Not a target of `make bench`: a measurement for deciding whether to build it. The full
report of the reference review (bench/reference_review.py) is split into two documents
of about equal work — the cover to the chronology, and the working conditions to the end —
and each run times, interleaved:

1. WeasyPrint rendering the whole report (as the app does now);
2. the two parts rendered at the same time in two forked copies of the warm process, each
   writing its own PDF — the best a split could do: no merging of the two PDFs (pages,
   structure trees, bookmarks, links), no page numbers carried from one part to the other;
3. Chromium printing the whole report (a cold start, as in bench/pdf_bench.py).

It prints each median and the ratio of pages per second against Chromium for 1 and 2.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pdf_bench import chromium_once, chromium_site, load, make_app, pages_of  # noqa: E402

SPLIT_AT = '<section>\n<h2 id="conditions">'


class _NoCrossPartLinks(logging.Filter):
    """The first part's contents link to headings in the second: WeasyPrint says so."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not message.startswith(("No anchor #", "Content discarded: target points"))


def halves(html: str) -> tuple[str, str]:
    head, body = html.split("<body>", 1)
    cut = body.index(SPLIT_AT)
    frame = body[: body.index('<section class="app-cover">')]  # the DRAFT mark
    return head + "<body>" + body[:cut] + "</body></html>", head + "<body>" + frame + body[cut:]


def render(html: str) -> bytes:
    from sfo_review.pdf.render import write_pdfs

    return write_pdfs(html)["standard"].pdf


def in_two_processes(parts: tuple[str, str]) -> float:
    started = time.perf_counter()
    children = []
    for part in parts:
        pid = os.fork()
        if pid == 0:  # the child: render its part, then leave without cleaning up
            try:
                render(part)
            finally:
                os._exit(0)
        children.append(pid)
    for pid in children:
        os.waitpid(pid, 0)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    out = print  # noqa: T202 - a benchmark prints its figures
    logging.getLogger("weasyprint").addFilter(_NoCrossPartLinks())
    folder = Path(tempfile.mkdtemp(prefix="sfo-pdf-probe-"))
    try:
        out(f"PDF parallel probe — {load()}")
        app = make_app(folder)
        with app.app_context():
            from flask_migrate import upgrade

            from bench.reference_review import build
            from sfo_review.pdf.render import render_html

            upgrade()
            review = build(chronology=300, stage="factual_accuracy")
            html = render_html(review, "full", linked_stylesheet=False)
            page = chromium_site(app, render_html(review, "full"), folder)
            parts = halves(html)
            pages = pages_of(render(html))  # also warms the engine before the forks
            part_pages = [pages_of(render(p)) for p in parts]
            chromium_once(page, folder)
            whole, split, chromium = [], [], []
            their_pages = 0
            for _ in range(args.runs):
                started = time.perf_counter()
                render(html)
                whole.append(time.perf_counter() - started)
                split.append(in_two_processes(parts))
                seconds, pdf = chromium_once(page, folder)
                chromium.append(seconds)
                their_pages = pages_of(pdf)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    theirs = their_pages / statistics.median(chromium)
    one, two = statistics.median(whole), statistics.median(split)
    out(f"Whole report, one process: {pages} pages, median {one:.2f} s = {pages / one:.1f} pages/s")
    out(
        f"Two parts at once ({part_pages[0]} + {part_pages[1]} pages, no merge): median "
        f"{two:.2f} s = {sum(part_pages) / two:.1f} pages/s ({one / two:.2f}x the whole)"
    )
    out(f"Chromium, cold: {their_pages} pages, median {statistics.median(chromium):.2f} s")
    out(
        f"Ratio to Chromium: one process {pages / one / theirs:.2f}, two parts at once "
        f"{sum(part_pages) / two / theirs:.2f} (before any merging)"
    )
    out(f"Finished — {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
