"""Charts for the decoding questions: the next-token probability bar chart for top-k / top-p sampling."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

from qbank.registry import figure

Params = Mapping[str, Any]

FONT = "TeX Gyre Termes, serif"
BAR_FILL, STROKE, GRID = "#bdbdbd", "#000000", "#d9d9d9"
WIDTH, HEIGHT = 120.0, 62.0  # millimetres; one user unit is one millimetre
LEFT, RIGHT, TOP, BOTTOM = 14.0, 3.0, 6.0, 11.0
LABEL_SIZE, VALUE_SIZE, TICK_SIZE = 3.4, 3.1, 3.0


def _n(x: float) -> str:
    """Format a coordinate with at most two decimals and no trailing zeros."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _text(x: float, y: float, label: str, size: float, anchor: str = "middle", rotate: bool = False) -> str:
    """A text element with its baseline at y (rotated upwards about (x, y) when asked); label is escaped."""
    where = f'transform="translate({_n(x)} {_n(y)}) rotate(-90)"' if rotate else f'x="{_n(x)}" y="{_n(y)}"'
    return f'<text {where} font-size="{_n(size)}" text-anchor="{anchor}">{escape(label)}</text>'


def _line(x1: float, y1: float, x2: float, y2: float, width: float, colour: str = STROKE) -> str:
    """A straight line segment."""
    ends = f'x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}"'
    return f'<line {ends} stroke="{colour}" stroke-width="{_n(width)}"/>'


def _axis_top(peak: float) -> float:
    """The y-axis limit: the next multiple of 0.05 above the tallest bar (leaves room for its label)."""
    steps = int(peak / 0.05 + 1e-9) + 1
    return round(0.05 * steps, 2)


@figure("decoding.token_probability_bars")
def token_probability_bars(p: Params) -> str:
    """Bar chart of a 10-token next-token distribution, probabilities printed above the bars."""
    tokens = [str(t) for t in p["tokens"]]
    probs = [int(q) / 100 for q in p["percent"]]
    top = _axis_top(max(probs))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    base_y = TOP + plot_h
    slot = plot_w / len(tokens)
    bar_w = slot * 0.62

    def y_of(value: float) -> float:
        return base_y - plot_h * value / top

    body = []
    tick = 0.05 if top <= 0.3 else 0.1
    count = int(top / tick + 1e-9)
    for i in range(count + 1):
        value = round(i * tick, 2)
        y = y_of(value)
        if i:
            body.append(_line(LEFT, y, WIDTH - RIGHT, y, 0.2, GRID))
        body.append(_line(LEFT - 1, y, LEFT, y, 0.25))
        body.append(_text(LEFT - 1.6, y + 0.35 * TICK_SIZE, f"{value:.2f}", TICK_SIZE, anchor="end"))
    for i, (token, prob) in enumerate(zip(tokens, probs, strict=True)):
        x = LEFT + slot * i + (slot - bar_w) / 2
        y = y_of(prob)
        body.append(
            f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(bar_w)}" height="{_n(base_y - y)}" '
            f'fill="{BAR_FILL}" stroke="{STROKE}" stroke-width="0.25"/>'
        )
        centre = x + bar_w / 2
        body.append(_text(centre, y - 1.0, f"{prob:.2f}", VALUE_SIZE))
        body.append(_text(centre, base_y + 1.2 + LABEL_SIZE, token, LABEL_SIZE))
    body.append(_line(LEFT, base_y, WIDTH - RIGHT, base_y, 0.3))
    body.append(_line(LEFT, TOP - 1, LEFT, base_y, 0.3))
    body.append(_text(3.2, TOP + plot_h / 2, "probability", TICK_SIZE + 0.2, rotate=True))
    body.append(_text(LEFT + plot_w / 2, HEIGHT - 1.0, "next token", TICK_SIZE + 0.2))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(WIDTH)}mm" height="{_n(HEIGHT)}mm" '
        f'viewBox="0 0 {_n(WIDTH)} {_n(HEIGHT)}" font-family="{FONT}">\n' + "\n".join(body) + "\n</svg>\n"
    )
