"""Referral pages of the referring office: create (choose, preview, send), read, no response or cancel,
the overdue list and the referral form PDF. Partner pages are in `views_partner`, the desk in `views_desk`.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from reintegra.accounts.access import access_for
from reintegra.cases.models import ConsentPurpose
from reintegra.cases.selectors import case_for, consent_given
from reintegra.directory.forms import SearchForm
from reintegra.directory.selectors import search_services
from reintegra.referrals import package as pkg
from reintegra.referrals import pdf, selectors, services
from reintegra.referrals.access import may_override_consent, may_read_package, may_refer
from reintegra.referrals.forms import OfficeMoveForm, ReferralForm, add_service_errors
from reintegra.referrals.models import OFFICE_MOVES

SEARCH_LIMIT = 25
# Service errors about the package as a whole are shown at the top of the form.
SERVICE_ERROR_ALIASES = {"digest": "__all__", "consent": "__all__", "case": "__all__"}


def referral_page(view):
    """Signed-in users only; a refused action is a translated 403 page, never a 500."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as refusal:
            message = str(refusal) or gettext("You are not allowed to do this.")
            return render(request, "referrals/forbidden.html", {"message": message}, status=403)

    return wrapped


# ------------------------------------------------------------------ create: choose, preview, send


def _search_form(request, case, activity):
    """The directory search, by default on the case's place of return and the activity's category."""
    if any(key in request.GET for key in SearchForm.base_fields):
        return SearchForm(request.GET)
    category = activity.type.service_category if activity and activity.type.service_category_id else None
    defaults = {
        "country": case.return_country,
        "region": case.return_region,
        "category": category.code if category else "",
    }
    return SearchForm(defaults)


def _initial(activity) -> dict:
    if activity is None:
        return {"shared_fields": pkg.MINIMAL}
    return {
        "activity": activity.pk,
        "service": activity.provider_service_id,
        "need_summary": activity.description,
        "shared_fields": pkg.MINIMAL,
    }


def _form_context(request, case, form, activities, activity=None) -> dict:
    search = _search_form(request, case, activity)
    results = list(search_services(request.user, search.filters())[:SEARCH_LIMIT]) if search.is_valid() else []
    return {
        "case": case,
        "form": form,
        "search": search,
        "results": results,
        "activities": activities,
        "sharing_consent": consent_given(case, ConsentPurpose.SHARING),
        "may_override": may_override_consent(request.user),
        "field_help": {f.code: f.help for f in pkg.CATALOGUE},
    }


@referral_page
def referral_create(request, number):
    case = case_for(request.user, number)
    if not may_refer(request.user, case):
        raise PermissionDenied(gettext("You may not refer returnees of this office."))
    activities = selectors.referral_activities(case)
    chosen = next((a for a in activities if str(a.pk) == request.GET.get("activity")), None)
    kwargs = {"user": request.user, "activities": activities, "may_override": may_override_consent(request.user)}
    if request.method != "POST":
        form = ReferralForm(initial=_initial(chosen), **kwargs)
        return render(request, "referrals/referral_form.html", _form_context(request, case, form, activities, chosen))
    form = ReferralForm(request.POST, **kwargs)
    action = request.POST.get("action", "preview")
    if form.is_valid() and action in ("preview", "send"):
        try:
            if action == "send":
                referral = _send(request, case, form)
                messages.success(request, gettext("The referral %(reference)s is sent.") % {"reference": referral})
                return redirect(referral.get_absolute_url())
            preview = services.referral_preview(actor=request.user, case=case, data=form.referral_input())
            return _preview_page(request, case, form, preview)
        except ValidationError as error:
            add_service_errors(form, error, aliases=SERVICE_ERROR_ALIASES)
    context = _form_context(request, case, form, activities, chosen)
    return render(request, "referrals/referral_form.html", context, status=400 if form.errors else 200)


def _send(request, case, form):
    return services.referral_send(
        actor=request.user,
        case=case,
        data=form.referral_input(),
        exception=form.exception_input(),
        expected_digest=form.cleaned_data["digest"] or "",
    )


def _preview_page(request, case, form, preview):
    data = form.cleaned_data
    context = {
        "case": case,
        "form": form,
        "package": preview["package"],
        "rows": pkg.rows(preview["package"]),
        "digest": preview["digest"],
        "service": data["service"],
        "exception": form.exception_input(),
        "sharing_consent": consent_given(case, ConsentPurpose.SHARING),
    }
    return render(request, "referrals/referral_preview.html", context)


# ------------------------------------------------------------------ read and act


def _detail_context(request, referral) -> dict:
    access = access_for(request.user)
    writable = access.may_work_on(referral.case.office_id)
    today = timezone.localdate()
    moves = [s for s, sources in OFFICE_MOVES.items() if referral.status in sources] if writable else []
    return {
        "referral": referral,
        "case": referral.case,
        "identify": access.may_identify(referral.case.office_id),
        "show_package": may_read_package(request.user, referral),
        "rows": pkg.rows(referral.shared_snapshot),
        "events": selectors.events_of(referral),
        "overdue": referral.is_overdue(today),
        "may_mark_no_response": "no_response" in moves and referral.response_due < today,
        "may_cancel": "cancelled" in moves,
    }


@referral_page
@require_GET
def referral_detail(request, pk):
    referral = selectors.referral_for(request.user, pk)
    context = _detail_context(request, referral)
    context["move_form"] = OfficeMoveForm()
    return render(request, "referrals/referral_detail.html", context)


@referral_page
@require_POST
def referral_move(request, pk):
    referral = selectors.referral_for(request.user, pk)
    form = OfficeMoveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.referral_office_move(
                actor=request.user, referral=referral, status=data["status"], note=data["note"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("The referral is updated."))
            return redirect(referral.get_absolute_url())
    context = _detail_context(request, referral)
    context["move_form"] = form
    return render(request, "referrals/referral_detail.html", context, status=400)


@referral_page
@require_GET
def referral_pdf(request, pk):
    referral = selectors.referral_for(request.user, pk)
    if not may_read_package(request.user, referral):
        raise Http404
    return _pdf_response(request, referral)


def _pdf_response(request, referral) -> HttpResponse:
    content, language = pdf.referral_pdf_bytes(request, referral, request.GET.get("lang", ""))
    services.referral_printed(actor=request.user, referral=referral, language=language)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="referral-{referral.reference}.pdf"'
    return response


@referral_page
@require_GET
def overdue(request):
    access = access_for(request.user)
    if not access.sees_cases:
        raise Http404
    rows = list(selectors.overdue_referrals(request.user)[:300])
    today = timezone.localdate()
    context = {
        "unanswered": [r for r in rows if r.is_overdue(today)],
        "stale": [r for r in rows if not r.is_overdue(today)],
        "stale_days": selectors.STALE_AFTER_DAYS,
        "identifying": access.identifying,
    }
    return render(request, "referrals/overdue.html", context)
