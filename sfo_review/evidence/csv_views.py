"""The chronology as a CSV file: import (upload, preview, confirm) and export.

Between the preview and the confirmation the file is kept on the server, not in the page:
the checked bytes are written under a random id that only the (signed) session knows, and
Confirm imports exactly those bytes after checking them again. A hidden form field was the
alternative, but browsers rewrite line breaks in submitted values (a summary spanning
lines would change between preview and import) and Flask refuses form fields over 500 kB.
The files sit in CHRONOLOGY_IMPORT_FOLDER (default: the instance folder), which every
worker of a deployment must share; they are removed on import and after an hour.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from sfo_review import permissions as perm
from sfo_review.auth.session import actor, login_required_for
from sfo_review.error_pages import ERROR_TITLES
from sfo_review.evidence.blueprint import evidence_bp
from sfo_review.evidence.csv_forms import ConfirmImportForm, ImportForm
from sfo_review.forms_support import show_errors, submit_form
from sfo_review.loaders import get_review_or_404
from sfo_review.models import Review
from sfo_review.services import chronology_csv
from sfo_review.services import reviews as review_service
from sfo_review.services.errors import ServiceError

BASE = "/reviews/<int:review_id>/chronology"
PENDING = "chronology_import"  # session key: {"token": ..., "review_id": ...}
KEEP_SECONDS = 3600
TOO_LARGE = "The selected file must be smaller than 1 MB: split it into smaller files"


def _folder() -> Path:
    configured = current_app.config.get("CHRONOLOGY_IMPORT_FOLDER")
    folder = Path(configured or Path(current_app.instance_path) / "chronology-imports")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _store(review: Review, raw: bytes) -> str:
    folder = _folder()
    cutoff = time.time() - KEEP_SECONDS
    for old in folder.glob("*.csv"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    (folder / f"{token}.csv").write_bytes(raw)
    session[PENDING] = {"token": token, "review_id": review.id}
    return token


def _pending_token(review: Review) -> str | None:
    pending = session.get(PENDING) or {}
    token = str(pending.get("token", ""))
    if pending.get("review_id") != review.id or not re.fullmatch(r"[0-9a-f]{32}", token):
        return None
    return token


def _pending_file(token: str) -> Path:
    return _folder() / f"{token}.csv"


def _editable(review_id: int) -> Review:
    return get_review_or_404(review_id, actor(), perm.can_edit_review)


def _upload_page(review: Review, form: ImportForm, status: int = 200) -> tuple[str, int]:
    return render_template("evidence/chronology_import.html", review=review, form=form), status


@evidence_bp.route(f"{BASE}/import", methods=["GET", "POST"])
@login_required_for()
def import_chronology(review_id: int) -> str | tuple[str, int] | Response:
    review = _editable(review_id)
    form = ImportForm()
    if form.validate_on_submit():
        raw = form.file.data.read(chronology_csv.MAX_BYTES + 1)
        parsed = submit_form(form, lambda: chronology_csv.check_file(actor(), review, raw))
        if parsed is not None:
            token = _store(review, raw) if parsed.valid else None
            return render_template(
                "evidence/chronology_import_preview.html",
                review=review,
                parsed=parsed,
                form=ImportForm(formdata=None),
                confirm=ConfirmImportForm() if token else None,
                filename=form.file.data.filename,
            )
    elif request.method == "GET":
        review_service.record_view(actor(), review, "chronology import form")
    return _upload_page(review, form)


@evidence_bp.route(f"{BASE}/import/confirm", methods=["POST"])
@login_required_for()
def confirm_chronology_import(review_id: int) -> str | tuple[str, int] | Response:
    review = _editable(review_id)
    form = ConfirmImportForm()
    again = redirect(url_for("evidence.import_chronology", review_id=review.id))
    token = _pending_token(review)
    if not form.validate_on_submit() or token is None:
        flash("There is no checked file waiting to be imported: upload it again.", "info")
        return again
    if chronology_csv.already_imported(review, token):
        flash("This file has already been imported.", "info")
        return redirect(url_for("evidence.chronology", review_id=review.id))
    path = _pending_file(token)
    if not path.exists():
        flash("The checked file has expired: upload it again.", "info")
        return again
    upload = ImportForm(formdata=None)
    count = submit_form(
        upload, lambda: chronology_csv.import_file(actor(), review, path.read_bytes(), token)
    )
    if count is None:
        return _upload_page(review, upload, 200)
    path.unlink(missing_ok=True)
    session.pop(PENDING, None)
    flash(f"{count} chronology {'entry has' if count == 1 else 'entries have'} been imported.")
    return redirect(url_for("evidence.chronology", review_id=review.id))


@evidence_bp.route(f"{BASE}.csv")
@login_required_for()
def export_chronology(review_id: int) -> Response:
    review = get_review_or_404(review_id, actor(), perm.can_see_evidence)
    body, name = chronology_csv.export_file(actor(), review)
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@evidence_bp.errorhandler(RequestEntityTooLarge)
def _too_large(exc: RequestEntityTooLarge) -> tuple[str, int]:
    """A file over MAX_CONTENT_LENGTH: say so next to the file field, not on a bare page.

    Raised while the CSRF check reads the body, before any view runs, so the review is
    loaded (and authorised) here; the form must not read the oversized body again.
    """
    if request.endpoint == "evidence.import_chronology" and current_user.is_authenticated:
        try:
            review = _editable(int((request.view_args or {})["review_id"]))
        except (ServiceError, KeyError, ValueError):
            review = None
        if review is not None:
            form = ImportForm(formdata=None)
            show_errors(form, chronology_csv.file_error(TOO_LARGE))
            return _upload_page(review, form, 413)
    message = TOO_LARGE if request.endpoint == "evidence.import_chronology" else None
    title = ERROR_TITLES[413]
    return render_template("error.html", status=413, title=title, message=message), 413
