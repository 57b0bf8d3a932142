"""Dashboard panels: one chart (server-side SVG), its data table and its CSV, from the same rows.

A panel's `rows` are the downloadable data (aggregates only); `display` is the same table
formatted for the page. Small cells: a count under `min_cell()` is written "<5" when the viewer
is pseudonymised (M&E), and a mean over fewer than `min_cell()` cases is never shown.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reintegra.accounts.access import access_for
from reintegra.accounts.models import Office, Programme, User
from reintegra.cases.models import ReturnType, Sex, Stage
from reintegra.dashboards import selectors
from reintegra.dashboards.facts import AGE_GROUPS, HIST_BINS, UNKNOWN
from reintegra.dashboards.models import SCORES
from reintegra.dashboards.selectors import Filters, ScoreGroup
from reintegra.plans.models import ActivityType, Plan
from reintegra.scoring.charts import STYLES, Axis, Box, Series, bars_svg, box_svg, histogram_svg

SUPPRESSED = "<5"
SCORE_LABELS = {
    "economic": gettext_lazy("Economic"),
    "social": gettext_lazy("Social"),
    "psychosocial": gettext_lazy("Psychosocial"),
    "composite": gettext_lazy("Composite"),
}


@dataclass
class Chart:
    caption: str
    svg: SafeString


@dataclass
class Panel:
    slug: str
    title: str
    desc: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)  # CSV: numbers, "<5", "" (not shown)
    charts: list[Chart] = field(default_factory=list)
    note: str = ""

    def add(self, svg: SafeString, caption: str = "") -> None:
        self.charts.append(Chart(caption, svg))

    @property
    def display(self) -> list[list[str]]:
        return [[_display(value) for value in row] for row in self.rows]


def _display(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        return number_format(value, 3)
    if isinstance(value, Decimal):
        return number_format(value, 2, force_grouping=True)
    if isinstance(value, int):
        return number_format(value, 0, force_grouping=True)
    return str(value)


def number(value: float) -> str:
    return number_format(round(value, 2), 2).rstrip("0").rstrip(".,") or "0"


@dataclass
class Labels:
    """Names of the keys found in cells, loaded once per page."""

    offices: dict[int, str]
    programmes: dict[int, Programme]
    types: dict[str, str]

    @classmethod
    def load(cls) -> "Labels":
        return cls(
            offices=dict(Office.objects.values_list("pk", "name")),
            programmes={p.pk: p for p in Programme.objects.all()},
            types={t.code: t.name for t in ActivityType.objects.all()},
        )

    def office(self, pk) -> str:
        return self.offices.get(int(pk), "?")

    def group(self, breakdown: str, key: str) -> str:
        if breakdown == "office":
            return self.office(key)
        if breakdown == "type":
            return _("No activity") if key == "none" else self.types.get(key, key)
        if breakdown == "return_type":
            return str(dict(ReturnType.choices).get(key, key))
        if breakdown == "sex":
            return _("Unknown") if key == UNKNOWN else str(dict(Sex.choices).get(key, key))
        if breakdown == "age":
            return _("Unknown age") if key == UNKNOWN else key
        fixed = {
            "acts": {"0": _("No activity"), "1": _("1 activity"), "2": _("2 activities"), "3+": _("3 or more")},
            "delivery": {
                "none": _("No activity"),
                "direct": _("Only direct assistance"),
                "referral": _("Only through referrals"),
                "both": _("Both direct and referral"),
            },
            "level": {
                "none": _("No activity"),
                "individual": _("Individual only"),
                "community": _("Community or structural only"),
                "both": _("Both individual and community"),
            },
        }
        return fixed.get(breakdown, {}).get(key, key)


def group_order(breakdown: str, keys: list[str], labels: Labels) -> list[str]:
    orders = {
        "acts": ["0", "1", "2", "3+"],
        "delivery": ["direct", "referral", "both", "none"],
        "level": ["individual", "community", "both", "none"],
        "age": [label for label, _low, _high in AGE_GROUPS] + [UNKNOWN],
        "return_type": list(ReturnType.values),
        "sex": [*Sex.values, UNKNOWN],
    }
    if breakdown in orders:
        order = orders[breakdown]
        return sorted(keys, key=lambda k: order.index(k) if k in order else len(order))
    return sorted(keys, key=lambda k: (k == "none", labels.group(breakdown, k)))


class Counter:
    """Counts with small-cell suppression for the viewer."""

    def __init__(self, filters: Filters):
        self.suppress = filters.suppress
        self.minimum = selectors.min_cell()

    def count(self, n: int):
        return SUPPRESSED if self.suppress and 0 < n < self.minimum else n

    def value(self, n: int) -> float | None:
        """What a bar shows: nothing for a suppressed count."""
        return None if self.suppress and 0 < n < self.minimum else float(n)

    def text(self, n) -> str:
        return SUPPRESSED if n is None else number_format(int(n), 0, force_grouping=True)


def _bar_text(counter: Counter) -> Callable:
    def text(series: Series, axis: Axis, value: float | None) -> str:
        return counter.text(value)

    return text


# --- cases by stage and office -------------------------------------------------------------------


def stages(filters: Filters, labels: Labels) -> Panel:
    counter = Counter(filters)
    counts = selectors.counts_by(filters, "stage", "office_id")
    offices = sorted({office for _stage, office in counts}, key=labels.office)
    panel = Panel(
        "stages",
        _("Cases by stage"),
        _("Number of cases at each stage, per office."),
        [_("Office"), _("Stage"), _("Cases")],
    )
    for office in offices:
        for stage, label in Stage.choices:
            n = counts.get((stage, office), 0)
            if n:
                panel.rows.append([labels.office(office), str(label), counter.count(n)])
    categories = [Axis(stage, str(label)) for stage, label in Stage.choices]
    series = [
        Series(str(o), labels.office(o), {s: counter.value(counts.get((s, o), 0)) for s, _l in Stage.choices})
        for o in offices[:4]
    ]
    if series:
        panel.add(
            bars_svg(
                categories=categories,
                series=series,
                title=panel.title,
                desc=panel.desc,
                id_prefix="chart-stages",
                text=_bar_text(counter),
                number=number,
            )
        )
    if len(offices) > 4:
        panel.note = _("The chart shows the first four offices; the table and the CSV have them all.")
    return panel


# --- caseload per case manager -------------------------------------------------------------------


def caseload(user, filters: Filters, labels: Labels, today: date | None = None) -> Panel:
    counter = Counter(filters)
    open_cases = selectors.counts_by(filters, "cm", "office_id")
    overdue = selectors.overdue_by_assignee(filters, today)
    access = access_for(user)
    keys = sorted(set(open_cases) | set(overdue), key=lambda k: (-open_cases.get(k, 0), k))
    ids = {int(k) for k, _o in keys if k}
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=ids)}
    panel = Panel(
        "caseload",
        _("Caseload per case manager"),
        _("Open cases and open tasks past their due date, per case manager."),
        [_("Office"), _("Case manager"), _("Open cases"), _("Overdue tasks")],
        note=_(
            "Case managers are named only for roles that may see identities; others see a number. Overdue tasks "
            "follow the programme and office filters only, not the period, return type or sex."
        ),
    )
    rank = 0
    categories, open_values, late_values = [], {}, {}
    for key, office in keys:
        if key and access.may_identify(office):
            name = names.get(int(key), "?")
        elif key:
            rank += 1
            name = _("Case manager %(number)s") % {"number": rank}
        else:
            name = _("Not assigned")
        panel.rows.append(
            [
                labels.office(office),
                name,
                counter.count(open_cases.get((key, office), 0)),
                counter.count(overdue.get((key, office), 0)),
            ]
        )
        if len(categories) < 25:
            category = f"{office}:{key}"
            categories.append(Axis(category, name))
            open_values[category] = counter.value(open_cases.get((key, office), 0))
            late_values[category] = counter.value(overdue.get((key, office), 0))
    if categories:
        panel.add(
            bars_svg(
                categories=categories,
                series=[
                    Series("open", _("Open cases"), open_values),
                    Series("overdue", _("Overdue tasks"), late_values),
                ],
                title=panel.title,
                desc=panel.desc,
                id_prefix="chart-caseload",
                text=_bar_text(counter),
                number=number,
            )
        )
    return panel


# --- plans and budget ----------------------------------------------------------------------------


PLAN_STATUSES = ["none", *[s for s in Plan.Status.values if s != Plan.Status.SUPERSEDED]]


def plan_status_label(key: str) -> str:
    return _("No plan yet") if key == "none" else str(dict(Plan.Status.choices).get(key, key))


def plans(filters: Filters, labels: Labels, today: date | None = None) -> Panel:
    counter = Counter(filters)
    counts = selectors.counts_by(filters, "plan")
    late = selectors.late_by_office(filters, today)
    panel = Panel(
        "plans",
        _("Plans by status"),
        _("Cases by the status of their current plan; late plans per office."),
        [_("Office"), _("Plan status"), _("Cases")],
        note=_(
            "A plan is late when the case is open, has no approved plan and its due date (arrival plus the "
            "programme's delay, or a recorded exception) has passed."
        ),
    )
    for key in PLAN_STATUSES:
        if counts.get((key,)):
            panel.rows.append([_("All offices"), plan_status_label(key), counter.count(counts[(key,)])])
    for office, n in sorted(late.items(), key=lambda item: labels.office(item[0])):
        panel.rows.append([labels.office(office), _("Late plans"), counter.count(n)])
    values = {key: counter.value(counts.get((key,), 0)) for key in PLAN_STATUSES}
    values["late"] = counter.value(sum(late.values()))
    categories = [Axis(key, plan_status_label(key)) for key in PLAN_STATUSES] + [Axis("late", _("Late plans"))]
    panel.add(
        bars_svg(
            categories=categories,
            series=[Series("cases", _("Cases"), values)],
            title=panel.title,
            desc=panel.desc,
            id_prefix="chart-plans",
            text=_bar_text(counter),
            number=number,
        )
    )
    return panel


def budget(filters: Filters, labels: Labels) -> Panel:
    panel = Panel(
        "budget",
        _("Budget execution"),
        _("Planned and spent amounts per programme, in the programme's currency."),
        [_("Programme"), _("Currency"), _("Cases with a plan"), _("Planned"), _("Spent"), _("Spent / planned")],
        note=_(
            "Planned: current submitted, approved or agreed plans. Spent: every payment recorded. Amounts are "
            "converted with the programme's exchange rates; cases with a missing rate are left out and counted."
        ),
    )
    by_programme: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    for row in selectors.money_by(filters):
        total = by_programme[row["programme_id"]]
        for name in ("planned", "planned_n", "spent", "missing"):
            total[name] += row[name] or 0
    shares, categories = {}, []
    for programme_id, total in sorted(by_programme.items()):
        programme = labels.programmes.get(programme_id)
        if programme is None:
            continue
        planned, spent = Decimal(total["planned"]) / 100, Decimal(total["spent"]) / 100
        share = float(spent / planned) if planned else None
        panel.rows.append([programme.name, programme.currency, total["planned_n"], planned, spent, share])
        categories.append(Axis(str(programme_id), programme.name))
        shares[str(programme_id)] = share
        if total["missing"]:
            panel.note += " " + _("%(programme)s: %(count)s cases have a missing exchange rate.") % {
                "programme": programme.name,
                "count": total["missing"],
            }
    if categories:
        panel.add(
            bars_svg(
                categories=categories,
                series=[Series("share", _("Spent as a share of planned"), shares)],
                title=panel.title,
                desc=panel.desc,
                id_prefix="chart-budget",
                text=lambda s, a, v: "—" if v is None else f"{number(v * 100)} %",
                number=lambda v: f"{number(v * 100)} %",
                max_value=max(1.0, *[v for v in shares.values() if v is not None], 0.0),
            )
        )
    return panel


# --- RSS -----------------------------------------------------------------------------------------


def _bin_label(index: int) -> str:
    return f"{number(index / HIST_BINS)}–{number((index + 1) / HIST_BINS)}"


def binned_quantile(counts: list[int], share: float) -> float:
    """A quantile from counts per band of 1/len(counts), values spread evenly inside each band."""
    total = sum(counts)
    target, seen = share * total, 0.0
    for index, count in enumerate(counts):
        if count and seen + count >= target:
            return (index + (target - seen) / count) / len(counts)
        seen += count
    return 1.0


def _boxes(counts: dict[str, int], minimum: int) -> list[Box]:
    boxes = []
    for name in SCORES:
        for occasion in ("b", "f"):
            bins = [counts.get(f"{occasion}:{name}:{i}", 0) for i in range(HIST_BINS)]
            if sum(bins) < max(1, minimum):
                continue
            low, q1, median, q3, high = (binned_quantile(bins, q) for q in (0.1, 0.25, 0.5, 0.75, 0.9))
            style = STYLES[1] if occasion == "b" else STYLES[0]
            text = (_("%(score)s, baseline") if occasion == "b" else _("%(score)s, follow-up")) % {
                "score": SCORE_LABELS[name]
            }
            boxes.append(Box(f"{occasion}:{name}", text, low, q1, median, q3, high, style))
    return boxes


def distributions(filters: Filters, profile_label: str) -> Panel:
    counter = Counter(filters)
    counts = selectors.histograms(filters)
    panel = Panel(
        "distributions",
        _("RSS score distributions"),
        _("Share of scores in each band of 0.1, at baseline and at the latest follow-up (%(profile)s).")
        % {"profile": profile_label},
        [_("Occasion"), _("Score"), _("From"), _("To"), _("Responses")],
    )
    occasions = {"b": _("Baseline"), "f": _("Latest follow-up")}
    bins = [Axis(str(i), _bin_label(i)) for i in range(HIST_BINS)]
    for name in SCORES:
        series, sizes = [], {}
        for occasion, label in occasions.items():
            raw = {str(i): counts.get(f"{occasion}:{name}:{i}", 0) for i in range(HIST_BINS)}
            total = sizes[occasion] = sum(raw.values())
            for i in range(HIST_BINS):
                if raw[str(i)]:
                    panel.rows.append(
                        [label, str(SCORE_LABELS[name]), i / HIST_BINS, (i + 1) / HIST_BINS, counter.count(raw[str(i)])]
                    )
            shown = {k: (None if counter.value(v) is None else v / total) for k, v in raw.items()} if total else {}
            series.append(Series(occasion, label, shown, STYLES[1] if occasion == "b" else STYLES[0]))
        title = _("%(score)s score") % {"score": SCORE_LABELS[name]}
        panel.add(
            histogram_svg(
                bins=bins,
                series=series,
                title=title,
                desc=panel.desc,
                id_prefix=f"chart-hist-{name}",
                text=lambda s, axis, value: f"{number(value * 100)} %" if value is not None else SUPPRESSED,
                number=lambda v: f"{number(v * 100)} %",
            ),
            _("%(title)s: baseline n = %(baseline)s, follow-up n = %(follow_up)s")
            % {
                "title": title,
                "baseline": counter.text(counter.value(sizes["b"])),
                "follow_up": counter.text(counter.value(sizes["f"])),
            },
        )
    boxes = _boxes(counts, selectors.min_cell())
    if boxes:
        title = _("Quartiles of each score")
        panel.add(
            box_svg(boxes=boxes, title=title, desc=panel.desc, id_prefix="chart-boxes", number=number),
            _(
                "%(title)s: box from the first to the third quartile, line at the median, whiskers from the 10th "
                "to the 90th percentile, estimated from the bands of 0.1."
            )
            % {"title": title},
        )
    return panel


def change(filters: Filters, labels: Labels, breakdown: str, breakdown_label: str, profile_label: str) -> Panel:
    counter = Counter(filters)
    minimum = selectors.min_cell()
    groups: dict[str, ScoreGroup] = {g.key: g for g in selectors.score_groups(filters, breakdown)}
    order = group_order(breakdown, list(groups), labels)
    columns = [breakdown_label, _("Cases")]
    for name in SCORES:
        score = SCORE_LABELS[name]
        columns += [
            _("%(score)s: baseline n") % {"score": score},
            _("%(score)s: baseline mean") % {"score": score},
            _("%(score)s: follow-up n") % {"score": score},
            _("%(score)s: follow-up mean") % {"score": score},
            _("%(score)s: pairs n") % {"score": score},
            _("%(score)s: mean change") % {"score": score},
        ]
    panel = Panel(
        "change",
        _("Change from baseline to follow-up"),
        _(
            "Mean change of each score (latest follow-up minus baseline, cases with both), "
            "by %(breakdown)s (%(profile)s)."
        )
        % {"breakdown": breakdown_label.lower(), "profile": profile_label},
        columns,
        note=_(
            "Means of fewer than %(n)s cases are not shown. A case with several assistance types counts once in each."
        )
        % {"n": minimum},
    )
    series = {name: {} for name in SCORES}
    categories = []
    for key in order:
        group = groups[key]
        label = labels.group(breakdown, key)
        row = [label, counter.count(group.cases)]
        for name in SCORES:
            for prefix in ("base", "follow", "change"):
                mean = group.mean(prefix, name, minimum)
                row += [counter.count(group.n(prefix, name)), None if mean is None else round(mean, 4)]
            series[name][key] = group.mean("change", name, minimum)
        panel.rows.append(row)
        categories.append(Axis(key, label))
    if categories:
        panel.add(
            bars_svg(
                categories=categories,
                series=[Series(name, str(SCORE_LABELS[name]), series[name]) for name in SCORES],
                title=panel.title,
                desc=panel.desc,
                id_prefix="chart-change",
                text=lambda s, axis, value: "—" if value is None else number(value),
                number=number,
                signed=True,
            )
        )
    return panel
