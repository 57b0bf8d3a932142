"""The PDF programme report: period, results framework with values against targets, charts, narrative.

Rendered from `monitoring/framework/report_pdf.html` with WeasyPrint, imported lazily (it needs Pango) so
the rest of the application runs without it. Charts are inline SVG bars drawn here (no script, no
internet), in the colour-blind-safe palette of `scoring.charts`. The figures come from one snapshot, named
in the report, so the same report can be printed again with the same numbers.
"""

from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from reintegra.monitoring.framework import Progress, breakdowns

LIGHT_COLOURS = {"green": "#00775A", "amber": "#B58900", "red": "#C24E00", "none": "#8A93A0"}
BAR_COLOUR = "#0072B2"
INK = "#1D2430"
WIDTH, LABEL_W, ROW_H, BAR_H = 640, 230, 22, 14


def bars_svg(rows: list[tuple[str, float | None, str]], *, maximum: float | None = None, title: str = "") -> SafeString:
    """Horizontal bars: one (label, value, colour) per row; empty rows say "no value". Escaped here."""
    values = [v for _label, v, _c in rows if v is not None]
    top = maximum or max(values + [1.0])
    top = top if top > 0 else 1.0
    plot = WIDTH - LABEL_W - 70
    height = ROW_H * len(rows) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}"'
        f' role="img" aria-label="{escape(title)}" font-family="DejaVu Sans, sans-serif" font-size="10">'
    ]
    for index, (label, value, colour) in enumerate(rows):
        y = 4 + index * ROW_H
        text = label if len(label) <= 40 else label[:39] + "…"
        parts.append(f'<text x="{LABEL_W - 6}" y="{y + 11}" text-anchor="end" fill="{INK}">{escape(text)}</text>')
        if value is None:
            parts.append(f'<text x="{LABEL_W}" y="{y + 11}" fill="#5B6472">{escape(gettext("no value"))}</text>')
            continue
        width = max(0.0, min(float(value), top)) / top * plot
        parts.append(f'<rect x="{LABEL_W}" y="{y}" width="{width:.1f}" height="{BAR_H}" fill="{colour}"/>')
        shown = number_format(round(float(value), 2), decimal_pos=None)
        parts.append(f'<text x="{LABEL_W + width + 4:.1f}" y="{y + 11}" fill="{INK}">{escape(shown)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every text above is escaped


def achievement_chart(progress: Progress) -> SafeString:
    rows = [
        (f"{row.indicator.code} {row.indicator.name}", row.share, LIGHT_COLOURS[row.light])
        for _node, line in progress.lines
        for row in line
    ]
    return bars_svg(rows, maximum=150.0, title=gettext("Share of the target reached (%)"))


def breakdown_charts(user, progress: Progress) -> list[dict]:
    """One chart per indicator with a breakdown: its first disaggregation."""
    charts = []
    for _node, line in progress.lines:
        for row in line:
            if not row.indicator.disaggregations:
                continue
            found = breakdowns(user, row.indicator, progress.period, progress.snapshot)
            first = found[0] if found else None
            if first is None or not first.values:
                continue
            bars = [(v.category_label or v.category, _float(v.value), BAR_COLOUR) for v in first.values]
            title = gettext("%(indicator)s by %(by)s") % {"indicator": row.indicator.name, "by": first.label.lower()}
            charts.append({"title": title, "indicator": row.indicator, "svg": bars_svg(bars, title=title)})
    return charts


def _float(value):
    return float(value) if value is not None else None


def report_html(request, progress: Progress, narrative: dict) -> str:
    context = {
        "progress": progress,
        "framework": progress.framework,
        "period": progress.period,
        "snapshot": progress.snapshot,
        "narrative": narrative,
        "achievement_svg": achievement_chart(progress),
        "charts": breakdown_charts(request.user, progress),
    }
    return render_to_string("monitoring/framework/report_pdf.html", context, request=request)


def render_document(html: str):
    """The laid-out WeasyPrint document (pages)."""
    from weasyprint import HTML  # lazy: needs Pango

    return HTML(string=html).render()


def report_pdf_bytes(request, progress: Progress, narrative: dict) -> bytes:
    return render_document(report_html(request, progress, narrative)).write_pdf()
