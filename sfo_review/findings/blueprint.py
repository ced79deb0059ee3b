"""The findings blueprint: the routes are in its other modules."""

from __future__ import annotations

from flask import Blueprint

findings_bp = Blueprint("findings", __name__)
