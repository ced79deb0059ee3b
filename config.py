"""Configuration classes. Secrets come only from the environment."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def database_url(default: str | None) -> str | None:
    """Return DATABASE_URL normalised for SQLAlchemy (psycopg 3 for PostgreSQL)."""
    url = os.environ.get("DATABASE_URL", default)
    if url is None:
        return None
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def shared_storage() -> str:
    """Where several workers keep what they share: Redis when REDIS_URL is set."""
    return os.environ.get("REDIS_URL") or "memory://"


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = database_url(f"sqlite:///{BASE_DIR / 'instance' / 'sfo_review.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {"pool_pre_ping": True}
    # Request bodies over 1 MiB answer 413 (API contract).
    MAX_CONTENT_LENGTH = 1024 * 1024
    # Working days from notification to the review deadline (domain.md).
    REVIEW_DEADLINE_WORKING_DAYS = _int_env("REVIEW_DEADLINE_WORKING_DAYS", 60)
    # A review is flagged "Due soon" when its deadline in force is this close (working days).
    DUE_SOON_WORKING_DAYS = _int_env("DUE_SOON_WORKING_DAYS", 10)
    # Rows on each page of the review list (the API's per_page defaults to it as well).
    REVIEW_LIST_PAGE_SIZE = _int_env("REVIEW_LIST_PAGE_SIZE", 25)
    # Published reference points flagged next to caseload figures (domain.md).
    CASELOAD_REFERENCE_MAX = _int_env("CASELOAD_REFERENCE_MAX", 60)
    WORKLOAD_REFERENCE_PERCENT = _int_env("WORKLOAD_REFERENCE_PERCENT", 110)

    # Sessions: HTTP-only, SameSite, secure outside development; timeouts checked server-side.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = True
    SESSION_INACTIVITY_TIMEOUT = timedelta(minutes=_int_env("SESSION_INACTIVITY_MINUTES", 30))
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=_int_env("SESSION_ABSOLUTE_HOURS", 10))
    # Signed-in pages warn this long before the inactivity sign-out and offer more time.
    SESSION_WARNING_SECONDS = _int_env("SESSION_WARNING_SECONDS", 120)
    PERMANENT_SESSION_LIFETIME = SESSION_INACTIVITY_TIMEOUT

    # Shared storage: login rate limits and the dashboard's figures cache (in-process without).
    REDIS_URL = os.environ.get("REDIS_URL")
    # How long computed dashboard figures may be reused; they are recomputed as soon as the
    # data behind them changes (services/figures/cache.py). 0 turns the cache off.
    FIGURES_CACHE_SECONDS = _int_env("FIGURES_CACHE_SECONDS", 300)

    # Login rate limiting (Flask-Limiter); shared storage through Redis when REDIS_URL is set.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = shared_storage()
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")

    # Argon2 parameters (argon2-cffi defaults: RFC 9106 low-memory profile).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4

    WTF_CSRF_TIME_LIMIT = None  # the session lifetime bounds the token already
    PDF_RENDER_TIMEOUT_SECONDS = _int_env("PDF_RENDER_TIMEOUT_SECONDS", 120)
    # In the browser, a PDF whose HTML is longer than this renders in the background job
    # (about 15 pages); shorter ones, and every API request, render at once.
    PDF_BACKGROUND_MIN_CHARS = _int_env("PDF_BACKGROUND_MIN_CHARS", 50_000)
    # Tests run Huey's tasks at once, in memory (sfo_review/jobs.py).
    HUEY_IMMEDIATE = False
    # Working days participants have to reply during the factual accuracy check.
    FACTUAL_ACCURACY_WORKING_DAYS = _int_env("FACTUAL_ACCURACY_WORKING_DAYS", 10)

    # Email notifications: sent by `flask send-outbox` over SMTP when SMTP_HOST is set,
    # only logged when it is not. Emails carry a link to SERVICE_URL, never review content.
    SERVICE_URL = os.environ.get("SERVICE_URL", "http://localhost:5000")
    SMTP_HOST = os.environ.get("SMTP_HOST")
    SMTP_PORT = _int_env("SMTP_PORT", 587)
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD")
    SMTP_FROM = os.environ.get("SMTP_FROM", "sfo-review@localhost")
    SMTP_STARTTLS = os.environ.get("SMTP_STARTTLS", "true").lower() not in ("0", "false", "no")


class DevelopmentConfig(Config):
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")  # noqa: S105 - development only
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"  # noqa: S105 - tests only
    SQLALCHEMY_DATABASE_URI = database_url(None) if os.environ.get("DATABASE_URL") else None
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    RATELIMIT_STORAGE_URI = "memory://"
    # Limits stay on (so they are tested) but high; a test lowers this to see a 429.
    LOGIN_RATE_LIMIT = "1000 per minute"
    # Cheap hashes keep the suite fast; production uses the defaults above.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8
    ARGON2_PARALLELISM = 1
    SMTP_HOST = None  # tests never reach a real mail server
    HUEY_IMMEDIATE = True
    # Tests post forms without fetching each page for its token first; the tests about CSRF
    # (marked `csrf`) and the browser tests' live servers turn it back on.
    WTF_CSRF_ENABLED = False


class ProductionConfig(Config):
    @classmethod
    def check(cls) -> None:
        """Refuse to start without the secrets production needs."""
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(
                "Production configuration needs these environment variables: " + ", ".join(missing)
            )


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}
