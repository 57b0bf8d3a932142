"""Monitoring pages: the follow-ups due, the follow-up rules, and samples with their contact outcomes.

Each view: scoped lookup (404 outside scope) → form → one service → redirect or render.
"""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from reintegra.accounts.access import access_for
from reintegra.cases.forms import add_service_errors
from reintegra.cases.views.common import case_page
from reintegra.lib.cells import safe_cell
from reintegra.monitoring import forms, selectors, services
from reintegra.monitoring.models import Sample

MEMBERS_PAGE = 50


def _require_cases(request) -> None:
    if not access_for(request.user).sees_cases:
        raise Http404


# ------------------------------------------------------------------ follow-ups due


@case_page
def follow_ups(request):
    """Follow-ups due: a case manager's own cases; the whole office for supervisors and M&E (pseudonymised)."""
    _require_cases(request)
    access = access_for(request.user)
    programmes = selectors.seen_programmes(request.user)
    offices = sorted({o for p in programmes for o in p.offices.all() if o.pk in access.case_offices}, key=str)
    form = forms.DueFilterForm(request.GET or None, programmes=programmes, offices=offices)
    chosen = form.cleaned_data if form.is_valid() else {}
    listing = selectors.due_list(
        request.user,
        programme=selectors.programme_for(programmes, chosen["programme"]) if chosen.get("programme") else None,
        office_id=chosen.get("office"),
        states=form.states(),
        page=request.GET.get("page", 1),
    )
    context = {
        "form": form,
        "listing": listing,
        "schedulable": selectors.configure_programmes(request.user),
        "query": _without_page(request.GET),
    }
    return render(request, "monitoring/follow_ups.html", context)


def _without_page(query) -> str:
    query = query.copy()
    query.pop("page", None)
    return query.urlencode()


def _schedule_summary(result: services.ScheduleResult) -> str:
    created, already_open, no_consent = len(result.created), result.already_open, result.no_consent
    return " ".join(
        [
            ngettext("%(count)s follow-up task created.", "%(count)s follow-up tasks created.", created)
            % {"count": created},
            ngettext(
                "%(count)s occasion already had an open task.",
                "%(count)s occasions already had an open task.",
                already_open,
            )
            % {"count": already_open},
            ngettext(
                "%(count)s follow-up waits for monitoring consent to be recorded.",
                "%(count)s follow-ups wait for monitoring consent to be recorded.",
                no_consent,
            )
            % {"count": no_consent},
        ]
    )


@case_page
@require_POST
def schedule(request, programme_pk):
    programme = selectors.programme_for(selectors.rule_programmes(request.user), programme_pk)
    result = services.schedule_follow_ups(actor=request.user, programme=programme)
    messages.success(request, _schedule_summary(result))
    return redirect("monitoring:follow_ups")


# ------------------------------------------------------------------ rules


@case_page
def rules(request, programme_pk):
    """The programme's follow-up rules; programme managers add rules here, others read them."""
    programme = selectors.programme_for(selectors.rule_programmes(request.user), programme_pk)
    may_configure = programme in selectors.configure_programmes(request.user)
    form = forms.RuleForm(request.POST or None)
    if request.method == "POST":
        if not may_configure:
            raise PermissionDenied(gettext("Only a programme manager of this programme may do this."))
        if form.is_valid():
            try:
                services.rule_save(actor=request.user, programme=programme, data=form.rule_input())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, gettext("The rule was saved."))
                return redirect("monitoring:rules", programme.pk)
    context = {
        "programme": programme,
        "rules": selectors.rules_of([programme]),
        "form": form if may_configure else None,
        "may_configure": may_configure,
    }
    return render(request, "monitoring/rules.html", context, status=400 if form.errors else 200)


@case_page
def rule_edit(request, pk):
    rule = selectors.rule_for(request.user, pk)
    if rule.programme not in selectors.configure_programmes(request.user):
        raise PermissionDenied(gettext("Only a programme manager of this programme may do this."))
    initial = {name: getattr(rule, name) for name in services.RULE_FIELDS}
    form = forms.RuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_save(actor=request.user, programme=rule.programme, rule=rule, data=form.rule_input())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("The rule was saved."))
            return redirect("monitoring:rules", rule.programme_id)
    context = {"programme": rule.programme, "rule": rule, "form": form}
    return render(request, "monitoring/rule_edit.html", context, status=400 if form.errors else 200)


# ------------------------------------------------------------------ samples


@case_page
def samples(request):
    _require_cases(request)
    page = Paginator(selectors.samples_for(request.user), 50).get_page(request.GET.get("page", 1))
    context = {"page": page, "draw_programmes": selectors.draw_programmes(request.user)}
    return render(request, "monitoring/samples.html", context)


def _sample_form_page(request, programme, form, redraw_of=None):
    """GET shows the form; "preview" shows the frame and allocation; "draw" records the sample."""
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.sample_input()
        try:
            if "draw" in request.POST:
                sample = services.sample_draw(
                    actor=request.user,
                    programme=programme,
                    data=data,
                    seed=form.cleaned_data["seed"],
                    redraw_of=redraw_of,
                )
                messages.success(request, gettext("The sample was drawn with seed %(seed)s.") % {"seed": sample.seed})
                return redirect(sample)
            preview = services.sample_preview(actor=request.user, programme=programme, data=data)
        except ValidationError as error:
            add_service_errors(form, error)
    context = {"programme": programme, "form": form, "preview": preview, "redraw_of": redraw_of}
    template = "monitoring/sample_form.html#preview" if request.htmx else "monitoring/sample_form.html"
    return render(request, template, context, status=400 if form.errors else 200)


def _drawing_offices(request, programme):
    offices = selectors.draw_offices(request.user)
    return [office for office in programme.offices.all() if office.pk in offices]


@case_page
def sample_create(request):
    programmes = selectors.draw_programmes(request.user)
    if not programmes:
        raise Http404
    programme = selectors.programme_for(programmes, request.GET.get("programme") or programmes[0].pk)
    form = forms.SampleForm(
        request.POST or None,
        offices=_drawing_offices(request, programme),
        initial={"allocation": Sample.Allocation.PROPORTIONAL, "instrument": selectors.default_instrument()},
    )
    return _sample_form_page(request, programme, form)


@case_page
def sample_redraw(request, pk):
    """A new draw with the same definition (a new seed unless one is given); the earlier sample is kept."""
    sample = selectors.sample_for(request.user, pk)
    programme = selectors.programme_for(selectors.draw_programmes(request.user), sample.programme_id)
    initial = forms.SampleForm.initial_of(sample) | {"seed": None}
    form = forms.SampleForm(request.POST or None, offices=_drawing_offices(request, programme), initial=initial)
    return _sample_form_page(request, programme, form, redraw_of=sample)


def _member_rows(request, sample, members, bound=None):
    access = access_for(request.user)
    spot_check = sample.purpose == Sample.Purpose.SPOT_CHECK
    for member in members:
        member.show_identity = access.may_identify(member.case.office_id)
        member.editable = selectors.may_record_outcome(request.user, member)
        if bound is not None and bound.prefix == f"m{member.pk}":
            member.form = bound
        elif member.editable:
            member.form = forms.OutcomeForm(
                initial=forms.OutcomeForm.initial_of(member),
                identify=member.show_identity,
                spot_check=spot_check,
                prefix=f"m{member.pk}",
            )
    return members


def _detail(request, sample, bound=None, status=200):
    members = selectors.sample_members(request.user, sample)
    page = Paginator(members, MEMBERS_PAGE).get_page(request.GET.get("page", 1))
    context = {
        "sample": sample,
        "page": page,
        "members": _member_rows(request, sample, list(page.object_list), bound),
        "rates": selectors.sample_rates(members, sample),
        "strata": [
            (label, sample.frame_sizes[key]["frame"], sample.frame_sizes[key]["allocated"])
            for key, label in sorted(selectors.stratum_labels(sample).items())
        ],
        "may_redraw": sample.programme in selectors.draw_programmes(request.user),
    }
    return render(request, "monitoring/sample_detail.html", context, status=status)


@case_page
def sample_detail(request, pk):
    return _detail(request, selectors.sample_for(request.user, pk))


@case_page
@require_POST
def member_outcome(request, pk, member_pk):
    sample = selectors.sample_for(request.user, pk)
    member = selectors.member_for(request.user, sample, member_pk)
    identify = access_for(request.user).may_identify(member.case.office_id)
    form = forms.OutcomeForm(
        request.POST, identify=identify, spot_check=sample.purpose == Sample.Purpose.SPOT_CHECK, prefix=f"m{member.pk}"
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.member_outcome_record(
                actor=request.user,
                member=member,
                outcome=data["outcome"],
                outcome_on=data["outcome_on"],
                certificate_check=data.get("certificate_check", member.certificate_check) or "",
                note=data.get("note"),
                certificate_note=data.get("certificate_note"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
    if request.htmx:
        (member,) = _member_rows(request, sample, [member], form if form.errors else None)
        context = {"sample": sample, "member": member}
        return render(request, "monitoring/sample_detail.html#member_row", context, status=400 if form.errors else 200)
    if form.errors:
        return _detail(request, sample, bound=form, status=400)
    messages.success(request, gettext("The outcome was recorded."))
    return redirect(sample)


CSV_HEADER = ["order", "stratum", "case_number", "pseudonym", "office", "outcome", "outcome_on", "certificate_check"]


@case_page
def sample_csv(request, pk):
    """The members as CSV: pseudonymised (no names, no notes) unless the user may identify every row."""
    sample = selectors.sample_for(request.user, pk)
    members = list(selectors.sample_members(request.user, sample))
    access = access_for(request.user)
    identified = bool(members) and all(access.may_identify(m.case.office_id) for m in members)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sample-{sample.pk}.csv"'
    writer = csv.writer(response)
    extra = ["given_names", "family_name", "note", "certificate_note"] if identified else []
    writer.writerow(CSV_HEADER + extra)
    labels = selectors.stratum_labels(sample)
    for m in members:
        row = [m.order, labels.get(m.stratum, m.stratum), m.case.number, m.case.person.pseudonym, m.case.office.name]
        row += [m.outcome, m.outcome_on.isoformat() if m.outcome_on else "", m.certificate_check]
        if identified:
            row += [m.case.person.given_names, m.case.person.family_name, m.note, m.certificate_note]
        writer.writerow([safe_cell(str(cell)) for cell in row])
    services.sample_exported(actor=request.user, sample=sample, identified=identified, rows=len(members))
    return response
