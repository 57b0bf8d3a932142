"""The SVG charts: well-formed, accessible, points where the numbers say, gaps for missing scores."""

import math
import xml.etree.ElementTree as ET

from reintegra.scoring import charts

NS = {"svg": "http://www.w3.org/2000/svg"}
AXES = [charts.Axis("economic", "Economic"), charts.Axis("social", "Social"), charts.Axis("psychosocial", "Psy")]
LINES = [*AXES, charts.Axis("composite", "Composite")]


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314 - markup we made, not untrusted input


def centre(element: ET.Element) -> tuple[float, float]:
    """The centre of a marker (circle, square or polygon)."""
    if element.tag.endswith("circle"):
        return float(element.get("cx")), float(element.get("cy"))
    if element.tag.endswith("rect"):
        return float(element.get("x")) + float(element.get("width")) / 2, float(element.get("y")) + float(
            element.get("height")
        ) / 2
    points = [tuple(map(float, p.split(","))) for p in element.get("points").split()]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


def points(svg: ET.Element, series: str) -> dict[str, ET.Element]:
    found = svg.findall(f".//*[@class='point'][@data-series='{series}']")
    return {p.get("data-axis") or p.get("data-index"): p for p in found}


def radar(first=None, last=None, **kwargs):
    series = []
    if first is not None:
        series.append(charts.Series("first", "Baseline (01/02/2026)", first, charts.BASELINE_STYLE))
    if last is not None:
        series.append(charts.Series("last", "Follow-up 1 (01/08/2026)", last, charts.LATEST_STYLE))
    return charts.radar_svg(
        axes=AXES, series=series, title="Scores", desc="What the chart shows", id_prefix="r1", **kwargs
    )


def test_the_radar_is_well_formed_and_labelled_for_screen_readers():
    svg = parse(radar({"economic": 0.5, "social": 0.25, "psychosocial": 1.0}))
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "r1-title r1-desc"
    assert svg.find("svg:title", NS).text == "Scores" and svg.find("svg:desc", NS).text == "What the chart shows"
    assert svg.find("svg:title", NS).get("id") == "r1-title"


def test_economic_half_lies_at_half_the_radius_on_the_upward_axis():
    svg = parse(radar({"economic": 0.5, "social": 0.25, "psychosocial": 1.0}))
    cx, cy, radius = float(svg.get("data-cx")), float(svg.get("data-cy")), float(svg.get("data-radius"))
    placed = points(svg, "first")
    x, y = centre(placed["economic"])
    assert math.isclose(x, cx, abs_tol=0.02) and math.isclose(cy - y, radius / 2, abs_tol=0.02)
    for axis, value in (("social", 0.25), ("psychosocial", 1.0)):
        x, y = centre(placed[axis])
        assert math.isclose(math.hypot(x - cx, y - cy), value * radius, abs_tol=0.05)
    sx, sy = centre(placed["social"])
    px, _py = centre(placed["psychosocial"])
    assert sx > cx > px and sy > cy  # social lower right, psychosocial lower left (clockwise from the top)


def test_a_zero_score_sits_on_the_centre():
    svg = parse(radar({"economic": 0.0, "social": 0.0, "psychosocial": 0.0}))
    x, y = centre(points(svg, "first")["social"])
    assert math.isclose(x, float(svg.get("data-cx")), abs_tol=0.02)
    assert math.isclose(y, float(svg.get("data-cy")), abs_tol=0.02)


def test_baseline_and_follow_up_are_overlaid_with_different_dash_and_marker():
    svg = parse(
        radar(
            {"economic": 0.2, "social": 0.3, "psychosocial": 0.4}, {"economic": 0.6, "social": 0.7, "psychosocial": 0.8}
        )
    )
    shapes = svg.findall(".//svg:g[@class='series']/svg:polygon[@fill-opacity]", NS)
    assert len(shapes) == 2
    assert shapes[0].get("stroke-dasharray") and not shapes[1].get("stroke-dasharray")
    assert shapes[0].get("stroke") != shapes[1].get("stroke")
    assert {p.tag.split("}")[1] for p in points(svg, "first").values()} == {"rect"}
    assert {p.tag.split("}")[1] for p in points(svg, "last").values()} == {"circle"}
    legend = [t.text for t in svg.findall(".//svg:g[@class='legend-item']/svg:text", NS)]
    assert legend == ["Baseline (01/02/2026)", "Follow-up 1 (01/08/2026)"]


def test_a_missing_dimension_leaves_a_gap_instead_of_a_closed_shape():
    svg = parse(radar({"economic": 0.5, "social": 0.5, "psychosocial": None}))
    group = svg.find(".//svg:g[@data-series='first']", NS)
    assert group.find("svg:polygon[@fill-opacity]", NS) is None
    assert len(group.findall("svg:line", NS)) == 1  # economic–social only
    assert set(points(svg, "first")) == {"economic", "social"}


def test_text_is_escaped():
    svg = radar({"economic": 0.5, "social": 0.5, "psychosocial": 0.5})
    evil = charts.radar_svg(
        axes=[charts.Axis("economic", "<script>x</script>&"), *AXES[1:]],
        series=[charts.Series("first", 'A "quote" <b>', {"economic": 0.5, "social": 0.5, "psychosocial": 0.5})],
        title="T <i>",
        desc="D & d",
        id_prefix="r2",
    )
    assert "<script>" not in evil and "<b>" not in evil and "<i>" not in evil
    tree = parse(evil)
    assert tree.find("svg:title", NS).text == "T <i>"
    assert any(t.text == "<script>x</script>&" for t in tree.iter("{http://www.w3.org/2000/svg}text"))
    assert str(svg).startswith("<svg")


def test_display_numbers_come_from_the_caller_and_coordinates_stay_dotted():
    svg = radar({"economic": 0.5, "social": 0.25, "psychosocial": 1.0}, number=lambda v: f"{v:.2f}".replace(".", ","))
    tree = parse(svg)
    ticks = [t.text for t in tree.findall(".//svg:text[@class='tick']", NS)]
    assert ticks == ["0,25", "0,50", "0,75", "1,00"]
    tips = [p.find("svg:title", NS).text for p in points(tree, "first").values()]
    assert "Baseline (01/02/2026) — Economic: 0,50" in tips
    for polygon in tree.findall(".//svg:polygon", NS):
        for pair in polygon.get("points").split():
            x, y = pair.split(",")
            float(x), float(y)


# --- timeline ------------------------------------------------------------------------------------


def timeline(values, occasions=None):
    occasions = occasions or [
        charts.Occasion("Baseline", "01/02/2026"),
        charts.Occasion("Follow-up 1", "01/08/2026"),
        charts.Occasion("Follow-up 2", "01/02/2027"),
    ]
    return parse(
        charts.timeline_svg(
            occasions=occasions, lines=LINES, values=values, title="Over time", desc="Lines", id_prefix="t1"
        )
    )


def test_the_timeline_places_each_score_at_its_height_and_occasions_in_order():
    svg = timeline(
        {
            "economic": [0.5, 0.75, 1.0],
            "social": [0.0, 0.25, 0.5],
            "psychosocial": [0.4, 0.4, 0.4],
            "composite": [0.3, 0.47, 0.63],
        }
    )
    top, bottom = float(svg.get("data-top")), float(svg.get("data-bottom"))
    economic = points(svg, "economic")
    xs = []
    for index, value in enumerate([0.5, 0.75, 1.0]):
        x, y = centre(economic[str(index)])
        assert math.isclose(y, bottom - value * (bottom - top), abs_tol=0.02)
        xs.append(x)
    assert xs == sorted(xs) and len(set(xs)) == 3
    assert svg.get("role") == "img" and svg.find("svg:desc", NS).text == "Lines"
    labels = [t.find("svg:tspan", NS).text for t in svg.findall(".//svg:text[@class='occasion']", NS)]
    assert labels == ["Baseline", "Follow-up 1", "Follow-up 2"]


def test_each_line_has_its_own_colour_dash_and_marker():
    svg = timeline({key: [0.1, 0.2, 0.3] for key in ("economic", "social", "psychosocial", "composite")})
    lines = svg.findall(".//svg:polyline[@class='segment']", NS)
    assert len({line.get("stroke") for line in lines}) == 4
    assert len({line.get("stroke-dasharray") for line in lines}) == 4
    shapes = {
        key: {p.tag for p in points(svg, key).values()} for key in ("economic", "social", "psychosocial", "composite")
    }
    assert len({frozenset(s) for s in shapes.values()}) >= 3  # circle, square, polygons (triangle and diamond)
    triangle = points(svg, "psychosocial")["0"].get("points")
    diamond = points(svg, "composite")["0"].get("points")
    assert len(triangle.split()) == 3 and len(diamond.split()) == 4


def test_a_missing_score_breaks_the_line():
    svg = timeline({"economic": [0.5, None, 0.7], "social": [0.2, 0.3, 0.4], "psychosocial": [None, None, None]})
    economic = svg.find(".//svg:g[@data-series='economic']", NS)
    assert economic.findall("svg:polyline", NS) == []  # two lone points, no segment across the gap
    assert set(points(svg, "economic")) == {"0", "2"}
    assert len(svg.find(".//svg:g[@data-series='social']", NS).findall("svg:polyline", NS)) == 1
    assert points(svg, "psychosocial") == {}


def test_a_single_occasion_is_drawn_in_the_middle():
    svg = timeline(
        {"economic": [0.5], "social": [0.5], "psychosocial": [0.5], "composite": [0.5]},
        occasions=[charts.Occasion("Baseline", "01/02/2026")],
    )
    x, _y = centre(points(svg, "economic")["0"])
    assert math.isclose(x, (charts.PLOT_LEFT + charts.PLOT_RIGHT) / 2, abs_tol=0.02)
