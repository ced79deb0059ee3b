"""The statements blueprint: the routes are in its other modules."""

from __future__ import annotations

from flask import Blueprint

statements_bp = Blueprint("statements", __name__)
