"""Figures for the parameter-counting questions: a VGG network, plain vs bottleneck residual blocks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

from qbank.registry import figure

Params = Mapping[str, Any]

FONT = "TeX Gyre Termes, serif"
TIMES = "&#215;"
RIGHT_ARROW = "&#8594;"
CONV_FILL, FC_FILL, POOL_FILL, PLAIN_FILL = "#e4e4e4", "#c8c8c8", "#ffffff", "#ffffff"
STROKE, GREY = "#000000", "#555555"


def _n(x: float) -> str:
    """Format a coordinate with at most two decimals and no trailing zeros."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _svg(width: float, height: float, body: list[str]) -> str:
    """Wrap drawing elements in an SVG document whose user unit is one millimetre."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width)}mm" height="{_n(height)}mm" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" font-family="{FONT}">\n' + "\n".join(body) + "\n</svg>\n"
    )


def _rect(x: float, y: float, w: float, h: float, fill: str, dashed: bool = False) -> str:
    """Return a rectangle with a thin black outline."""
    dash = ' stroke-dasharray="1 0.6"' if dashed else ""
    return (
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="{fill}" '
        f'stroke="{STROKE}" stroke-width="0.3"{dash}/>'
    )


def _text(
    x: float,
    y: float,
    label: str,
    size: float,
    rotate: bool = False,
    anchor: str = "middle",
    fill: str = STROKE,
    italic: bool = False,
) -> str:
    """Return a text label centred (optionally rotated upwards) on (x, y); `label` is already escaped."""
    style = ' font-style="italic"' if italic else ""
    if rotate:
        where = f'transform="translate({_n(x + 0.35 * size)} {_n(y)}) rotate(-90)"'
    else:
        where = f'x="{_n(x)}" y="{_n(y + 0.35 * size)}"'
    return f'<text {where} font-size="{_n(size)}" text-anchor="{anchor}" fill="{fill}"{style}>{label}</text>'


def _arrow(points: list[tuple[float, float]], colour: str = STROKE) -> str:
    """Return a polyline through `points` with a filled arrowhead at its last point."""
    (x0, y0), (x1, y1) = points[-2], points[-1]
    length = max(((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5, 1e-9)
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    head, half = 1.6, 0.7
    bx, by = x1 - head * ux, y1 - head * uy
    tip = [(x1, y1), (bx - half * uy, by + half * ux), (bx + half * uy, by - half * ux)]
    line = " ".join(f"{_n(x)},{_n(y)}" for x, y in [*points[:-1], (bx, by)])
    head_points = " ".join(f"{_n(x)},{_n(y)}" for x, y in tip)
    return (
        f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="0.3"/>\n'
        f'<polygon points="{head_points}" fill="{colour}" stroke="none"/>'
    )


def _vgg_boxes(p: Params) -> list[dict[str, Any]]:
    """Return the boxes of a VGG diagram in order: input, conv stages with pools, FC layers."""
    image, c_in = int(p["image"]), int(p["c_in"])
    boxes: list[dict[str, Any]] = [{"kind": "input", "label": f"input {image}{TIMES}{image}{TIMES}{c_in}", "row": 0}]
    size = image
    for s, stage in enumerate(p["stages"], start=1):
        row = 0 if s <= 3 else 1
        for width in stage:
            boxes.append({"kind": "conv", "label": f"3{TIMES}3 conv, {width}", "row": row, "stage": s, "size": size})
        boxes.append({"kind": "pool", "label": "max-pool /2", "row": row})
        size //= 2
    fc_width, classes = int(p["fc_width"]), int(p["classes"])
    for label in (f"FC {fc_width}", f"FC {fc_width}", f"FC {classes}, softmax"):
        boxes.append({"kind": "fc", "label": label, "row": 1})
    return boxes


@figure("cnn.vgg_diagram")
def vgg_diagram(p: Params) -> str:
    """Draw VGG-`depth` as two rows of layer boxes with channel counts, pools and FC widths."""
    margin, box_w, gap, box_h, font = 5.0, 8.0, 3.4, 31.0, 3.1
    title_h, caption_h, row_gap = 8.0, 6.0, 10.0
    boxes = _vgg_boxes(p)
    row_len = [sum(box["row"] == row for box in boxes) * (box_w + gap) - gap for row in (0, 1)]
    width = max(row_len) + 2 * margin
    row_top = [title_h, title_h + box_h + caption_h + row_gap]
    height = row_top[1] + box_h + caption_h + 2.0
    fills = {"input": PLAIN_FILL, "conv": CONV_FILL, "pool": POOL_FILL, "fc": FC_FILL}
    body = [
        f'<rect x="0" y="0" width="{_n(width)}" height="{_n(height)}" fill="#ffffff"/>',
        _text(width / 2, 3.5, f"VGG-{int(p['depth'])} (configuration {escape(str(p['letter']))})", 3.6),
    ]
    positions: list[tuple[float, float]] = []
    x_next = [(width - length) / 2 for length in row_len]
    for box in boxes:
        row = box["row"]
        x, y = x_next[row], row_top[row]
        x_next[row] = x + box_w + gap
        positions.append((x, y))
        fill = fills[box["kind"]]
        body.append(_rect(x, y, box_w, box_h, fill, dashed=box["kind"] == "pool"))
        body.append(_text(x + box_w / 2, y + box_h / 2, box["label"], font, rotate=True))
    for i in range(1, len(boxes)):
        (xa, ya), (xb, yb) = positions[i - 1], positions[i]
        if boxes[i - 1]["row"] == boxes[i]["row"]:
            body.append(_arrow([(xa + box_w, ya + box_h / 2), (xb, yb + box_h / 2)]))
        else:
            x0, y0, x1 = xa + box_w / 2, ya + box_h, xb + box_w / 2
            mid = y0 + caption_h + row_gap / 2
            body.append(_arrow([(x0, y0), (x0, mid), (x1, mid), (x1, yb)], colour=GREY))
    stages: dict[int, list[int]] = {}
    for index, box in enumerate(boxes):
        if box["kind"] == "conv":
            stages.setdefault(box["stage"], []).append(index)
    for indices in stages.values():
        first, last = positions[indices[0]], positions[indices[-1]]
        centre = (first[0] + last[0] + box_w) / 2
        size = boxes[indices[0]]["size"]
        body.append(_text(centre, first[1] + box_h + 3.0, f"{size}{TIMES}{size}", 2.8, fill=GREY))
    fc_first = next(i for i, box in enumerate(boxes) if box["kind"] == "fc")
    fc_x = (positions[fc_first][0] + positions[-1][0] + box_w) / 2
    body.append(_text(fc_x, positions[-1][1] + box_h + 3.0, "fully connected", 2.8, fill=GREY))
    return _svg(width, height, body)


def _block(body: list[str], centre: float, top: float, title: str, units: list[list[str]], channels: int) -> float:
    """Draw one pre-activation residual block as a column of boxes with a skip arrow; return its bottom y."""
    box_w, box_h, gap, font = 50.0, 5.6, 3.2, 3.0
    body.append(_text(centre, top, title, 3.4, italic=True))
    y = top + 5.0
    body.append(_text(centre, y, f"input, {channels} channels", font, fill=GREY))
    split = y + 2.6
    y = split + 3.4
    body.append(_arrow([(centre, y - 3.4 - 0.6), (centre, y)]))
    for u, unit in enumerate(units):
        for b, label in enumerate(unit):
            fill = CONV_FILL if b == 2 else PLAIN_FILL
            body.append(_rect(centre - box_w / 2, y, box_w, box_h, fill))
            body.append(_text(centre, y + box_h / 2, label, font))
            y += box_h
            if not (u == len(units) - 1 and b == len(unit) - 1):
                body.append(_arrow([(centre, y), (centre, y + gap)]))
                y += gap
    radius = 2.2
    plus_y = y + gap + radius
    body.append(_arrow([(centre, y), (centre, plus_y - radius)]))
    body.append(
        f'<circle cx="{_n(centre)}" cy="{_n(plus_y)}" r="{_n(radius)}" fill="#ffffff" stroke="{STROKE}" '
        f'stroke-width="0.3"/>'
    )
    body.append(
        f'<path d="M {_n(centre - 1.3)} {_n(plus_y)} H {_n(centre + 1.3)} M {_n(centre)} {_n(plus_y - 1.3)} '
        f'V {_n(plus_y + 1.3)}" stroke="{STROKE}" stroke-width="0.3"/>'
    )
    skip_x = centre + box_w / 2 + 6.0
    body.append(_arrow([(centre, split), (skip_x, split), (skip_x, plus_y), (centre + radius, plus_y)], GREY))
    body.append(_text(skip_x + 1.2, (split + plus_y) / 2, "identity", 2.8, rotate=True, fill=GREY))
    out_y = plus_y + radius + 4.0
    body.append(_arrow([(centre, plus_y + radius), (centre, out_y)]))
    body.append(_text(centre, out_y + 2.4, f"output, {channels} channels", font, fill=GREY))
    return out_y + 4.0


@figure("cnn.bottleneck_diagram")
def bottleneck_diagram(p: Params) -> str:
    """Draw a pre-activation plain residual block next to a bottleneck block, with channel counts."""
    c, k = int(p["channels"]), int(p["kernel"])
    mid = c // int(p["ratio"])
    arrow = f" {RIGHT_ARROW} "

    def unit(c_in: int, c_out: int, size: int) -> list[str]:
        """Return the BN, ReLU and conv labels of one unit."""
        return [f"batch norm ({c_in})", "ReLU", f"{size}{TIMES}{size} conv, {c_in}{arrow}{c_out}"]

    width, top = 170.0, 5.0
    body: list[str] = []
    bottoms = [
        _block(body, 40.0, top, "(a) plain residual block", [unit(c, c, k)], c),
        _block(
            body,
            122.0,
            top,
            "(b) bottleneck residual block",
            [unit(c, mid, 1), unit(mid, mid, k), unit(mid, c, 1)],
            c,
        ),
    ]
    height = max(bottoms) + 1.0
    return _svg(
        width,
        height,
        [f'<rect x="0" y="0" width="{_n(width)}" height="{_n(height)}" fill="#ffffff"/>', *body],
    )
