"""Structural pages: tabs Stakeholders · Agreements · Capacity building · Coordination.

Each view: scoped selector (404 outside scope) → form → service → redirect, or the bound form
re-rendered with its errors (status 400). Readers without edit rights get the translated 403 page
on edit pages; partners, administrators without a case role and other offices get 404.
"""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from reintegra.cases.views.common import case_page, form_page, section_post
from reintegra.structural import access, selectors, services
from reintegra.structural.forms import (
    AgreementForm,
    BodyForm,
    CapacityForm,
    DiscussionForm,
    FilterForm,
    MeetingForm,
    StakeholderForm,
)

FORM_TEMPLATE = "structural/form.html"


def _require_reader(request) -> None:
    if not access.may_read(request.user):
        raise Http404


def _list_page(request, tab: str, select, template: str, extra=None):
    """A tab's list: office filter and text search over the offices the user reads."""
    _require_reader(request)
    form = FilterForm(request.GET or None, offices=access.readable_offices(request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    office = filters.get("office")
    rows = list(select(request.user, office_id=office.pk if office else None, text=filters.get("q", "")))
    context = {
        "tab": tab,
        "form": form,
        "rows": rows,
        "today": timezone.localdate(),
        "may_create": bool(access.editable_offices(request.user)),
        **(extra(rows) if extra else {}),
    }
    return render(request, template, context)


def _create_offices(request) -> frozenset[int]:
    _require_reader(request)
    offices = access.editable_offices(request.user)
    if not offices:
        raise Http404
    return offices


def _form_context(tab: str, heading: str, cancel_url: str) -> dict:
    return {"tab": tab, "heading": heading, "cancel_url": cancel_url}


# --- stakeholders ------------------------------------------------------------------------------


@case_page
def stakeholder_list(request):
    def due(rows):
        return {"reviews_due": selectors.reviews_due(rows, timezone.localdate())}

    return _list_page(request, "stakeholders", selectors.stakeholder_list, "structural/stakeholder_list.html", due)


@case_page
@require_http_methods(["GET", "POST"])
def stakeholder_create(request):
    form = StakeholderForm(request.POST or None, offices=_create_offices(request))
    return form_page(
        request,
        form,
        lambda f: services.stakeholder_save(actor=request.user, office=f.cleaned_data["office"], data=f.to_input()),
        gettext("The stakeholder was added."),
        template=FORM_TEMPLATE,
        context=_form_context("stakeholders", gettext("Add a stakeholder"), reverse("structural:stakeholders")),
    )


@case_page
@require_http_methods(["GET", "POST"])
def stakeholder_edit(request, pk):
    stakeholder = selectors.stakeholder_for(request.user, pk)
    access.require_editor(request.user, stakeholder.office_id)
    form = StakeholderForm(request.POST or None, instance=stakeholder)
    return form_page(
        request,
        form,
        lambda f: services.stakeholder_save(actor=request.user, stakeholder=stakeholder, data=f.to_input()),
        gettext("The stakeholder was saved."),
        template=FORM_TEMPLATE,
        context=_form_context(
            "stakeholders",
            gettext("Edit %(name)s") % {"name": stakeholder.name},
            stakeholder.get_absolute_url(),
        ),
    )


@case_page
def stakeholder_detail(request, pk):
    stakeholder = selectors.stakeholder_for(request.user, pk)
    return render_stakeholder(request, stakeholder)


def render_stakeholder(request, stakeholder, *, status=200, discussion_form=None):
    may_edit = access.may_edit(request.user, stakeholder.office_id)
    context = {
        "tab": "stakeholders",
        "stakeholder": stakeholder,
        "today": timezone.localdate(),
        "discussions": selectors.discussions_of(stakeholder),
        "agreements": selectors.agreements_of(stakeholder),
        "may_edit": may_edit,
        "discussion_form": discussion_form or (DiscussionForm() if may_edit else None),
    }
    return render(request, "structural/stakeholder_detail.html", context, status=status)


@case_page
@require_POST
def discussion_add(request, pk):
    stakeholder = selectors.stakeholder_for(request.user, pk)
    access.require_editor(request.user, stakeholder.office_id)
    form = DiscussionForm(request.POST)
    return section_post(
        request,
        form,
        lambda data: services.discussion_add(actor=request.user, stakeholder=stakeholder, **data),
        gettext("The discussion was added to the log."),
        parent=stakeholder,
        redisplay=lambda bound: render_stakeholder(request, stakeholder, status=400, discussion_form=bound),
    )


# --- agreements --------------------------------------------------------------------------------


@case_page
def agreement_list(request):
    return _list_page(request, "agreements", selectors.agreement_list, "structural/agreement_list.html")


@case_page
@require_http_methods(["GET", "POST"])
def agreement_create(request):
    form = AgreementForm(request.POST or None, offices=_create_offices(request))
    return form_page(
        request,
        form,
        lambda f: services.agreement_save(actor=request.user, office=f.cleaned_data["office"], data=f.to_input()),
        gettext("The agreement was added."),
        template=FORM_TEMPLATE,
        context=_form_context("agreements", gettext("Add an agreement"), reverse("structural:agreements")),
    )


@case_page
@require_http_methods(["GET", "POST"])
def agreement_edit(request, pk):
    agreement = selectors.agreement_for(request.user, pk)
    access.require_editor(request.user, agreement.office_id)
    form = AgreementForm(request.POST or None, instance=agreement)
    return form_page(
        request,
        form,
        lambda f: services.agreement_save(actor=request.user, agreement=agreement, data=f.to_input()),
        gettext("The agreement was saved."),
        template=FORM_TEMPLATE,
        context=_form_context(
            "agreements", gettext("Edit %(name)s") % {"name": agreement.title}, agreement.get_absolute_url()
        ),
    )


@case_page
def agreement_detail(request, pk):
    agreement = selectors.agreement_for(request.user, pk)
    context = {
        "tab": "agreements",
        "agreement": agreement,
        "today": timezone.localdate(),
        "may_edit": access.may_edit(request.user, agreement.office_id),
    }
    return render(request, "structural/agreement_detail.html", context)


# --- capacity building -------------------------------------------------------------------------


@case_page
def capacity_list(request):
    return _list_page(request, "capacity", selectors.capacity_list, "structural/capacity_list.html")


@case_page
@require_http_methods(["GET", "POST"])
def capacity_create(request):
    form = CapacityForm(request.POST or None, offices=_create_offices(request))
    return form_page(
        request,
        form,
        lambda f: services.capacity_save(actor=request.user, office=f.cleaned_data["office"], data=f.to_input()),
        gettext("The capacity-building activity was added."),
        template=FORM_TEMPLATE,
        context=_form_context(
            "capacity", gettext("Add a capacity-building activity"), reverse("structural:capacity_list")
        ),
    )


@case_page
@require_http_methods(["GET", "POST"])
def capacity_edit(request, pk):
    activity = selectors.capacity_for(request.user, pk)
    access.require_editor(request.user, activity.office_id)
    form = CapacityForm(request.POST or None, instance=activity)
    return form_page(
        request,
        form,
        lambda f: services.capacity_save(actor=request.user, activity=activity, data=f.to_input()),
        gettext("The capacity-building activity was saved."),
        template=FORM_TEMPLATE,
        context=_form_context(
            "capacity", gettext("Edit %(name)s") % {"name": activity.activity}, activity.get_absolute_url()
        ),
    )


@case_page
def capacity_detail(request, pk):
    activity = selectors.capacity_for(request.user, pk)
    context = {"tab": "capacity", "activity": activity, "may_edit": access.may_edit(request.user, activity.office_id)}
    return render(request, "structural/capacity_detail.html", context)


# --- coordination bodies -----------------------------------------------------------------------


@case_page
def body_list(request):
    return _list_page(request, "coordination", selectors.body_list, "structural/body_list.html")


@case_page
@require_http_methods(["GET", "POST"])
def body_create(request):
    form = BodyForm(request.POST or None, offices=_create_offices(request))
    return form_page(
        request,
        form,
        lambda f: services.body_save(actor=request.user, office=f.cleaned_data["office"], data=f.to_input()),
        gettext("The coordination body was added."),
        template=FORM_TEMPLATE,
        context=_form_context("coordination", gettext("Add a coordination body"), reverse("structural:bodies")),
    )


@case_page
@require_http_methods(["GET", "POST"])
def body_edit(request, pk):
    body = selectors.body_for(request.user, pk)
    access.require_editor(request.user, body.office_id)
    form = BodyForm(request.POST or None, instance=body)
    return form_page(
        request,
        form,
        lambda f: services.body_save(actor=request.user, body=body, data=f.to_input()),
        gettext("The coordination body was saved."),
        template=FORM_TEMPLATE,
        context=_form_context("coordination", gettext("Edit %(name)s") % {"name": body.name}, body.get_absolute_url()),
    )


@case_page
def body_detail(request, pk):
    body = selectors.body_for(request.user, pk)
    return render_body(request, body)


def render_body(request, body, *, status=200, meeting_form=None):
    may_edit = access.may_edit(request.user, body.office_id)
    context = {
        "tab": "coordination",
        "body": body,
        "meetings": selectors.meetings_of(body),
        "may_edit": may_edit,
        "meeting_form": meeting_form or (MeetingForm() if may_edit else None),
    }
    return render(request, "structural/body_detail.html", context, status=status)


@case_page
@require_POST
def meeting_add(request, pk):
    body = selectors.body_for(request.user, pk)
    access.require_editor(request.user, body.office_id)
    form = MeetingForm(request.POST)
    return section_post(
        request,
        form,
        lambda data: services.meeting_add(actor=request.user, body=body, **data),
        gettext("The meeting was added."),
        parent=body,
        redisplay=lambda bound: render_body(request, body, status=400, meeting_form=bound),
    )
