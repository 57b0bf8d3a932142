"""Weights calibration page (M&E officers and administrators; everyone else 404).

GET analyses the selected responses and shows the PCA weights beside the active profile's; POST
re-runs the same analysis (posted weights are never trusted) and saves it as a new, provisional,
non-default profile through `profile_load`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from reintegra.accounts.models import Programme
from reintegra.scoring import calibration, selectors, services
from reintegra.scoring.forms_calibration import AnalysisForm, SaveForm


def _programmes(user):
    return list(Programme.objects.filter(offices__in=calibration.calibration_offices(user)).distinct())


def _rows(result: calibration.Calibration) -> list[dict]:
    """Per analysis: its indicators with loading, PCA weight and the active profile's weight."""
    definition = result.profile.definition
    current = dict(definition["dimension_weights"])
    composite = definition["composite_weights"]
    current[calibration.COMPOSITE] = composite if definition.get("composite_over") == "indicators" else {}
    tables = []
    for component in result.components:
        tables.append(
            {
                "component": component,
                "composite_over_dimensions": component.scope == calibration.COMPOSITE and not current["composite"],
                "rows": [
                    {
                        "indicator": ident,
                        "loading": component.loadings.get(ident),
                        "weight": component.weights.get(ident),
                        "current": current.get(component.scope, {}).get(ident),
                        "constant": ident in component.constant,
                        "opposite": ident in component.opposite,
                    }
                    for ident in component.indicators
                ],
            }
        )
    return tables


def _initial(profile) -> dict:
    today = timezone.localdate().isoformat()
    return {
        "code": f"{profile.code}-pca"[:60],
        "version": today,
        "name_en": f"{profile.name_en[:120]} — PCA weights {today}",
        "name_fr": f"{profile.name_fr[:120]} — pondérations ACP {today}",
        "status": "draft",
        "composite": "pca",
    }


def _note(result: calibration.Calibration, filters: dict) -> str:
    sizes = ", ".join(f"{c.scope} n={c.n}" for c in result.components)
    chosen = ", ".join(f"{key}={value}" for key, value in filters.items() if value) or "none"
    return (
        f"PCA weights (first component, squared loadings scaled to 1) calibrated on {timezone.localdate()} "
        f"from {result.responses} submitted responses ({sizes}); filters: {chosen}; indicator values of "
        f"{result.profile.code} v{result.profile.version}. Provisional: needs M&E review; not comparable "
        "with IOM-published scores."
    )


@login_required
@require_http_methods(["GET", "POST"])
def calibration_page(request):
    selectors.require_profile_manager(request.user)
    profile = selectors.default_profile("rss")
    analysis = AnalysisForm(request.GET or None, programmes=_programmes(request.user))
    result = None
    if profile is not None and analysis.is_bound and analysis.is_valid():
        result = calibration.calibrate(request.user, profile, **analysis.filters())
    save = SaveForm(request.POST or None, initial=_initial(profile) if profile else None)
    if request.method == "POST" and result is not None and result.ok and save.is_valid():
        data = save.cleaned_data
        try:
            text = calibration.calibrated_source(result, note=_note(result, analysis.filters()), **data)
            saved = services.profile_load(actor=request.user, source_text=text, make_default=False)
        except ValidationError as error:
            save.add_error(None, error)
        else:
            messages.success(
                request, _("Profile %(profile)s is saved. It is not the default profile.") % {"profile": saved}
            )
            return redirect("scoring:profile_detail", pk=saved.pk)
    context = {
        "profile": profile,
        "analysis": analysis,
        "result": result,
        "tables": _rows(result) if result else [],
        "save": save,
        "min_n": calibration.MIN_N,
        "max_responses": calibration.MAX_RESPONSES,
        "query": request.GET.urlencode(),
    }
    status = (
        400 if (analysis.is_bound and not analysis.is_valid()) or (request.method == "POST" and save.errors) else 200
    )
    return render(request, "scoring/calibration.html", context, status=status)
