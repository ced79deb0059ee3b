"""The reviews blueprint: the routes are in its other modules."""

from __future__ import annotations

from flask import Blueprint

reviews_bp = Blueprint("reviews", __name__)
