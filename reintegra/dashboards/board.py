"""What a dashboard shows one user: the filter form in their scope and the panels it selects.

The pages, the CSV downloads and the API all go through here, so they show the same figures
with the same small-cell rule.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from reintegra.dashboards import panels, selectors
from reintegra.dashboards.forms import BREAKDOWNS, FilterForm

PAGES = {"cases": ("stages", "caseload"), "plans": ("plans", "budget"), "rss": ("distributions", "change")}
PANEL_NAMES = tuple(name for names in PAGES.values() for name in names)


def filter_form(user, data) -> FilterForm:
    """The filter form for `user` (404 for roles without dashboards), bound to `data` when there is any."""
    selectors.require_dashboards(user)
    form = FilterForm(
        data or None,
        offices=selectors.scope_offices(user),
        programmes=selectors.scope_programmes(user),
    )
    if not form.is_bound:
        form.cleaned_data = {}
    return form


def scoped_filters(user, form: FilterForm) -> selectors.Filters:
    """The validated filters, with small cells suppressed when the user may not see exact counts."""
    offices = form.filters(suppress=False).offices
    return form.filters(suppress=selectors.suppressed_for(user, offices))


def profile_label(fresh: selectors.Freshness) -> str:
    profile = fresh.profile
    return _("profile %(code)s v%(version)s") % {"code": profile.code, "version": profile.version} if profile else "—"


def build_panels(user, form: FilterForm, names, fresh: selectors.Freshness) -> list[panels.Panel]:
    """The panels `names` for a valid form, read from the pre-aggregated cells."""
    filters = scoped_filters(user, form)
    labels = panels.Labels.load()
    today = timezone.localdate()
    breakdown = form.breakdown
    builders = {
        "stages": lambda: panels.stages(filters, labels),
        "caseload": lambda: panels.caseload(user, filters, labels, today),
        "plans": lambda: panels.plans(filters, labels, today),
        "budget": lambda: panels.budget(filters, labels),
        "distributions": lambda: panels.distributions(filters, profile_label(fresh)),
        "change": lambda: panels.change(
            filters, labels, breakdown, str(dict(BREAKDOWNS)[breakdown]), profile_label(fresh)
        ),
    }
    return [builders[name]() for name in names]


def typed_filters(form: FilterForm, data) -> dict[str, str]:
    """The filters as the user typed them (for the audit trail)."""
    return {field: data[field] for field in form.fields if data.get(field) not in (None, "")}
