"""Charts as data: the page draws them with Chart.js, vendored under static/vendor/ (scripts/vendor.sh), through
static/charts.js; each chart carries its own text alternative, a sentence naming every value and a table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypedDict

ChartKind = Literal["line", "bar"]

#: how wide a chart is drawn, in CSS pixels, against the height of one bar (the canvas keeps this aspect).
CHART_WIDTH = 560
BAR_HEIGHT = 28
LINE_ASPECT = 3.5


class ChartSpec(TypedDict):
    """What static/charts.js reads from a canvas's data-chart attribute."""

    kind: ChartKind
    title: str
    labels: list[str]
    values: list[float]
    maxima: list[float]
    top: float
    aspect: float


@dataclass(frozen=True)
class ChartPoint:
    """One value of a chart: a week's score, a turn's frustration, a skill's points out of its maximum."""

    label: str
    value: float
    maximum: float


@dataclass(frozen=True)
class Chart:
    """A line (one value per point, 0 to `top`) or a bar chart (each bar a share of its own maximum)."""

    id: str
    kind: ChartKind
    title: str
    points: tuple[ChartPoint, ...]
    top: float
    label_heading: str = "Point"
    value_heading: str = "Value"

    @property
    def summary(self) -> str:
        """The chart in words, for screen readers and as the canvas's fallback content."""
        if self.kind == "bar":
            told = [f"{p.label} {_number(p.value)} of {_number(p.maximum)}" for p in self.points]
        else:
            told = [f"{p.label} {_number(p.value)}" for p in self.points]
        return f"{self.title}: {', '.join(told)}" if told else f"{self.title}: nothing yet"

    def spec(self) -> ChartSpec:
        """The chart as the browser script draws it."""
        aspect = LINE_ASPECT if self.kind == "line" else round(CHART_WIDTH / (BAR_HEIGHT * max(1, len(self.points)) + 30), 2)
        return ChartSpec(kind=self.kind, title=self.title, labels=[p.label for p in self.points],
                         values=[round(p.value, 1) for p in self.points], maxima=[p.maximum for p in self.points],
                         top=self.top, aspect=aspect)


def line_chart(chart_id: str, title: str, values: Sequence[tuple[str, float]], top: float = 100.0,
               headings: tuple[str, str] = ("Point", "Value")) -> Chart:
    """One series of (label, value) from 0 to `top`, left to right; `headings` name the table's two columns."""
    return Chart(chart_id, "line", title, tuple(ChartPoint(label, v, top) for label, v in values), top, *headings)


def bar_chart(chart_id: str, title: str, rows: Sequence[tuple[str, float, float]],
              headings: tuple[str, str] = ("Skill", "Points")) -> Chart:
    """Bars of (label, value, maximum): each drawn as the share of its own maximum that was earned."""
    return Chart(chart_id, "bar", title, tuple(ChartPoint(label, v, m) for label, v, m in rows), 100.0, *headings)


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
