"""Score charts as inline SVG, drawn on the server: no script, no chart library, no internet.

Two charts for the case file:
- `radar_svg`: the three dimensions (0..1) on three axes, one closed shape per occasion
  (baseline and latest follow-up);
- `timeline_svg`: occasions along x (evenly spaced, in occasion order), 0..1 along y, one line
  per score (dimensions and composite).

Every text and attribute value is escaped here; the result is safe markup. A score that is None
(too few answers for the profile) is left out: the shape or line has a gap there, and the caller
explains it beside the chart. The palette is Okabe–Ito (colour-blind safe), darkened where needed
for contrast on white, and each series also differs by marker shape and dash pattern, so the
charts read in greyscale too. Coordinates use "." whatever the language; displayed numbers come
from the caller, already formatted for the user's locale.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Style:
    colour: str
    dash: str  # SVG stroke-dasharray, "" for a solid line
    marker: str  # circle | square | triangle | diamond
    width: float = 2.0


# Okabe–Ito blue, vermillion, bluish green (darkened), and near-black for the composite.
STYLES = [
    Style("#0072B2", "", "circle"),
    Style("#C24E00", "7 4", "square"),
    Style("#00775A", "2 3", "triangle"),
    Style("#1D2430", "10 3 2 3", "diamond", 2.75),
]
# On the radar the baseline is always the dashed vermillion shape, the latest occasion the solid blue one.
BASELINE_STYLE, LATEST_STYLE = STYLES[1], STYLES[0]
GRID = "#C9CFD8"
AXIS = "#5B6472"
INK = "#1D2430"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"


@dataclass(frozen=True)
class Series:
    """One shape (radar) or one line (timeline): a legend label and its values by key (None = no score)."""

    key: str
    label: str
    values: dict[str, float | None]
    style: Style | None = None  # default: STYLES in order


@dataclass(frozen=True)
class Axis:
    """A dimension (radar axis) or a line of the timeline: a key into Series.values and its label."""

    key: str
    label: str


@dataclass(frozen=True)
class Occasion:
    """A tick on the timeline: two lines of text (e.g. "Follow-up 1" and its date)."""

    label: str
    sublabel: str = ""


# --- markup helpers ------------------------------------------------------------------------------


def _n(value: float) -> str:
    """A coordinate: at most two decimals, "." as separator, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _attrs(attrs: dict) -> str:
    parts = []
    for name, value in attrs.items():
        if value is None or value is False:
            continue
        if isinstance(value, float):
            value = _n(value)
        parts.append(f' {name.rstrip("_").replace("_", "-")}="{escape(str(value))}"')
    return "".join(parts)


def _el(tag: str, children: Sequence[str] | str = (), **attrs) -> str:
    inner = children if isinstance(children, str) else "".join(children)
    if not inner:
        return f"<{tag}{_attrs(attrs)}/>"
    return f"<{tag}{_attrs(attrs)}>{inner}</{tag}>"


def _text(text: str, **attrs) -> str:
    return _el("text", escape(text), **attrs)


def _tooltip(text: str) -> str:
    return _el("title", escape(text))


def marker(style: Style, x: float, y: float, *, size: float = 4.5, children: str = "", **attrs) -> str:
    """A filled marker of the style's shape centred on (x, y)."""
    common = {"fill": style.colour, "stroke": "#fff", "stroke_width": 1.0, **attrs}
    if style.marker == "circle":
        return _el("circle", children, cx=x, cy=y, r=size, **common)
    if style.marker == "square":
        s = size * 0.9
        return _el("rect", children, x=x - s, y=y - s, width=2 * s, height=2 * s, **common)
    if style.marker == "triangle":
        s = size * 1.2
        points = f"{_n(x)},{_n(y - s)} {_n(x + s * 0.95)},{_n(y + s * 0.7)} {_n(x - s * 0.95)},{_n(y + s * 0.7)}"
        return _el("polygon", children, points=points, **common)
    s = size * 1.25
    points = f"{_n(x)},{_n(y - s)} {_n(x + s)},{_n(y)} {_n(x)},{_n(y + s)} {_n(x - s)},{_n(y)}"
    return _el("polygon", children, points=points, **common)


def _svg(children: list[str], *, width: int, height: int, title: str, desc: str, id_prefix: str, **attrs) -> SafeString:
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    body = [_el("title", escape(title), id=title_id), _el("desc", escape(desc), id=desc_id), *children]
    markup = _el(
        "svg",
        body,
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {width} {height}",
        role="img",
        aria_labelledby=f"{title_id} {desc_id}",
        class_="chart",
        font_family=FONT,
        **attrs,
    )
    return mark_safe(markup)  # noqa: S308 - every text and attribute above went through escape()


def _legend_item(style: Style, x: float, y: float, label: str) -> str:
    line = _el(
        "line",
        x1=x,
        y1=y,
        x2=x + 30,
        y2=y,
        stroke=style.colour,
        stroke_width=style.width,
        stroke_dasharray=style.dash or None,
    )
    return _el(
        "g",
        [line, marker(style, x + 15, y), _text(label, x=x + 38, y=y + 4, font_size=12, fill=INK)],
        class_="legend-item",
    )


# --- radar ---------------------------------------------------------------------------------------

RADAR_WIDTH, RADAR_HEIGHT = 380, 318
RADAR_CX, RADAR_CY, RADAR_R = 190.0, 150.0, 122.0
RADAR_RINGS = (0.25, 0.5, 0.75, 1.0)


def radar_point(index: int, count: int, value: float) -> tuple[float, float]:
    """Where `value` (0..1) lies on axis `index` of `count`; the first axis points up."""
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return RADAR_CX + value * RADAR_R * math.cos(angle), RADAR_CY + value * RADAR_R * math.sin(angle)


def _ring(count: int, value: float) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in (radar_point(i, count, value) for i in range(count)))


def _radar_frame(axes: Sequence[Axis], number: Callable[[float], str]) -> list[str]:
    count = len(axes)
    parts = [
        _el("polygon", points=_ring(count, ring), fill="none", stroke=GRID, stroke_width=1.0, class_="ring")
        for ring in RADAR_RINGS
    ]
    for index, axis in enumerate(axes):
        x, y = radar_point(index, count, 1.0)
        parts.append(_el("line", x1=RADAR_CX, y1=RADAR_CY, x2=x, y2=y, stroke=AXIS, stroke_width=1.0))
        lx, ly = radar_point(index, count, 1.17)
        parts.append(_text(axis.label, x=lx, y=ly + 4, text_anchor="middle", font_size=13, font_weight=600, fill=INK))
    for ring in RADAR_RINGS:  # scale labels along the first axis
        x, y = radar_point(0, count, ring)
        parts.append(_text(number(ring), x=x + 5, y=y + 4, font_size=10, fill=AXIS, class_="tick"))
    return parts


def _radar_shape(axes: Sequence[Axis], series: Series, style: Style, value_text: Callable[[Axis, float], str]) -> str:
    count = len(axes)
    present = [(i, series.values.get(axis.key)) for i, axis in enumerate(axes)]
    points = {i: radar_point(i, count, v) for i, v in present if v is not None}
    stroke = {"stroke": style.colour, "stroke_width": style.width, "stroke_dasharray": style.dash or None}
    parts = []
    if len(points) == count:
        coords = " ".join(f"{_n(x)},{_n(y)}" for x, y in points.values())
        parts.append(_el("polygon", points=coords, fill=style.colour, fill_opacity=0.08, **stroke))
    else:  # a gap: join only neighbouring axes that both have a score
        for i in range(count):
            j = (i + 1) % count
            if i in points and j in points and (count > 2 or i < j):
                (x1, y1), (x2, y2) = points[i], points[j]
                parts.append(_el("line", x1=x1, y1=y1, x2=x2, y2=y2, **stroke))
    for i, (x, y) in points.items():
        axis, value = axes[i], series.values[axes[i].key]
        parts.append(
            marker(
                style,
                x,
                y,
                children=_tooltip(f"{series.label} — {value_text(axis, value)}"),
                class_="point",
                data_series=series.key,
                data_axis=axis.key,
                data_value=f"{value:.4f}",
            )
        )
    return _el("g", parts, class_="series", data_series=series.key)


def radar_svg(
    *,
    axes: Sequence[Axis],
    series: Sequence[Series],
    title: str,
    desc: str,
    id_prefix: str,
    number: Callable[[float], str] = _n,
) -> SafeString:
    """Axes clockwise from the top; one shape per series, in its own style.

    `number` formats a value for display (scale labels, tooltips) in the user's locale.
    """

    def value_text(axis: Axis, value: float) -> str:
        return f"{axis.label}: {number(value)}"

    parts = _radar_frame(axes, number)
    styles = [item.style or STYLES[i % len(STYLES)] for i, item in enumerate(series)]
    for item, style in zip(series, styles, strict=True):  # later series are drawn on top
        parts.append(_radar_shape(axes, item, style, value_text))
    legend_y = RADAR_HEIGHT - 14 - 22 * (len(series) - 1)
    for offset, (item, style) in enumerate(zip(series, styles, strict=True)):
        parts.append(_legend_item(style, 16, legend_y + 22 * offset, item.label))
    return _svg(
        parts,
        width=RADAR_WIDTH,
        height=RADAR_HEIGHT,
        title=title,
        desc=desc,
        id_prefix=id_prefix,
        data_cx=RADAR_CX,
        data_cy=RADAR_CY,
        data_radius=RADAR_R,
    )


# --- timeline ------------------------------------------------------------------------------------

TIMELINE_WIDTH, TIMELINE_HEIGHT = 640, 330
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 48.0, 624.0, 14.0, 236.0
PLOT_PAD = 36.0
TICKS = (0.0, 0.25, 0.5, 0.75, 1.0)


def timeline_x(index: int, count: int) -> float:
    """Occasions evenly spaced across the plot; a single occasion sits in the middle."""
    if count <= 1:
        return (PLOT_LEFT + PLOT_RIGHT) / 2
    return PLOT_LEFT + PLOT_PAD + index * (PLOT_RIGHT - PLOT_LEFT - 2 * PLOT_PAD) / (count - 1)


def timeline_y(value: float) -> float:
    return PLOT_BOTTOM - value * (PLOT_BOTTOM - PLOT_TOP)


def _timeline_frame(occasions: Sequence[Occasion], number: Callable[[float], str]) -> list[str]:
    parts = []
    for tick in TICKS:
        y = timeline_y(tick)
        colour = AXIS if tick == 0 else GRID
        parts.append(_el("line", x1=PLOT_LEFT, y1=y, x2=PLOT_RIGHT, y2=y, stroke=colour, stroke_width=1.0))
        parts.append(_text(number(tick), x=PLOT_LEFT - 6, y=y + 4, text_anchor="end", font_size=11, fill=AXIS))
    for index, occasion in enumerate(occasions):
        x = timeline_x(index, len(occasions))
        parts.append(_el("line", x1=x, y1=PLOT_TOP, x2=x, y2=PLOT_BOTTOM, stroke=GRID, stroke_dasharray="2 4"))
        label = [_el("tspan", escape(occasion.label), x=x, dy=0)]
        if occasion.sublabel:
            label.append(_el("tspan", escape(occasion.sublabel), x=x, dy=15, fill=AXIS))
        parts.append(
            _el("text", label, x=x, y=PLOT_BOTTOM + 18, text_anchor="middle", font_size=12, fill=INK, class_="occasion")
        )
    return parts


def _timeline_line(
    occasions: Sequence[Occasion], line: Axis, values: Sequence[float | None], style: Style, number
) -> str:
    count = len(occasions)
    points = [
        (i, timeline_x(i, count), timeline_y(v), v) for i, v in enumerate(values) if v is not None
    ]  # (index, x, y, value)
    segments, current = [], []
    for point in points:  # a None between two occasions breaks the line
        if current and point[0] != current[-1][0] + 1:
            segments.append(current)
            current = []
        current.append(point)
    if current:
        segments.append(current)
    parts = [
        _el(
            "polyline",
            points=" ".join(f"{_n(x)},{_n(y)}" for _i, x, y, _v in segment),
            fill="none",
            stroke=style.colour,
            stroke_width=style.width,
            stroke_dasharray=style.dash or None,
            stroke_linejoin="round",
            class_="segment",
        )
        for segment in segments
        if len(segment) > 1
    ]
    for i, x, y, value in points:
        tip = f"{line.label}, {occasions[i].label} {occasions[i].sublabel}".strip() + f": {number(value)}"
        parts.append(
            marker(
                style,
                x,
                y,
                children=_tooltip(tip),
                class_="point",
                data_series=line.key,
                data_index=i,
                data_value=f"{value:.4f}",
            )
        )
    return _el("g", parts, class_="series", data_series=line.key)


def timeline_svg(
    *,
    occasions: Sequence[Occasion],
    lines: Sequence[Axis],
    values: dict[str, Sequence[float | None]],
    title: str,
    desc: str,
    id_prefix: str,
    number: Callable[[float], str] = _n,
) -> SafeString:
    """One line per entry of `lines` (at most len(STYLES)); values[key][i] belongs to occasions[i]."""
    parts = _timeline_frame(occasions, number)
    for line, style in zip(lines, STYLES, strict=False):
        parts.append(_timeline_line(occasions, line, values.get(line.key, []), style, number))
    column = (TIMELINE_WIDTH - 16) / max(1, len(lines))
    for index, (line, style) in enumerate(zip(lines, STYLES, strict=False)):
        parts.append(_legend_item(style, 16 + index * column, TIMELINE_HEIGHT - 16, line.label))
    return _svg(
        parts,
        width=TIMELINE_WIDTH,
        height=TIMELINE_HEIGHT,
        title=title,
        desc=desc,
        id_prefix=id_prefix,
        data_top=PLOT_TOP,
        data_bottom=PLOT_BOTTOM,
    )


# --- bars (dashboards) ---------------------------------------------------------------------------

BARS_WIDTH = 640
BARS_LABEL = 190.0  # left column for the category labels
BARS_RIGHT = 560.0  # right end of the plot; the value text goes after the bar
BAR_HEIGHT = 14.0
BAR_GAP = 10.0


def nice_max(value: float) -> float:
    """A round upper bound for a count or amount axis (1, 2, 5 × 10^k)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)


def _bar_scale(series: Sequence[Series], signed: bool, max_value: float | None) -> tuple[float, float]:
    """(low, high) of the value axis: 0..max, or symmetric around 0 when values may be negative."""
    values = [abs(v) if signed else v for s in series for v in s.values.values() if v is not None]
    top = max_value if max_value is not None else nice_max(max(values, default=0.0))
    return (-top, top) if signed else (0.0, top)


def bars_svg(
    *,
    categories: Sequence[Axis],
    series: Sequence[Series],
    title: str,
    desc: str,
    id_prefix: str,
    text: Callable[[Series, Axis, float | None], str],
    number: Callable[[float], str] = _n,
    signed: bool = False,
    max_value: float | None = None,
) -> SafeString:
    """Horizontal grouped bars: one row per category, one bar per series (in STYLES colours).

    `signed`: values may be negative; the axis is symmetric around a zero line (e.g. a change of
    score). A value None draws no bar; `text` gives what is written at the bar's end (the
    formatted value, "<5" for a suppressed cell, "—"…), also used in the tooltip.
    """
    low, high = _bar_scale(series, signed, max_value)
    styles = [s.style or STYLES[i % len(STYLES)] for i, s in enumerate(series)]
    row = len(series) * BAR_HEIGHT + BAR_GAP
    top = 12.0
    plot_bottom = top + row * len(categories)
    height = int(plot_bottom + 40 + (22 if len(series) > 1 else 0))

    def x_of(value: float) -> float:
        return BARS_LABEL + (value - low) / (high - low) * (BARS_RIGHT - BARS_LABEL)

    parts = []
    for tick in (low, (low + high) / 2, high) if signed else (0.0, high / 4, high / 2, 3 * high / 4, high):
        x = x_of(tick)
        colour = AXIS if tick == 0 else GRID
        parts.append(_el("line", x1=x, y1=top - 4, x2=x, y2=plot_bottom, stroke=colour, stroke_width=1.0))
        parts.append(_text(number(tick), x=x, y=plot_bottom + 14, text_anchor="middle", font_size=10, fill=AXIS))
    zero = x_of(0.0)
    for c, category in enumerate(categories):
        y0 = top + c * row
        parts.append(_text(category.label, x=BARS_LABEL - 8, y=y0 + row / 2, text_anchor="end", font_size=12, fill=INK))
        for s, (item, style) in enumerate(zip(series, styles, strict=True)):
            value = item.values.get(category.key)
            y = y0 + s * BAR_HEIGHT
            label = text(item, category, value)
            children = _tooltip(f"{category.label} — {item.label}: {label}")
            if value is not None:
                x = x_of(value)
                parts.append(
                    _el(
                        "rect",
                        children,
                        x=min(x, zero),
                        y=y,
                        width=max(abs(x - zero), 0.5),
                        height=BAR_HEIGHT - 2,
                        fill=style.colour,
                        class_="bar",
                        data_series=item.key,
                        data_category=category.key,
                        data_value=f"{value:.4f}",
                    )
                )
            end = max(x_of(value), zero) if value is not None else zero
            parts.append(_text(label, x=end + 4, y=y + BAR_HEIGHT - 4, font_size=10, fill=INK, class_="value"))
    if len(series) > 1:
        column = (BARS_WIDTH - 16) / len(series)
        for index, (item, style) in enumerate(zip(series, styles, strict=True)):
            swatch = _el("rect", x=16 + index * column, y=height - 24, width=14, height=12, fill=style.colour)
            label = _text(item.label, x=16 + index * column + 20, y=height - 14, font_size=12, fill=INK)
            parts.append(_el("g", [swatch, label], class_="legend-item"))
    return _svg(parts, width=BARS_WIDTH, height=height, title=title, desc=desc, id_prefix=id_prefix)


# --- histogram (dashboards) ----------------------------------------------------------------------

HIST_WIDTH, HIST_HEIGHT = 320, 230
HIST_LEFT, HIST_RIGHT, HIST_TOP, HIST_BOTTOM = 40.0, 310.0, 12.0, 170.0


def histogram_svg(
    *,
    bins: Sequence[Axis],
    series: Sequence[Series],
    title: str,
    desc: str,
    id_prefix: str,
    text: Callable[[Series, Axis, float | None], str],
    number: Callable[[float], str] = _n,
) -> SafeString:
    """Vertical bars per bin (e.g. score 0–0.1 … 0.9–1), one bar per series side by side.

    Values are shares (0..1) of each series' total, so a baseline and a follow-up of different
    sizes compare; `text` gives the tooltip value (a count, or "<5" when suppressed). None: no bar.
    """
    top_value = nice_max(max((v for s in series for v in s.values.values() if v is not None), default=0.0))
    styles = [s.style or STYLES[i % len(STYLES)] for i, s in enumerate(series)]
    slot = (HIST_RIGHT - HIST_LEFT) / max(1, len(bins))
    width = (slot - 4) / max(1, len(series))

    def y_of(value: float) -> float:
        return HIST_BOTTOM - value / top_value * (HIST_BOTTOM - HIST_TOP)

    parts = []
    for tick in (0.0, top_value / 2, top_value):
        y = y_of(tick)
        parts.append(_el("line", x1=HIST_LEFT, y1=y, x2=HIST_RIGHT, y2=y, stroke=AXIS if tick == 0 else GRID))
        parts.append(_text(number(tick), x=HIST_LEFT - 4, y=y + 4, text_anchor="end", font_size=10, fill=AXIS))
    for b, item_bin in enumerate(bins):
        x0 = HIST_LEFT + b * slot + 2
        for s, (item, style) in enumerate(zip(series, styles, strict=True)):
            value = item.values.get(item_bin.key)
            if value is None:
                continue
            y = y_of(value)
            tip = _tooltip(f"{item.label}, {item_bin.label}: {text(item, item_bin, value)}")
            parts.append(
                _el(
                    "rect",
                    tip,
                    x=x0 + s * width,
                    y=y,
                    width=width,
                    height=max(HIST_BOTTOM - y, 0.0),
                    fill=style.colour,
                    class_="bar",
                    data_series=item.key,
                    data_category=item_bin.key,
                    data_value=f"{value:.4f}",
                )
            )
        if b % 2 == 0 or len(bins) <= 5:
            parts.append(
                _text(item_bin.label, x=x0 + slot / 2 - 2, y=HIST_BOTTOM + 14, text_anchor="middle", font_size=10)
            )
    for index, (item, style) in enumerate(zip(series, styles, strict=True)):
        swatch = _el("rect", x=HIST_LEFT + index * 130, y=HIST_HEIGHT - 26, width=12, height=12, fill=style.colour)
        label = _text(item.label, x=HIST_LEFT + index * 130 + 17, y=HIST_HEIGHT - 16, font_size=11, fill=INK)
        parts.append(_el("g", [swatch, label], class_="legend-item"))
    return _svg(parts, width=HIST_WIDTH, height=HIST_HEIGHT, title=title, desc=desc, id_prefix=id_prefix)


# --- box plot (dashboards) -----------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    """One box: quartiles (q1, median, q3) and whiskers (low, high) on a 0..1 scale."""

    key: str
    label: str
    low: float
    q1: float
    median: float
    q3: float
    high: float
    style: Style | None = None


BOX_WIDTH, BOX_ROW = 640, 26.0


def box_svg(
    *,
    boxes: Sequence[Box],
    title: str,
    desc: str,
    id_prefix: str,
    number: Callable[[float], str] = _n,
) -> SafeString:
    """Horizontal box plots on a 0..1 axis, one row per box, with a tooltip giving the five numbers."""
    top = 10.0
    bottom = top + BOX_ROW * len(boxes)
    height = int(bottom + 28)

    def x_of(value: float) -> float:
        return BARS_LABEL + value * (BARS_RIGHT - BARS_LABEL)

    parts = []
    for tick in TICKS:
        x = x_of(tick)
        parts.append(_el("line", x1=x, y1=top - 4, x2=x, y2=bottom, stroke=AXIS if tick == 0 else GRID))
        parts.append(_text(number(tick), x=x, y=bottom + 14, text_anchor="middle", font_size=10, fill=AXIS))
    for index, box in enumerate(boxes):
        style = box.style or STYLES[index % len(STYLES)]
        y = top + index * BOX_ROW + BOX_ROW / 2
        tip = _tooltip(
            f"{box.label}: {number(box.low)} · {number(box.q1)} · {number(box.median)} · "
            f"{number(box.q3)} · {number(box.high)}"
        )
        parts.append(_text(box.label, x=BARS_LABEL - 8, y=y + 4, text_anchor="end", font_size=12, fill=INK))
        whisker = _el("line", x1=x_of(box.low), y1=y, x2=x_of(box.high), y2=y, stroke=style.colour, stroke_width=1.5)
        body = _el(
            "rect",
            x=x_of(box.q1),
            y=y - 8,
            width=max(x_of(box.q3) - x_of(box.q1), 1.0),
            height=16,
            fill=style.colour,
            fill_opacity=0.25,
            stroke=style.colour,
            stroke_width=1.5,
        )
        middle = _el("line", x1=x_of(box.median), y1=y - 8, x2=x_of(box.median), y2=y + 8, stroke=INK, stroke_width=2.5)
        parts.append(_el("g", [tip, whisker, body, middle], class_="box", data_box=box.key))
    return _svg(parts, width=BOX_WIDTH, height=height, title=title, desc=desc, id_prefix=id_prefix)
