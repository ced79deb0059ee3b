"""The notifications blueprint: the routes are in its other modules."""

from __future__ import annotations

from flask import Blueprint

notifications_bp = Blueprint("notifications", __name__)
