"""Small charts drawn on the server as inline SVG (no script, so the Content-Security-Policy stays strict)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class LineChart:
    """A line chart's geometry: the points to draw and their labels, the grid lines."""

    width: int
    height: int
    left: int
    points: list[tuple[float, float, str, float]]  # x, y, label, value
    path: str
    grid: list[tuple[float, float]]  # y, value


def line_chart(values: Sequence[tuple[str, float]], top: float = 100.0, width: int = 560, height: int = 160) -> LineChart:
    """One series of (label, value) from 0 to `top`, evenly spaced left to right."""
    left, right, pad = 40, 20, 14
    step = (width - left - right) / max(1, len(values) - 1)

    def y(value: float) -> float:
        return round(pad + (height - 2 * pad) * (1 - max(0.0, min(top, value)) / top), 1)

    points = [(round(left + step * i, 1), y(v), label, v) for i, (label, v) in enumerate(values)]
    return LineChart(width, height, left, points, " ".join(f"{x},{yy}" for x, yy, _, _ in points),
                     [(y(v), v) for v in (0.0, top / 2, top)])
