"""Server-drawn horizontal bar charts: the geometry of an SVG for one figure, rendered by
templates/reports/chart.svg. One bar per row and column, so the chart shows exactly the
numbers of the table beside it."""

from .figures import Figure

# Colours with at least 3:1 contrast against white, told apart by the legend and by order.
PALETTE = ["#1d4ed8", "#b45309", "#047857", "#7c3aed", "#be123c", "#334155", "#0e7490"]
WIDTH = 720
LABEL_WIDTH = 230
VALUE_WIDTH = 70
BAR_HEIGHT = 16
BAR_GAP = 2
GROUP_GAP = 12
LEGEND_ROW = 22
TOP = 8
LABEL_CHARS = 32


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _shown(value, unit: str) -> str:
    if value is None:
        return "no data"
    if isinstance(value, float):
        return f"{value:g}{unit}"
    return f"{value}{unit}"


def chart_for(figure: Figure) -> dict:
    series = len(figure.columns)
    values = [v for _, row in figure.rows for v in row if v is not None]
    top_value = max(values, default=0) or 1
    if figure.unit == "%":
        top_value = 100
    bar_area = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    legend = []
    y = TOP
    if series > 1:
        for index, column in enumerate(figure.columns):
            legend.append({"y": y, "colour": PALETTE[index % len(PALETTE)], "text": column})
            y += LEGEND_ROW
        y += 6
    groups = []
    for label, row in figure.rows:
        group_height = series * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
        bars = []
        for index, value in enumerate(row):
            bar_y = y + index * (BAR_HEIGHT + BAR_GAP)
            length = round(bar_area * (value or 0) / top_value, 1)
            bars.append(
                {
                    "y": bar_y,
                    "width": length,
                    "colour": PALETTE[index % len(PALETTE)],
                    "text": _shown(value, figure.unit),
                    "text_x": LABEL_WIDTH + length + 6,
                    "text_y": bar_y + BAR_HEIGHT - 4,
                }
            )
        groups.append({"label": _short(label), "label_y": y + group_height / 2 + 5, "bars": bars})
        y += group_height + GROUP_GAP
    summary = "; ".join(
        f"{label}: "
        + ", ".join(
            f"{column} {_shown(value, figure.unit)}"
            for column, value in zip(figure.columns, row, strict=True)
        )
        for label, row in figure.rows
    )
    return {
        "width": WIDTH,
        "height": max(y, 40),
        "label_x": LABEL_WIDTH - 8,
        "bar_x": LABEL_WIDTH,
        "legend": legend,
        "groups": groups,
        "title": figure.title,
        "description": summary or "No data for this period.",
    }
