"""The reports blueprint: the routes are in its other modules."""

from __future__ import annotations

from flask import Blueprint

reports_bp = Blueprint("reports", __name__)
