"""Fixtures for the review page tests (shared helpers: tests/helpers_forms.py)."""

from tests.helpers_forms import pending_pages  # noqa: F401 - autouse stand-ins for pending pages
