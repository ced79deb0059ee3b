"""Configuration classes. Secrets come only from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

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


def trusted_hosts() -> list[str] | None:
    """TRUSTED_HOSTS, comma-separated ('.example.gov.uk' also allows its subdomains): a
    request for any other Host answers 400. Unset: any Host is served."""
    names = [name.strip() for name in os.environ.get("TRUSTED_HOSTS", "").split(",")]
    return [name for name in names if name] or None


def engine_options(uri: str, settings: Mapping[str, Any]) -> dict[str, Any]:
    """SQLAlchemy's engine options for `uri`, with the database timeouts from `settings`.

    PostgreSQL: libpq's connect_timeout, the server's statement_timeout, and a deadline on
    every wait for the server (sfo_review/db_deadlines.py), since a frozen server enforces
    no statement_timeout; SQLite keeps its busy_timeout (database.py). Both: how long a
    request waits for a pooled connection. Each ends in a clean 503 (sfo_review/outages.py).
    """
    options: dict[str, Any] = {
        "pool_pre_ping": True,
        "pool_timeout": settings["DATABASE_POOL_TIMEOUT_SECONDS"],
    }
    if uri.startswith("postgresql"):
        connect = settings["DATABASE_CONNECT_TIMEOUT_SECONDS"]
        statement = settings["DATABASE_STATEMENT_TIMEOUT_SECONDS"]
        options["connect_args"] = {
            "connect_timeout": connect,
            "options": f"-c statement_timeout={statement * 1000}",
            # read (and removed) by db_deadlines.py: the server's own limit comes first
            "sfo_deadline_seconds": statement + DEADLINE_MARGIN_SECONDS,
            "sfo_ping_deadline_seconds": connect,
        }
    return options


# Past the server's statement_timeout before the client gives up on a server that is frozen.
DEADLINE_MARGIN_SECONDS = 5


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = database_url(f"sqlite:///{BASE_DIR / 'instance' / 'sfo_review.db'}")
    # Set from the URI and the timeouts below when the app is made (engine_options).
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {"pool_pre_ping": True}
    # Seconds before the database is given up on, so a request fails cleanly (503) instead of
    # hanging while the database is down or frozen: connecting (PostgreSQL), one statement
    # (PostgreSQL's statement_timeout: longer than any legitimate query — a PDF render is not
    # a statement), and waiting for a free pooled connection.
    DATABASE_CONNECT_TIMEOUT_SECONDS = _int_env("DATABASE_CONNECT_TIMEOUT_SECONDS", 5)
    DATABASE_STATEMENT_TIMEOUT_SECONDS = _int_env("DATABASE_STATEMENT_TIMEOUT_SECONDS", 30)
    DATABASE_POOL_TIMEOUT_SECONDS = _int_env("DATABASE_POOL_TIMEOUT_SECONDS", 10)
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
    SESSION_COOKIE_NAME = "session"
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
    # The cookie is sent again only when the session changed (every request that counts as
    # activity changes it). Otherwise the timeout warning's status poll, answered after
    # another tab's request, would put back the older cookie and lose that tab's activity
    # and its form's CSRF token.
    SESSION_REFRESH_EACH_REQUEST = False

    # Shared storage: login rate limits and the dashboard's figures cache (in-process without).
    REDIS_URL = os.environ.get("REDIS_URL")
    # How long computed dashboard figures may be reused; they are recomputed as soon as the
    # data behind them changes (services/figures/cache.py). 0 turns the cache off.
    FIGURES_CACHE_SECONDS = _int_env("FIGURES_CACHE_SECONDS", 300)

    # Wrong passwords are counted per account (sfo_review/auth/throttle.py), in Flask-Limiter's
    # storage: shared through Redis when REDIS_URL is set.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = shared_storage()
    RATELIMIT_HEADERS_ENABLED = False
    # From every address together: the main defence against guessing one account's password.
    LOGIN_ACCOUNT_LIMIT = os.environ.get("LOGIN_ACCOUNT_LIMIT", "50 per hour")
    # From one address, for one account: lower, so one address cannot lock the owner out.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per 15 minutes")
    # How many reverse proxies in front of the app append to X-Forwarded-For: the client's
    # address is read from that header only then (Werkzeug's ProxyFix). 0 trusts no header.
    PROXY_FIX_X_FOR = _int_env("PROXY_FIX_X_FOR", 0)

    # Argon2 parameters (argon2-cffi defaults: RFC 9106 low-memory profile).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4

    # A link to set one's password (a new account's, or a new link an admin sends) works
    # once, for this many hours.
    PASSWORD_LINK_HOURS = _int_env("PASSWORD_LINK_HOURS", 72)
    # API tokens stop working this many days after `flask users token` makes them.
    API_TOKEN_DAYS = _int_env("API_TOKEN_DAYS", 90)

    # Single sign-on (OpenID Connect, sfo_review/auth/sso.py): on when OIDC_ISSUER is set (its
    # discovery document, <issuer>/.well-known/openid-configuration, says the rest). The
    # provider's redirect URI for this app is SERVICE_URL + /sign-in/sso/callback.
    OIDC_ISSUER = os.environ.get("OIDC_ISSUER") or None
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID") or None
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET") or None
    # Seconds of clock difference with the provider allowed when checking an ID token's times.
    OIDC_LEEWAY_SECONDS = _int_env("OIDC_LEEWAY_SECONDS", 60)
    # false: no sign-in with a password (the form and its POST refuse; `flask users` works).
    LOCAL_SIGN_IN = os.environ.get("LOCAL_SIGN_IN", "true").lower() not in ("0", "false", "no")

    WTF_CSRF_TIME_LIMIT = None  # the session lifetime bounds the token already
    PDF_RENDER_TIMEOUT_SECONDS = _int_env("PDF_RENDER_TIMEOUT_SECONDS", 120)
    # Web processes lay out no PDF: the job worker (niced) renders every one, so PDFs never
    # take the CPU ordinary pages need. A download of a short one waits up to this many
    # seconds for the worker before the browser shows "Preparing your PDF" and the API
    # answers 503 with Retry-After; one whose HTML is longer than PDF_BACKGROUND_MIN_CHARS
    # (about 15 pages) does not wait.
    PDF_WAIT_SECONDS = _int_env("PDF_WAIT_SECONDS", 10)
    PDF_BACKGROUND_MIN_CHARS = _int_env("PDF_BACKGROUND_MIN_CHARS", 50_000)
    # Draft PDFs laid out ahead (services/reports/prerender.py): after a change to a review,
    # the worker renders its draft full report and family summary again once the review has
    # had no change for PDF_PRERENDER_QUIET_SECONDS (one render per quiet period), so the
    # next download finds them ready. false: rendered only when downloaded.
    PDF_PRERENDER = os.environ.get("PDF_PRERENDER", "true").lower() not in ("0", "false", "no")
    PDF_PRERENDER_QUIET_SECONDS = _int_env("PDF_PRERENDER_QUIET_SECONDS", 3)
    # The job queue (sfo_review/jobs.py): Redis when REDIS_URL is set, else this SQLite file.
    # Tests run its tasks at once, in memory.
    HUEY_SQLITE_PATH = os.environ.get("HUEY_SQLITE_PATH", str(BASE_DIR / "instance" / "huey.db"))
    HUEY_IMMEDIATE = False
    # Working days participants have to reply during the factual accuracy check.
    FACTUAL_ACCURACY_WORKING_DAYS = _int_env("FACTUAL_ACCURACY_WORKING_DAYS", 10)

    # The service's own address. Every absolute URL is made from it (the links in emails, the
    # API's `next`), never from a request's Host header, which a client can set to anything.
    # Emails are sent by `flask send-outbox` over SMTP when SMTP_HOST is set, only logged
    # when it is not; they carry a link to SERVICE_URL, never review content.
    SERVICE_URL = os.environ.get("SERVICE_URL", "http://localhost:5000")
    # Flask answers 400 to a request whose Host is not one of these (None: any Host).
    TRUSTED_HOSTS = trusted_hosts()
    SMTP_HOST = os.environ.get("SMTP_HOST")
    SMTP_PORT = _int_env("SMTP_PORT", 587)
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD")
    SMTP_FROM = os.environ.get("SMTP_FROM", "sfo-review@localhost")
    SMTP_STARTTLS = os.environ.get("SMTP_STARTTLS", "true").lower() not in ("0", "false", "no")
    # Who a bereaved family contacts about the summary written for them (its draft and PDF).
    FAMILY_CONTACT = os.environ.get(
        "FAMILY_CONTACT", "the victim liaison officer at your local Probation Service office"
    )


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
    # Limits stay on (so they are tested) but high; a test lowers them to see a 429.
    LOGIN_RATE_LIMIT = "1000 per minute"
    LOGIN_ACCOUNT_LIMIT = "1000 per minute"
    # Cheap hashes keep the suite fast; production uses the defaults above.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8
    ARGON2_PARALLELISM = 1
    SMTP_HOST = None  # tests never reach a real mail server
    OIDC_ISSUER = None  # tests/sso turn single sign-on on against their own provider
    LOCAL_SIGN_IN = True
    HUEY_IMMEDIATE = True
    # The job has run by the time a download looks (immediate mode): no test waits for one.
    PDF_WAIT_SECONDS = 0
    # Immediate mode would lay out every edited review's PDFs in the request: only the tests
    # about pre-rendering (tests/reports/test_prerender.py) turn it on.
    PDF_PRERENDER = False
    # Tests post forms without fetching each page for its token first; the tests about CSRF
    # (marked `csrf`) and the browser tests' live servers turn it back on.
    WTF_CSRF_ENABLED = False


class ProductionConfig(Config):
    # A __Host- cookie is only accepted by browsers when Secure, for Path=/ and without a
    # Domain: nothing on a sibling or parent domain can set or overwrite the session.
    SESSION_COOKIE_NAME = "__Host-session"

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
