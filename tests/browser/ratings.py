"""The quality assurer's ratings on the Countersign page (api-v1.1 C), as a person gives
them: a radio and a reason for each standard, from the shared EXAMPLE_RATINGS."""

from __future__ import annotations

from typing import Any

from sfo_review.cli.ratings_data import EXAMPLE_RATINGS


def rate_the_review(page: Any) -> None:
    """Choose each standard's rating and type why, before pressing Approve."""
    for standard, given in EXAMPLE_RATINGS.items():
        page.locator(f"input[name='rating_{standard}'][value='{given['rating']}']").check()
        page.locator(f"#rationale_{standard}").fill(given["rationale"])
