"""Hook `compression`: pydyf compresses streams at zlib level 6, not 9.

pydyf calls `zlib.compressobj(level=9)` through its module's `zlib` name for every stream:
measured on the reference report 4.4 times slower than level 6 for streams 5% smaller. The
hook replaces `pydyf.zlib` with zlib itself, except that any level above 6 is taken as 6.
"""

from __future__ import annotations

import zlib
from typing import Any

from sfo_review.pdf.engine.hooks import Hook

NAME = "compression"
LEVEL = 6


class _Zlib:
    """zlib as pydyf sees it: any level above LEVEL is taken as LEVEL."""

    sfo_hook = NAME
    sfo_original = zlib

    def __getattr__(self, name: str) -> Any:  # zlib's own names, whatever their type
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = -1, *args: Any, **kwargs: Any) -> zlib._Compress:
        return zlib.compressobj(min(level, LEVEL), *args, **kwargs)


def install() -> None:
    """Give pydyf zlib level 6 instead of 9 (idempotent)."""
    import pydyf

    if not installed():
        pydyf.zlib = _Zlib()


def installed() -> bool:
    import pydyf

    return isinstance(pydyf.zlib, _Zlib)


HOOK = Hook(
    NAME,
    "pydyf.zlib",
    "stream compression at level 6: 4.4 times faster than 9 for 5% larger streams",
    install,
    installed,
)
