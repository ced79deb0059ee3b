"""Review pages."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from sfo_review.auth.session import login_required_for
from sfo_review.reviews import reviews_bp
from sfo_review.services import reviews as review_service


@reviews_bp.route("/")
@login_required_for()
def index() -> str:
    items = review_service.list_reviews(current_user._get_current_object())
    return render_template("reviews/index.html", reviews=items)
