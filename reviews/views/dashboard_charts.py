"""Charts of the dashboard: horizontal bars as inline SVG, built here as plain geometry; the same
figures are written beside each bar in text, so nothing depends on colour alone."""

from dataclasses import dataclass

from django.utils.formats import number_format


def _number(value, decimals: int = 0) -> str:
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def _count_text(value: int, percent: float) -> str:
    return f"{_number(value)} · {_number(percent, 1)}%"


ROW_LABEL = 16  # baseline of a row's label
BAR_HEIGHT = 14
SECOND_LABEL = 16  # a second series: its label line
SECOND_BAR = 10
ROW_GAP = 14


@dataclass
class Bar:
    y: int
    height: int
    width: str  # a percentage of the chart's width, never localized ("14.2%")
    text: str
    text_y: int
    current: bool


@dataclass
class BarRow:
    label: str
    label_y: int
    bars: list[Bar]


@dataclass
class Chart:
    id: str
    title: str
    desc: str
    height: int
    rows: list[BarRow]


def _width(value: int, percent: float) -> str:
    shown = max(percent, 0.6) if value else 0.0  # a non-zero figure stays visible
    return f"{min(shown, 100.0):.1f}%"


def bar_chart(chart_id: str, title: str, rows: list[tuple[str, list[tuple[str, int, float]]]]) -> Chart:
    """rows: (label, [(series name, value, percent), …]); the first series is the current one.
    Each bar is as wide as its percentage; the figures are written beside it in text, so nothing
    depends on colour alone."""
    y = 0
    built, described = [], []
    for label, series in rows:
        bars = []
        label_y = y + ROW_LABEL
        for index, (name, value, percent) in enumerate(series):
            text = f"{name}: {_count_text(value, percent)}" if name else _count_text(value, percent)
            if index == 0:
                bars.append(Bar(label_y + 6, BAR_HEIGHT, _width(value, percent), text, label_y, True))
                y = label_y + 6 + BAR_HEIGHT
            else:
                text_y = y + SECOND_LABEL
                bars.append(Bar(text_y + 4, SECOND_BAR, _width(value, percent), text, text_y, False))
                y = text_y + 4 + SECOND_BAR
            described.append(f"{label} {text}")
        built.append(BarRow(label, label_y, bars))
        y += ROW_GAP
    return Chart(chart_id, title, "; ".join(described), max(y - ROW_GAP + 2, 1), built)
