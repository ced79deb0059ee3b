"""Wrong passwords, counted per account: the defence against guessing (issue 12, item 3).

Two counts of *failed* password checks (sign-in and the change-password page's current
password alike; a right password never counts):

- per account (`LOGIN_ACCOUNT_LIMIT`), from every address together: the main defence, which
  bounds how many guesses any one account can take however many addresses guess;
- per address *and* account (`LOGIN_RATE_LIMIT`), lower than the account's: one address
  guessing one account is stopped before it can lock that account for its owner, and no
  count ever spans two accounts, so nobody sharing an address with an attacker (everyone,
  behind a proxy that is not configured) is locked out of their own account.

An email with no account is counted exactly like one with an account, so being locked
tells nothing about which emails exist. The counts live in Flask-Limiter's storage (Redis
when REDIS_URL is set, shared by every worker). Two attempts in flight at once may both
pass the check before either failure is counted: the limit can be exceeded by at most the
number of requests served at the same time.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from flask import current_app, request
from limits import RateLimitItem, parse

from sfo_review.extensions import limiter


@dataclass(frozen=True)
class Locked:
    """Attempts are refused for `seconds` more."""

    seconds: float

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil(self.seconds / 60))
        wait = "1 minute" if minutes == 1 else f"{minutes} minutes"
        return (
            "You have entered a wrong password for this email address too many times. "
            f"Wait {wait}, then try again."
        )


def _account(email: str) -> str:
    return email.strip().lower()[:254]


def _counts(email: str) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
    cfg = current_app.config
    prefix = str(cfg.get("RATELIMIT_KEY_PREFIX") or "")
    account = _account(email)
    address = request.remote_addr or "unknown"
    return [
        (parse(cfg["LOGIN_ACCOUNT_LIMIT"]), (prefix, "password-failures", account)),
        (parse(cfg["LOGIN_RATE_LIMIT"]), (prefix, "password-failures", address, account)),
    ]


def locked(email: str) -> Locked | None:
    """Whether password checks for `email` from this address are refused now, and how long."""
    if not limiter.enabled:
        return None
    waits = [
        limiter.limiter.get_window_stats(item, *key).reset_time - time.time()
        for item, key in _counts(email)
        if not limiter.limiter.test(item, *key)
    ]
    return Locked(max(waits)) if waits else None


def failed(email: str) -> None:
    """Count one wrong password for `email` from this address."""
    if limiter.enabled:
        for item, key in _counts(email):
            limiter.limiter.hit(item, *key)
