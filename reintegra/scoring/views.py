"""Scoring-profile pages: M&E officers and administrators manage; anyone with a case role reads.

Everyone else gets 404. Re-scoring runs one chunk per request: the page shows the count and,
while responses remain, continues by itself (htmx) or with a button.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reintegra.scoring import selectors, services
from reintegra.scoring.forms import ProfileUploadForm
from reintegra.scoring.profile import DIMENSIONS

RESCORE_PER_REQUEST = services.RESCORE_CHUNK


@login_required
@require_GET
def profile_list(request: HttpRequest) -> HttpResponse:
    profiles = list(selectors.profiles_for(request.user))
    context = {"profiles": profiles, "may_manage": selectors.may_manage_profiles(request.user)}
    return render(request, "scoring/profile_list.html", context)


def _tables(definition: dict) -> dict:
    """The definition arranged for display: items with their values, indicators per dimension with weights."""
    weights = definition["dimension_weights"]
    indicators = [
        {**ind, "weight": weights.get(ind["dimension"], {}).get(ind["id"])} for ind in definition["indicators"]
    ]
    return {
        "items": definition["items"],
        "dimensions": [(d, [ind for ind in indicators if ind["dimension"] == d]) for d in DIMENSIONS],
        "composite": sorted(definition["composite_weights"].items()),
        "composite_over": definition.get("composite_over", "dimensions"),
        "rule": definition["missing_rule"],
        "bands": definition.get("bands", []),
    }


@login_required
@require_GET
def profile_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = selectors.profile_for(request.user, pk)
    may_manage = selectors.may_manage_profiles(request.user)
    context = {
        "profile": profile,
        "may_manage": may_manage,
        "score_count": selectors.profile_score_count(profile) if may_manage else None,
        **_tables(profile.definition),
    }
    return render(request, "scoring/profile_detail.html", context)


@login_required
@require_GET
def profile_source(request: HttpRequest, pk: int) -> HttpResponse:
    profile = selectors.profile_for(request.user, pk)
    response = HttpResponse(profile.source_text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{profile.code}-{profile.version}.yaml"'
    return response


@login_required
def profile_upload(request: HttpRequest) -> HttpResponse:
    selectors.require_profile_manager(request.user)
    form = ProfileUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            profile = services.profile_load(
                actor=request.user,
                source_text=form.cleaned_data["file"],
                make_default=form.cleaned_data["make_default"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Profile %(profile)s is loaded.") % {"profile": profile})
            return redirect("scoring:profile_detail", pk=profile.pk)
    status = 400 if form.is_bound else 200
    return render(request, "scoring/profile_upload.html", {"form": form}, status=status)


@login_required
@require_POST
def profile_make_default(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.require_profile_manager(request.user)
    profile = selectors.profile_for(request.user, pk)
    try:
        services.profile_set_default(actor=request.user, profile=profile)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("New responses are now scored with %(profile)s.") % {"profile": profile})
    return redirect("scoring:profile_detail", pk=profile.pk)


@login_required
@require_POST
def profile_rescore(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.require_profile_manager(request.user)
    profile = selectors.profile_for(request.user, pk)
    result = services.profile_rescore(actor=request.user, profile=profile, limit=RESCORE_PER_REQUEST)
    previous = request.POST.get("done", "")
    done = (int(previous) if previous.isdigit() else 0) + result.created
    context = {"profile": profile, "result": result, "done": done}
    template = "scoring/profile_rescore.html#progress" if request.htmx else "scoring/profile_rescore.html"
    return render(request, template, context)
