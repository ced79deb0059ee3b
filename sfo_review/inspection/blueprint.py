"""The inspection sample's blueprint: the routes are in views.py."""

from __future__ import annotations

from flask import Blueprint

inspection_bp = Blueprint("inspection", __name__)
