"""The dashboard blueprint: the routes are in its other modules."""

from __future__ import annotations

from flask import Blueprint

dashboard_bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
