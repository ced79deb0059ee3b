"""The bands of who gets blamed (api-v1.1 §B): months in role, caseload, workload."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    low: int | None  # inclusive; None: no lower bound
    high: int | None  # inclusive; None: no upper bound

    def holds(self, value: int) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


# The contract's bands (api-v1.1 §B). Edges, inclusive: 12 and 24 months are 12_to_24,
# 25 is over_24; 50 cases up_to_50, 60 51_to_60; 100% up_to_100, 110% 101_to_110.
MONTHS_IN_ROLE = (
    Band("under_12", "Under 12 months", None, 11),
    Band("12_to_24", "12 to 24 months", 12, 24),
    Band("over_24", "Over 24 months", 25, None),
)
CASELOAD = (
    Band("up_to_50", "Up to 50 cases", None, 50),
    Band("51_to_60", "51 to 60 cases", 51, 60),
    Band("over_60", "Over 60 cases", 61, None),
)
WORKLOAD = (
    Band("up_to_100", "WMT up to 100%", None, 100),
    Band("101_to_110", "WMT 101% to 110%", 101, 110),
    Band("over_110", "WMT over 110%", 111, None),
)


def band_sql(column: Any, bands: tuple[Band, ...]) -> Any:
    """SQL: the key of the band `column` falls in."""
    whens: list[tuple[ColumnElement[bool], str]] = []
    for band in bands[:-1]:
        assert band.high is not None  # noqa: S101 - only the last band is open above
        whens.append((column <= band.high, band.key))
    return case(*whens, else_=bands[-1].key)
