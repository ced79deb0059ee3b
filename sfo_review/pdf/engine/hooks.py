"""What every hook of the adapter is, and how a replaced library function is marked.

A hook replaces or overrides one name of WeasyPrint or pydyf that is not their public API.
Each replacement carries the hook's name (`sfo_hook`) and what it replaced
(`sfo_original`): installing twice finds the mark and does nothing, and the contract tests
(tests/pdf/test_engine_contract.py) read the library's own function behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

F = TypeVar("F", bound=Callable[..., object])


@dataclass(frozen=True)
class Hook:
    """One named touch of a library's internals."""

    name: str
    replaces: str  # the dotted library name it replaces or overrides
    why: str
    install: Callable[[], None]  # idempotent
    installed: Callable[[], bool]


def mark(replacement: F, hook: str, original: Callable[..., object]) -> F:
    """`replacement` marked as `hook`'s, in place of `original`."""
    replacement.sfo_hook = hook  # type: ignore[attr-defined]
    replacement.sfo_original = original  # type: ignore[attr-defined]
    return replacement


def hook_of(obj: object) -> str | None:
    """The name of the hook that put `obj` in place, or None for the library's own."""
    name = getattr(obj, "sfo_hook", None)
    return name if isinstance(name, str) else None


def original(obj: object) -> object:
    """The library's own function behind a hook's replacement (`obj` when there is none)."""
    return getattr(obj, "sfo_original", obj) if hook_of(obj) else obj
