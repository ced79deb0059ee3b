"""Every use case that changes a review locks it first (services._common.review_edit).

A use case is found by its marker; one that takes the review and is not in READS below
must be a review_edit, so a new use case cannot forget the lock (issue 13: an edit and a
transition of one review must happen one after the other).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import sfo_review.services as services_package

# Use cases that take a review but change nothing of it: audit events of reads and exports,
# and the PDF cache's bookkeeping.
READS = {
    "sfo_review.services.reviews.record_view",
    "sfo_review.services.chronology_csv.export_file",
    "sfo_review.services.reports.exports._exported",
    "sfo_review.services.reports.snapshots._keep_snapshots",
    "sfo_review.services.reports.cache.restamp",
    "sfo_review.services.reports.cache.ask_job",
    "sfo_review.services.reports.cache.keep_render",
    "sfo_review.services.reports.work.claim",
    "sfo_review.services.reports.work._render_failed",
    "sfo_review.services.reports.snapshots._snapshot_failed",
}


def _use_cases_on_a_review() -> dict[str, object]:
    found = {}
    # every module, also those of a package (services/reports/, services/figures/)
    for info in pkgutil.walk_packages(services_package.__path__, "sfo_review.services."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if not inspect.isfunction(value) or not getattr(value, "is_use_case", False):
                continue
            if value.__module__ != module.__name__:
                continue
            if "review" in inspect.signature(value).parameters:
                found[f"{module.__name__}.{name}"] = value
    return found


def test_every_use_case_that_changes_a_review_locks_it() -> None:
    found = _use_cases_on_a_review()
    unlocked = sorted(
        name
        for name, f in found.items()
        if name not in READS and not getattr(f, "locks_review", False)
    )
    assert unlocked == []
    assert len(found) > 25  # the search found them (not an empty list passing by accident)
    assert READS <= set(found)
