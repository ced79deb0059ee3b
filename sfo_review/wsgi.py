"""The WSGI entry point for gunicorn (`make serve`): `gunicorn sfo_review.wsgi:app`."""

from __future__ import annotations

from sfo_review import create_app

app = create_app()
