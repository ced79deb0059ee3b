"""The support blueprint: the support page and its text."""

from __future__ import annotations

from flask import Blueprint

support_bp = Blueprint("support", __name__)
