"""Programme set-up pages for administrators: the office tree and programmes.

Only administrators (`access.administer`, which reaches sub-offices) see them; everyone else 404.
Country offices and the first administrator come from `manage.py create_office` and
`create_administrator` (README, "Production setup").
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reintegra.accounts import selectors, services
from reintegra.accounts.forms import apply_errors
from reintegra.accounts.forms_setup import OfficeForm, ProgrammeForm


def _administered(request: HttpRequest) -> list:
    """The offices the user administers; 404 when there are none."""
    offices = list(selectors.administered_offices(request.user))
    if not offices:
        raise Http404
    return offices


@login_required
@require_GET
def office_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.office_tree(request.user)
    if not rows:
        raise Http404
    return render(request, "accounts/office_list.html", {"rows": rows})


def _initial_from_parent(request: HttpRequest, offices: list) -> dict:
    """Prefill country and language from ?parent=<id> when it is an administered office."""
    parent = next((o for o in offices if str(o.pk) == request.GET.get("parent")), None)
    if parent is None:
        return {}
    return {"parent": parent.pk, "country": parent.country, "language": parent.language}


@login_required
def office_create(request: HttpRequest) -> HttpResponse:
    offices = _administered(request)
    form = OfficeForm(request.POST or None, parents=offices, initial=_initial_from_parent(request, offices))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            office = services.office_create(
                actor=request.user,
                parent=form.chosen_parent(),
                **{name: data[name] for name in ["name", "code", "country", "language"]},
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The office %(name)s is created.") % {"name": office})
            return redirect("accounts:office_list")
    status = 400 if form.is_bound else 200
    return render(request, "accounts/office_form.html", {"form": form, "creating": True}, status=status)


@login_required
def office_edit(request: HttpRequest, pk: int) -> HttpResponse:
    offices = _administered(request)
    office = selectors.office_for_admin(request.user, pk)
    form = OfficeForm(request.POST or None, parents=offices, office=office)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.office_update(
                actor=request.user,
                office=office,
                kind=data.get("kind"),
                parent=form.chosen_parent(),
                **{name: data[name] for name in ["name", "code", "country", "language"]},
            )
        except ValidationError as error:
            office.refresh_from_db()
            apply_errors(form, error)
        else:
            messages.success(request, _("The changes to %(name)s are saved.") % {"name": office})
            return redirect("accounts:office_list")
    status = 400 if form.is_bound else 200
    return render(request, "accounts/office_form.html", {"form": form, "subject": office}, status=status)


@login_required
@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    _administered(request)
    rows = [(p, services.may_edit_programme(request.user, p)) for p in selectors.programmes_for_admin(request.user)]
    return render(request, "accounts/programme_list.html", {"rows": rows})


@login_required
def programme_create(request: HttpRequest) -> HttpResponse:
    _administered(request)
    form = ProgrammeForm(request.POST or None, offices=selectors.administered_offices(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(
                actor=request.user, data=form.programme_input(), offices=form.cleaned_data["offices"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The programme %(name)s is created.") % {"name": programme})
            return redirect("accounts:programme_list")
    status = 400 if form.is_bound else 200
    return render(request, "accounts/programme_form.html", {"form": form, "creating": True}, status=status)


@login_required
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The form when the user administers every office of the programme; otherwise read-only."""
    _administered(request)
    programme = selectors.programme_for_admin(request.user, pk)
    editable = services.may_edit_programme(request.user, programme)
    if not editable and request.method == "POST":
        raise PermissionDenied
    offices = selectors.administered_offices(request.user)
    form = ProgrammeForm(request.POST or None, offices=offices, programme=programme) if editable else None
    if form is not None and form.is_bound and form.is_valid():
        try:
            services.programme_update(
                actor=request.user,
                programme=programme,
                data=form.programme_input(),
                offices=form.cleaned_data["offices"],
            )
        except ValidationError as error:
            programme.refresh_from_db(fields=services.PROGRAMME_FIELDS)
            apply_errors(form, error)
        else:
            messages.success(request, _("The changes to %(name)s are saved.") % {"name": programme})
            return redirect("accounts:programme_list")
    context = {"form": form, "subject": programme, "editable": editable}
    return render(request, "accounts/programme_form.html", context, status=400 if form and form.is_bound else 200)
