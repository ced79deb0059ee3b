"""Hostile-text benchmark: a review whose free text is 20,000-character words (and one whose
text is narrow letters) against the same review with ordinary words (target: within 2x).

    .venv/bin/python bench/pdf_hostile_bench.py [--runs 3]      (make bench-pdf-hostile)

Builds the reviews through the real services in a temporary SQLite database made by the
migrations. All have the same records (a participant, a chronology entry, a caseload
context, a systemic factor, a finding with an officer's reply, an action, a deadline
extension) and the same amount of text in the same 10 free-text fields — the overall
judgement, the chronology summary, the caseload notes, the factor's description and
evidence, the finding's narrative and context note, the officer's reply, the action and the
extension's reason: 20,000 characters each, the most a field takes. In one review each field
is ordinary words; in the other each is ONE word of 20,000 characters (a pasted blob: letters,
digits, + and /, like base64, with no space). Before the fix in
sfo_review/pdf/breaks.py one such word took 10-30 s to lay out and ten of them went past
the render time limit. A third review has "i i i …" in each field: ordinary words so narrow
that WeasyPrint fell back to laying out the whole rest of the text for each line
(sfo_review/pdf/engine/linebreak.py), the same target.

Then it renders the full report of each (tagged PDF/UA-1, as the app does, the time limit
raised so that a slow render is measured rather than stopped), interleaved run by run, and
prints the medians of wall-clock and CPU time and each ratio to the ordinary review. The
target is judged on CPU time (a render is one busy thread; on the shared machine the wall
clock also counts other processes' turns): exit status 1 when a ratio is above 2. The load
average is printed before and after.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pdf_bench import load, make_app  # noqa: E402 - after the path is set

TARGET_RATIO = 2.0
FIELD_CHARS = 20_000  # validation.LONG_MAX: the most a long text field takes
FIELDS = 10
BLOB_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
WORDS = (
    "the officer recorded that the person on probation missed an appointment and a warning "
    "letter was sent after the home visit found the address unoccupied while the police "
    "domestic abuse unit had not replied to the request for call-out information"
).split()
LABELS = {
    "ordinary": "ordinary words",
    "hostile": "one word per field",
    "narrow": "narrow letters",
}
PASSWORD = "hostile-bench-password-2026"  # noqa: S105 - synthetic accounts for the benchmark


def ordinary_text(rng: random.Random) -> str:
    """Ordinary words, exactly FIELD_CHARS characters."""
    out: list[str] = []
    length = 0
    while length < FIELD_CHARS:
        word = rng.choice(WORDS)
        out.append(word)
        length += len(word) + 1
    return " ".join(out)[: FIELD_CHARS - 1].rstrip() + "."


def hostile_text(rng: random.Random) -> str:
    """One word of FIELD_CHARS characters."""
    return "".join(rng.choice(BLOB_ALPHABET) for _ in range(FIELD_CHARS))


def narrow_text() -> str:
    """FIELD_CHARS characters of "i i i …": words, but so narrow that WeasyPrint's window
    for a line fits on one line (pdf/lean.py, 5)."""
    return ("i " * FIELD_CHARS)[: FIELD_CHARS - 1] + "."


def build(prefix: str, text: Callable[[], str]) -> Any:
    """A review with the same records as its twin and `text()` in each of the 10 fields."""
    from bench.reference_review import DETAILS, extension
    from sfo_review.services import actions, evidence, findings, reviews, transitions, users

    def person(role: str, name: str) -> Any:
        email = f"{prefix}-{role}@example.gov.uk"
        return users.create_user(
            None, {"email": email, "name": name, "role": role, "password": PASSWORD}
        )

    reviewer = person("reviewer", "Ottoline Brackenbury")
    qa = person("quality_assurer", "Cassius Wetherell")
    officer = person("officer", "Zebedee Quillfeather")
    leader = person("leadership", "Imogen Ravenscroft")
    review = reviews.create_review(reviewer, DETAILS)
    participant = reviews.add_participant(
        reviewer, review, {"email": officer.email, "role_in_case": "responsible_officer"}
    )
    entry = evidence.add_chronology_entry(
        reviewer,
        review,
        {"occurred_on": "2023-05-20", "source": "nDelius", "summary": text(), "significant": True},
    )
    context = evidence.add_caseload_context(
        reviewer,
        review,
        {
            "participant_id": participant.id,
            "period_start": "2023-01-01",
            "period_end": "2023-06-26",
            "caseload_count": 68,
            "high_risk_count": 14,
            "workload_percent": 143,
            "grade": "probation_officer",
            "months_in_role": 9,
            "team_vacancy_percent": 30,
            "officer_changes_on_case": 2,
            "management_oversight_sessions": 1,
            "notes": text(),
        },
    )
    factor = evidence.add_systemic_factor(
        reviewer,
        review,
        {
            "category": "workload_and_capacity",
            "level": "team",
            "description": text(),
            "evidence": text(),
        },
    )
    finding = findings.add_finding(
        reviewer,
        review,
        {
            "title": "Risk of serious harm was not reassessed after the new information",
            "practice_area": "assessment",
            "judgement": "insufficient",
            "narrative": text(),
            "attribution": ["individual", "team"],
            "systemic_factor_ids": [factor.id],
            "caseload_context_ids": [context.id],
            "chronology_ids": [entry.id],
            "subject_participant_ids": [context.participant_id],
            "context_note": text(),
        },
    )
    actions.add_action(
        reviewer,
        review,
        {
            "description": text(),
            "owner": "Head of PDU",
            "level": "pdu",
            "due_date": "2030-01-31",
            "finding_ids": [finding.id],
            "systemic_factor_ids": [factor.id],
            "owner_email": leader.email,
            "success_measure": "An audit of the next 20 cases finds it done in every one.",
            "review_date": "2030-04-30",
        },
    )
    asked = (review.due_date, review.due_date + timedelta(28), datetime(2023, 9, 1, tzinfo=UTC))
    extension(review, reviewer, text(), asked)
    reviews.update_review(
        reviewer,
        review,
        {"version": review.version, "overall_judgement": text(), "countersigner_email": qa.email},
    )
    transitions.transition(reviewer, review, {"to": "factual_accuracy"})
    findings.add_response(officer, review, finding, {"body": text()})
    return review


def render_once(review: Any) -> tuple[float, float, int]:
    """One render of the full report: seconds of wall-clock time, of this process's CPU
    time, and the pages."""
    from sfo_review.extensions import db
    from sfo_review.pdf.render import render_formats

    db.session.expire_all()
    started, cpu = time.perf_counter(), time.process_time()
    rendered = render_formats(review, "full")["standard"]
    return time.perf_counter() - started, time.process_time() - cpu, rendered.pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="renders of each review (default 3)")
    args = parser.parse_args()

    out = print  # noqa: T202 - a benchmark prints its figures
    folder = Path(tempfile.mkdtemp(prefix="sfo-pdf-hostile-"))
    try:
        out(f"PDF hostile-text benchmark — {load()}")
        app = make_app(folder)
        app.config["PDF_RENDER_TIMEOUT_SECONDS"] = 3600  # measure a slow render, never stop it
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            rng = random.Random(12)  # noqa: S311 - deterministic text, not security
            built = {
                "ordinary": build("ordinary", lambda: ordinary_text(rng)),
                "hostile": build("hostile", lambda: hostile_text(rng)),
                "narrow": build("narrow", narrow_text),
            }
            render_once(built["ordinary"])  # the process's first render (stylesheet, fonts)
            times: dict[str, list[float]] = {name: [] for name in built}
            cpu: dict[str, list[float]] = {name: [] for name in built}
            pages: dict[str, int] = {}
            for _ in range(args.runs):
                for name, review in built.items():
                    seconds, cpu_seconds, pages[name] = render_once(review)
                    times[name].append(seconds)
                    cpu[name].append(cpu_seconds)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    medians = {name: statistics.median(values) for name, values in times.items()}
    cpu_medians = {name: statistics.median(values) for name, values in cpu.items()}
    out(
        f"Each review: {FIELDS} free-text fields of {FIELD_CHARS:,} characters; "
        "the full report, tagged PDF/UA-1, in process, warm."
    )
    for name, label in LABELS.items():
        runs = " ".join(f"{s:.2f}" for s in times[name])
        out(
            f"{label:<21} {pages[name]:>3} pages, runs {runs} s, median {medians[name]:.2f} s "
            f"(CPU median {cpu_medians[name]:.2f} s)"
        )
    passed = True
    for name in ("hostile", "narrow"):
        # Judged on CPU time: a render is one busy thread, and on a shared machine the wall
        # clock also counts the other processes' turns.
        ratio = cpu_medians[name] / cpu_medians["ordinary"]
        wall_ratio = medians[name] / medians["ordinary"]
        passed = passed and ratio <= TARGET_RATIO
        out(
            f"Ratio ({LABELS[name]} ÷ ordinary words, CPU time): {ratio:.2f}   "
            f"target ≤ {TARGET_RATIO:.1f}  {'PASS' if ratio <= TARGET_RATIO else 'FAIL'}   "
            f"(wall clock: {wall_ratio:.2f})"
        )
    out(f"Finished — {load()}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
