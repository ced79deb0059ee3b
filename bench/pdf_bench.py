"""PDF benchmark: our full report with WeasyPrint against Chromium printing the same HTML.

    .venv/bin/python bench/pdf_bench.py [--runs 5]      (make bench-pdf)

Builds the reference review (bench/reference_review.py: 300 chronology entries, 40
findings, participants, caseload contexts, factors, statements, replies, actions) in a
temporary SQLite database made by the migrations, then measures, in one run:

1. Pages per second of the full report, side by side and interleaved run by run, both
   from *the same HTML document* (the same print stylesheet and embedded font files):
   - WeasyPrint as the app runs it: in the warm app process (the web server or the
     worker), HTML to tagged PDF/UA-1 bytes; the time from the review in the database
     (building the HTML included) is printed too;
   - Chromium as a person would run it: a cold start of Debian's /usr/bin/chromium
     --headless --print-to-pdf on a file:// copy of the document, a fresh profile
     directory each run. Chromium also writes a tagged PDF (its default).
   The ratio (ours / Chromium's, medians of pages per second) must be at least 1.0.
2. A repeat export of unchanged content, and of an approved snapshot, through the API
   (GET /api/v1/reviews/{id}/report.pdf with a token): median of 20, each ≤ 50 ms.
3. Peak memory of a render, in a fresh subprocess that loads the app and renders the same
   HTML once: the whole process's peak resident set (VmHWM: the app and WeasyPrint
   included), which must be ≤ 200 MB; with its resident set before the render,
   and tracemalloc's peak of Python allocations during it (from a second such process, as
   tracemalloc's own bookkeeping would swell the first).

The machine is shared, so the load average is printed before and after. Exit status 1 when
a target is missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--no-pdf-header-footer",
]
TARGET_RATIO = 1.0
TARGET_REPEAT_MS = 50.0
TARGET_PEAK_MB = 200.0


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def pages_of(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(BytesIO(pdf)).pages)


def make_app(folder: Path) -> Any:
    os.environ.setdefault("HUEY_SQLITE_PATH", ":memory:")
    from config import TestConfig
    from sfo_review import create_app

    class BenchConfig(TestConfig):
        TESTING = False  # errors surface as they would for a user
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder / 'bench.db'}"

    return create_app(BenchConfig)


def chromium_site(app: Any, html: str, folder: Path) -> Path:
    """The HTML file with the print stylesheet and fonts where its links expect them."""
    site = folder / "site"
    site.mkdir()
    static = Path(app.static_folder)
    (site / "pdf").symlink_to(static / "pdf")
    (site / "vendor").symlink_to(static / "vendor")
    page = site / "report.html"
    page.write_text(html, encoding="utf-8")
    return page


def chromium_once(page: Path, folder: Path) -> tuple[float, bytes]:
    profile = Path(tempfile.mkdtemp(dir=folder, prefix="chromium-profile-"))
    out = folder / "chromium.pdf"
    out.unlink(missing_ok=True)
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 - a fixed local binary and our own file
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={out}"]
        + [page.as_uri()],
        check=True,
        capture_output=True,
        timeout=300,
    )
    seconds = time.perf_counter() - started
    shutil.rmtree(profile, ignore_errors=True)
    return seconds, out.read_bytes()


def weasyprint_once(html: str) -> tuple[float, int]:
    from sfo_review.pdf.render import write_pdfs

    started = time.perf_counter()
    rendered = write_pdfs(html)["standard"]
    return time.perf_counter() - started, rendered.pages


def weasyprint_from_database(review: Any) -> float:
    from sfo_review.extensions import db
    from sfo_review.pdf.render import render_formats

    db.session.expire_all()  # read the review from the database again, as a request would
    started = time.perf_counter()
    render_formats(review, "full")
    return time.perf_counter() - started


def side_by_side(app: Any, review: Any, folder: Path, runs: int) -> dict[str, Any]:
    from sfo_review.pdf.render import render_html

    html = render_html(review, "full", linked_stylesheet=True)
    ours_html = render_html(review, "full", linked_stylesheet=False)  # the sheet is pre-parsed
    page = chromium_site(app, html, folder)
    first, _pages = weasyprint_once(ours_html)  # the process's first render (cold engine)
    chromium_once(page, folder)  # and Chromium's first start (disk cache)
    ours: list[float] = []
    theirs: list[float] = []
    from_db: list[float] = []
    our_pages = their_pages = 0
    for _ in range(runs):
        seconds, our_pages = weasyprint_once(ours_html)
        ours.append(seconds)
        seconds, pdf = chromium_once(page, folder)
        theirs.append(seconds)
        their_pages = pages_of(pdf)
        from_db.append(weasyprint_from_database(review))
    return {
        "html_chars": len(html),
        "first_render": first,
        "ours": ours,
        "from_db": from_db,
        "theirs": theirs,
        "our_pages": our_pages,
        "their_pages": their_pages,
    }


def repeat_exports(app: Any, review_id: int, token: str, repeats: int = 20) -> list[float]:
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/reviews/{review_id}/report.pdf?variant=full"
    first = client.get(url, headers=headers)  # fills the cache (or reads the snapshot)
    if first.status_code == 503:  # not waited for (PDF_WAIT_SECONDS 0): the job has made it
        first = client.get(url, headers=headers)
    assert first.status_code == 200, first.status_code  # noqa: S101
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        assert response.data == first.data  # noqa: S101 - the same bytes every time
    return times


def approve_in_the_browser(review: Any) -> tuple[float, int]:
    """The Countersign page's work on approving: the service call and the enqueueing of the
    PDF jobs (queued, not run: the worker lays the PDFs out). Milliseconds, and jobs queued."""
    from huey.storage import MemoryStorage

    from sfo_review import jobs
    from sfo_review.cli.ratings_data import approval
    from sfo_review.services import transitions
    from sfo_review.services.reports import work as report_work

    transitions.transition(review.reviewer, review, {"to": "quality_assurance"})
    immediate, storage = jobs.huey.immediate, jobs.huey.storage
    jobs.huey.immediate, jobs.huey.storage = False, MemoryStorage("bench")
    try:
        started = time.perf_counter()
        transitions.transition(review.countersigner, review, approval(), True)
        report_work.start_snapshot_jobs(review)
        elapsed = time.perf_counter() - started
        return elapsed * 1000, jobs.huey.pending_count()
    finally:
        jobs.huey.immediate, jobs.huey.storage = immediate, storage


def memory_child(html_path: str, traced: bool) -> None:
    """Run in a fresh process: render the HTML once and print the memory figures.

    The peak resident set is measured without tracemalloc (which costs memory of its own);
    `traced` runs only to report tracemalloc's peak of Python allocations.
    """
    folder = Path(tempfile.mkdtemp(prefix="sfo-pdf-mem-"))
    app = make_app(folder)
    with app.app_context():
        from sfo_review.pdf.render import engine, write_pdfs

        engine()  # the stylesheet and fonts a worker keeps loaded
        html = Path(html_path).read_text(encoding="utf-8")
        before = _rss_mb()
        if traced:
            tracemalloc.start()
        rendered = write_pdfs(html)["standard"]
        peak = tracemalloc.get_traced_memory()[1] / 2**20 if traced else 0.0
        # VmHWM, the peak resident set of this process's memory since exec; getrusage's
        # ru_maxrss would also count the parent's pages this child was forked with.
        maxrss = _status_mb("VmHWM")
        print(f"{maxrss:.1f} {before:.1f} {peak:.1f} {rendered.pages}")  # noqa: T201
    shutil.rmtree(folder, ignore_errors=True)


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _rss_mb() -> float:
    return _status_mb("VmRSS")


def peak_memory(html: str, folder: Path) -> tuple[float, float, float, int]:
    path = folder / "memory.html"
    path.write_text(html, encoding="utf-8")
    if os.environ.get("BENCH_KEEP_HTML"):
        shutil.copy(path, os.environ["BENCH_KEEP_HTML"])

    def child(*extra: str) -> list[str]:
        return subprocess.run(  # noqa: S603 - this script, in a fresh interpreter
            [sys.executable, __file__, "--memory-child", str(path), *extra],
            check=True,
            capture_output=True,
            text=True,
            timeout=600,
        ).stdout.split()

    maxrss, before, _none, pages = child()[-4:]
    traced = child("--traced")[-2]
    return float(maxrss), float(before), float(traced), int(pages)


def main() -> int:  # noqa: C901 - one report, printed in order
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="side-by-side runs (default 5)")
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child, args.traced)
        return 0

    out = print  # noqa: T202 - a benchmark prints its figures
    folder = Path(tempfile.mkdtemp(prefix="sfo-pdf-bench-"))
    try:
        out(f"PDF benchmark — {load()}")
        app = make_app(folder)
        with app.app_context():
            from flask_migrate import upgrade

            from bench.reference_review import build
            from sfo_review.pdf.render import render_html
            from sfo_review.services import users

            upgrade()
            started = time.perf_counter()
            review = build(chronology=300, stage="factual_accuracy")
            approved = build(chronology=300, stage="approved", seed=8, prefix="approved-")
            out(f"Built the reference reviews in {time.perf_counter() - started:.1f} s")
            result = side_by_side(app, review, folder, args.runs)
            leader = users.create_user(
                None,
                {
                    "email": "bench-leadership@example.gov.uk",
                    "name": "Bench Leadership",
                    "role": "leadership",
                    "password": "bench-password-2026",
                },
            )
            token = users.issue_token(leader)
            draft_ms = repeat_exports(app, review.id, token)
            approved_ms = repeat_exports(app, approved.id, token)
            html = render_html(review, "full", linked_stylesheet=False)
            approve_ms, queued = approve_in_the_browser(review)
        maxrss, before, traced, mem_pages = peak_memory(html, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    ours, theirs = statistics.median(result["ours"]), statistics.median(result["theirs"])
    our_rate = result["our_pages"] / ours
    their_rate = result["their_pages"] / theirs
    ratio = our_rate / their_rate
    draft_median, approved_median = statistics.median(draft_ms), statistics.median(approved_ms)
    out("")
    out(
        f"Document: the full report of the reference review, {result['html_chars']:,} chars "
        "of HTML; the same document and print stylesheet for both engines."
    )
    out(
        f"WeasyPrint (in process, warm; HTML -> tagged PDF/UA-1): "
        f"{result['our_pages']} pages, runs {_list(result['ours'])} s, median {ours:.2f} s "
        f"= {our_rate:.1f} pages/s (the process's first render: {result['first_render']:.2f} s; "
        f"from the database, building the HTML too: median "
        f"{statistics.median(result['from_db']):.2f} s)"
    )
    out(
        f"Chromium  (cold start, --headless --print-to-pdf, same HTML): "
        f"{result['their_pages']} pages, runs {_list(result['theirs'])} s, median {theirs:.2f} s "
        f"= {their_rate:.1f} pages/s"
    )
    out(
        f"Ratio (WeasyPrint pages/s ÷ Chromium pages/s): {ratio:.2f}   "
        f"target ≥ {TARGET_RATIO:.1f}  {_verdict(ratio >= TARGET_RATIO)}"
    )
    out(
        f"Repeat export, unchanged draft (API, cached): median {draft_median:.1f} ms, "
        f"max {max(draft_ms):.1f} ms   target ≤ {TARGET_REPEAT_MS:.0f} ms  "
        f"{_verdict(draft_median <= TARGET_REPEAT_MS)}"
    )
    out(
        f"Repeat export, approved snapshot (API):     median {approved_median:.1f} ms, "
        f"max {max(approved_ms):.1f} ms   target ≤ {TARGET_REPEAT_MS:.0f} ms  "
        f"{_verdict(approved_median <= TARGET_REPEAT_MS)}"
    )
    out(
        f"Approving on the Countersign page (the request's work): {approve_ms:.0f} ms, "
        f"{queued} PDF jobs left to the worker (no layout in the request)"
    )
    out(
        f"Peak memory of a render (fresh process, {mem_pages} pages): peak RSS {maxrss:.0f} MB "
        f"(RSS before the render {before:.0f} MB; Python allocations peak {traced:.0f} MB)   "
        f"target ≤ {TARGET_PEAK_MB:.0f} MB  {_verdict(maxrss <= TARGET_PEAK_MB)}"
    )
    out(f"Finished — {load()}")
    passed = (
        ratio >= TARGET_RATIO
        and draft_median <= TARGET_REPEAT_MS
        and approved_median <= TARGET_REPEAT_MS
        and maxrss <= TARGET_PEAK_MB
    )
    return 0 if passed else 1


def _list(values: list[float]) -> str:
    return " ".join(f"{v:.2f}" for v in values)


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


if __name__ == "__main__":
    sys.exit(main())
