"""The family blueprint: the criminal case and contact with the victim's family."""

from __future__ import annotations

from flask import Blueprint

family_bp = Blueprint("family", __name__)
