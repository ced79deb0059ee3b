"""SFO Review: serious further offence reviews that record the wider picture."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

import config as config_module
from sfo_review import database, db_deadlines
from sfo_review.extensions import csrf, db, limiter, login_manager, migrate
from sfo_review.services.figures import cache, contributions

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: type[config_module.Config] | dict[str, Any] | None = None) -> Flask:
    """Build the app: bind extensions, blueprints and error handlers (nothing else)."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    _configure(app, config)
    if app.config.get("PROXY_FIX_X_FOR"):
        # Only behind the configured proxies: anyone can send X-Forwarded-For to the app itself.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"])  # type: ignore[method-assign]
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    database.init_app()  # SQLite's pragmas and BEGIN IMMEDIATE for writers
    db_deadlines.init_app()  # PostgreSQL's client-side deadline
    contributions.init_app()  # each review's findings counted, rewritten at each commit
    cache.init_app()  # the data version the dashboard's figures are keyed by
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)

    from sfo_review import jobs, web
    from sfo_review.api import api_bp
    from sfo_review.auth import auth_bp, sso, sso_views
    from sfo_review.cli import register_cli
    from sfo_review.routing import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is added
    app.register_blueprint(auth_bp)
    sso.init_app(app)
    app.register_blueprint(api_bp)
    web.register(app)
    app.before_request(sso_views.keep_waiting)
    jobs.init_app(app)
    from sfo_review.services.reports import prerender, versions

    versions.init_app()  # each review's content version, moved with every change its PDFs show
    prerender.init_app()  # draft PDFs rendered again after each change, debounced
    register_cli(app)
    return app


def _configure(app: Flask, config: type[config_module.Config] | dict[str, Any] | None) -> None:
    if config is None:
        name = os.environ.get("SFO_ENV", "development")
        config = config_module.CONFIGS[name]
    if isinstance(config, dict):
        app.config.from_object(config_module.TestConfig)
        app.config.update(config)
    else:
        if config is config_module.ProductionConfig:
            config_module.ProductionConfig.check()
        app.config.from_object(config)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set")
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        raise RuntimeError("DATABASE_URL must be set")
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = config_module.engine_options(uri, app.config)
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
