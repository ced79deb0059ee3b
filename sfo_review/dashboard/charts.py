"""Geometry for the dashboard's server-rendered SVG charts (templates/dashboard/_charts.html).

Charts never carry meaning by colour alone: every bar has its label and value written
beside it, hatching marks what is above a reference point, and each line of a line chart
has its own dash pattern and marker shape, named in a legend.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

WIDTH = 640
LABEL_WIDTH = 250
ROW = 26
# (dash pattern, marker) for up to four lines; the legend names them.
STYLES = (("", "circle"), ("8 4", "square"), ("2 4", "triangle"), ("12 4 2 4", "diamond"))


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    y: float
    width: float
    hatched: bool = False


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    bars: list[Bar]
    height: float
    label_width: float = LABEL_WIDTH
    width: float = WIDTH
    legend: str | None = None

    @property
    def room(self) -> float:
        """The width the longest bar takes (the value is written after it)."""
        return self.width - self.label_width - 90

    def share(self, bar: Bar) -> float:
        """A bar's length as a share of the longest possible, 0–100: the narrow-screen
        chart's bars (labels above them, so the words stay readable at 390 pixels)."""
        return round(100 * bar.width / self.room, 1) if self.room else 0.0


def _scale(values: list[float], room: float) -> float:
    top = max(values, default=0)
    return room / top if top else 0.0


def bar_chart(
    id: str,
    title: str,
    description: str,
    items: list[tuple[str, float, str]],
    hatched: list[bool] | None = None,
    legend: str | None = None,
) -> BarChart:
    """Horizontal bars: (label, value, value as text) each, in the order given."""
    room = WIDTH - LABEL_WIDTH - 90  # BarChart.room
    scale = _scale([v for _, v, _ in items], room)
    marks = hatched or [False] * len(items)
    bars = [
        Bar(label, text, 10 + i * ROW, max(value * scale, 1 if value else 0), marks[i])
        for i, (label, value, text) in enumerate(items)
    ]
    return BarChart(id, title, description, bars, 20 + len(items) * ROW, legend=legend)


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class Line:
    label: str
    dash: str
    marker: str
    points: list[Point]
    last_text: str

    @property
    def path(self) -> str:
        return " ".join(
            f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(self.points)
        )

    @property
    def markers(self) -> str:
        """One marker of this line's shape on every point, as a single path."""
        return " ".join(self.marker_at(p.x, p.y) for p in self.points)

    def marker_at(self, x: float, y: float) -> str:
        if self.marker == "circle":  # two arcs make a circle of radius 4
            return f"M{x - 4:.1f},{y:.1f} a4,4 0 1,0 8,0 a4,4 0 1,0 -8,0 Z"
        if self.marker == "square":
            return f"M{x - 4:.1f},{y - 4:.1f} h8 v8 h-8 Z"
        if self.marker == "triangle":
            return f"M{x:.1f},{y - 5:.1f} l5,9 h-10 Z"
        return f"M{x:.1f},{y - 5:.1f} l5,5 l-5,5 l-5,-5 Z"  # diamond


@dataclass(frozen=True)
class Tick:
    at: float
    text: str


@dataclass(frozen=True)
class LineChart:
    id: str
    title: str
    description: str
    lines: list[Line]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    left: float = 50
    top: float = 10
    plot_width: float = WIDTH - 110
    plot_height: float = 220
    width: float = WIDTH
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def height(self) -> float:
        return self.top + self.plot_height + 40

    @property
    def bottom(self) -> float:
        return self.top + self.plot_height


def _nice_top(value: float) -> int:
    """The smallest 4 × (1, 2 or 5 × 10^k) at or above `value`: four even grid steps."""
    magnitude = 1
    while True:
        for step in (1, 2, 5):
            if 4 * step * magnitude >= value:
                return 4 * step * magnitude
        magnitude *= 10


def line_chart(
    id: str,
    title: str,
    description: str,
    x_labels: list[str],
    series: list[tuple[str, list[int]]],
) -> LineChart:
    chart = LineChart(id, title, description, [], [], [])
    top = _nice_top(max((v for _, values in series for v in values), default=0))
    step = chart.plot_width / max(len(x_labels) - 1, 1)

    def point(i: int, value: float) -> Point:
        return Point(chart.left + i * step, chart.top + chart.plot_height * (1 - value / top))

    lines = [
        Line(
            label,
            STYLES[n][0],
            STYLES[n][1],
            [point(i, v) for i, v in enumerate(values)],
            str(values[-1]) if values else "",
        )
        for n, (label, values) in enumerate(series[: len(STYLES)])
    ]
    every = max(1, -(-len(x_labels) // 8))  # at most about 8 labels along the axis
    x_ticks = [
        Tick(chart.left + i * step, text) for i, text in enumerate(x_labels) if i % every == 0
    ]
    y_ticks = [
        Tick(chart.top + chart.plot_height * (1 - k / 4), f"{top * k // 4:,}") for k in range(5)
    ]
    return LineChart(id, title, description, lines, x_ticks, y_ticks)
