"""The evidence blueprint: the routes are in its other modules."""

from __future__ import annotations

from flask import Blueprint

evidence_bp = Blueprint("evidence", __name__)
