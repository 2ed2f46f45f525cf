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
#: a line chart with several lines is taller: its legend, an entry a line, sits under it
LINES_ASPECT = 1.6


class SeriesSpec(TypedDict):
    """One line of a chart: its name and its value at each label (null: none there)."""

    label: str
    values: list[float | None]


class ChartSpec(TypedDict):
    """What static/charts.js reads from a canvas's data-chart attribute: `values` are the bars, or the line of a
    one-line chart (the first of `series`); a line chart draws every one of `series`."""

    kind: ChartKind
    title: str
    labels: list[str]
    values: list[float | None]
    maxima: list[float]
    top: float
    aspect: float
    series: list[SeriesSpec]


@dataclass(frozen=True)
class ChartPoint:
    """One value of a chart: a week's score, a turn's frustration, a skill's points out of its maximum."""

    label: str
    value: float | None
    maximum: float


@dataclass(frozen=True)
class Series:
    """One line of a line chart (or the bars of a bar chart): its name and its value at each of the chart's labels
    (None: no value there, a gap in the line)."""

    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class Chart:
    """A line chart (one line or several, each a value per label from 0 to `top`) or a bar chart (one series, each bar
    a share of its own maximum)."""

    id: str
    kind: ChartKind
    title: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    maxima: tuple[float, ...]
    top: float
    label_heading: str = "Point"
    value_heading: str = "Value"

    def __post_init__(self) -> None:
        if not self.series or len(self.maxima) != len(self.labels) or any(len(s.values) != len(self.labels) for s in self.series):
            raise ValueError(f"chart {self.id}: every series needs a value (or None) and a maximum for each of its "
                             f"{len(self.labels)} labels")

    @property
    def points(self) -> tuple[ChartPoint, ...]:
        """The first series' values with their labels and maxima: what the table of a one-series chart lists."""
        return tuple(ChartPoint(label, v, m) for label, v, m in zip(self.labels, self.series[0].values, self.maxima, strict=True))

    @property
    def summary(self) -> str:
        """The chart in words, for screen readers and as the canvas's fallback content."""
        if not self.labels:
            return f"{self.title}: nothing yet"
        if len(self.series) > 1:
            told = [f"{s.name} " + ", ".join(f"{label} {_number(v)}" for label, v in zip(self.labels, s.values, strict=True))
                    for s in self.series]
            return f"{self.title}: {'; '.join(told)}"
        if self.kind == "bar":
            return f"{self.title}: " + ", ".join(f"{p.label} {_number(p.value)} of {_number(p.maximum)}" for p in self.points)
        return f"{self.title}: " + ", ".join(f"{p.label} {_number(p.value)}" for p in self.points)

    def spec(self) -> ChartSpec:
        """The chart as the browser script draws it."""
        if self.kind == "bar":
            aspect = round(CHART_WIDTH / (BAR_HEIGHT * max(1, len(self.labels)) + 30), 2)
        else:
            aspect = LINES_ASPECT if len(self.series) > 1 else LINE_ASPECT
        series = [SeriesSpec(label=s.name, values=[None if v is None else round(v, 1) for v in s.values]) for s in self.series]
        return ChartSpec(kind=self.kind, title=self.title, labels=list(self.labels), values=series[0]["values"],
                         maxima=list(self.maxima), top=self.top, aspect=aspect, series=series)


def lines_chart(chart_id: str, title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]],
                top: float = 100.0, headings: tuple[str, str] = ("Point", "Value")) -> Chart:
    """Lines over the same labels, left to right, from 0 to `top`: (name, a value per label, None where it has none)
    for each; `headings` name the table's two columns (of a one-line chart)."""
    return Chart(chart_id, "line", title, tuple(labels), tuple(Series(name, tuple(values)) for name, values in series),
                 tuple(top for _ in labels), top, *headings)


def line_chart(chart_id: str, title: str, values: Sequence[tuple[str, float]], top: float = 100.0,
               headings: tuple[str, str] = ("Point", "Value")) -> Chart:
    """One series of (label, value) from 0 to `top`, left to right; `headings` name the table's two columns."""
    return lines_chart(chart_id, title, [label for label, _ in values], [(title, [v for _, v in values])], top, headings)


def bar_chart(chart_id: str, title: str, rows: Sequence[tuple[str, float, float]],
              headings: tuple[str, str] = ("Skill", "Points")) -> Chart:
    """Bars of (label, value, maximum): each drawn as the share of its own maximum that was earned."""
    return Chart(chart_id, "bar", title, tuple(label for label, _, _ in rows), (Series(title, tuple(v for _, v, _ in rows)),),
                 tuple(m for _, _, m in rows), 100.0, *headings)


def _number(value: float | None) -> str:
    if value is None:
        return "no value"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
