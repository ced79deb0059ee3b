"""The actions blueprint: the routes are in its other modules."""

from __future__ import annotations

from flask import Blueprint

actions_bp = Blueprint("actions", __name__)
