"""Community pages: list → community (profiles, projects) → project (participants).

Each view: scoped selector (404 outside scope) → form → service → redirect, or the bound form
re-rendered with its errors (status 400). Refused writes show the translated 403 page.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from reintegra.cases.models import Sex
from reintegra.cases.views.common import case_page, form_page, section_post
from reintegra.community import access, selectors, services
from reintegra.community.forms import CommunityForm, FilterForm, ProfileForm, ProjectForm, ResidentForm, ReturneeForm
from reintegra.community.models import AgeGroup, Rating


def _require_reader(request) -> None:
    if not access.may_read(request.user):
        raise Http404


@case_page
def community_list(request):
    _require_reader(request)
    offices = access.readable_offices(request.user)
    form = FilterForm(request.GET or None, offices=offices)
    filters = form.cleaned_data if form.is_valid() else {}
    office = filters.get("office")
    communities = selectors.community_list(
        request.user, office_id=office.pk if office else None, text=filters.get("q", "")
    )
    context = {"form": form, "communities": communities, "may_create": bool(access.editable_offices(request.user))}
    return render(request, "community/community_list.html", context)


@case_page
@require_http_methods(["GET", "POST"])
def community_create(request):
    _require_reader(request)
    offices = access.editable_offices(request.user)
    if not offices:
        raise Http404
    form = CommunityForm(request.POST or None, offices=offices)
    return form_page(
        request,
        form,
        lambda f: services.community_save(actor=request.user, office=f.cleaned_data["office"], data=f.to_input()),
        gettext("The community was added."),
        template="community/community_form.html",
        context={"community": None},
    )


@case_page
@require_http_methods(["GET", "POST"])
def community_edit(request, pk):
    community = selectors.community_for(request.user, pk)
    access.require_editor(request.user, community.office_id)
    form = CommunityForm(request.POST or None, instance=community)
    return form_page(
        request,
        form,
        lambda f: services.community_save(actor=request.user, community=community, data=f.to_input()),
        gettext("The community was saved."),
        template="community/community_form.html",
        context={"community": community},
    )


@case_page
def community_detail(request, pk):
    community = selectors.community_for(request.user, pk)
    profiles = selectors.profiles_of(community)
    current = profiles[0] if profiles else None
    context = {
        "community": community,
        "current": current,
        "current_counts": _rating_counts(current),
        "older_profiles": profiles[1:],
        "volume": selectors.return_volume(request.user, community),
        "projects": selectors.projects_of(community),
        "may_edit": access.may_edit(request.user, community.office_id),
    }
    return render(request, "community/community_detail.html", context)


def _rating_counts(profile) -> list[tuple[str, int]]:
    if profile is None:
        return []
    counts = selectors.rating_counts(profile)
    return [(Rating(value).label, counts[value]) for value in Rating.values]


@case_page
def profile_detail(request, pk):
    profile = selectors.profile_for(request.user, pk)
    context = {"profile": profile, "community": profile.community, "counts": _rating_counts(profile)}
    return render(request, "community/profile_detail.html", context)


@case_page
@require_http_methods(["GET", "POST"])
def profile_create(request, pk):
    community = selectors.community_for(request.user, pk)
    access.require_editor(request.user, community.office_id)
    profiles = selectors.profiles_of(community)
    form = ProfileForm(request.POST or None, previous=profiles[0] if profiles else None)
    return form_page(
        request,
        form,
        lambda f: services.profile_create(actor=request.user, community=community, data=f.to_input()),
        gettext("The community profile was saved."),
        template="community/profile_form.html",
        context={"community": community},
    )


@case_page
@require_http_methods(["GET", "POST"])
def project_create(request, pk):
    community = selectors.community_for(request.user, pk)
    access.require_editor(request.user, community.office_id)
    form = ProjectForm(request.POST or None, community=community)
    return form_page(
        request,
        form,
        lambda f: services.project_save(actor=request.user, community=community, data=f.to_input()),
        gettext("The project was added."),
        template="community/project_form.html",
        context={"community": community, "project": None},
    )


@case_page
@require_http_methods(["GET", "POST"])
def project_edit(request, pk):
    project = selectors.project_for(request.user, pk)
    access.require_editor(request.user, project.community.office_id)
    form = ProjectForm(request.POST or None, instance=project, community=project.community)
    return form_page(
        request,
        form,
        lambda f: services.project_save(actor=request.user, project=project, data=f.to_input()),
        gettext("The project was saved."),
        template="community/project_form.html",
        context={"community": project.community, "project": project},
    )


@case_page
def project_detail(request, pk):
    project = selectors.project_for(request.user, pk)
    return render_project(request, project)


def render_project(request, project, *, status=200, returnee_form=None, resident_form=None):
    participants = selectors.participants_of(project)
    visible = selectors.visible_case_ids(request.user, [p.case_id for p in participants if p.case_id])
    may_edit = access.may_edit(request.user, project.community.office_id)
    counts = selectors.participant_counts(participants)
    for participant in participants:
        case = participant.case
        participant.case_visible = case is not None and case.pk in visible
        participant.identified = (
            case is not None and participant.case_visible and access.may_identify(request.user, case.office_id)
        )
    context = {
        "project": project,
        "community": project.community,
        "participants": participants,
        "counts": counts,
        "plan_activities": selectors.linked_activities(request.user, project),
        "sex_rows": _rows(counts.by_sex, Sex.choices),
        "age_rows": _rows(counts.by_age, AgeGroup.choices),
        "identify_residents": access.may_identify(request.user, project.community.office_id),
        "may_edit": may_edit,
        "returnee_form": returnee_form or (ReturneeForm() if may_edit else None),
        "resident_form": resident_form or (ResidentForm() if may_edit else None),
    }
    return render(request, "community/project_detail.html", context, status=status)


def _rows(table: dict, choices) -> list[tuple]:
    """(label, returnees, residents) in the order of the choices, only for values present."""
    return [(label, table[value]["returnees"], table[value]["residents"]) for value, label in choices if value in table]


@case_page
@require_POST
def returnee_add(request, pk):
    project = selectors.project_for(request.user, pk)
    access.require_editor(request.user, project.community.office_id)
    form = ReturneeForm(request.POST)
    return section_post(
        request,
        form,
        lambda data: services.returnee_add(actor=request.user, project=project, case_number=data["case_number"]),
        gettext("The returnee was added to the project."),
        parent=project,
        redisplay=lambda bound: render_project(request, project, status=400, returnee_form=bound),
    )


@case_page
@require_POST
def resident_add(request, pk):
    project = selectors.project_for(request.user, pk)
    access.require_editor(request.user, project.community.office_id)
    form = ResidentForm(request.POST)
    return section_post(
        request,
        form,
        lambda data: services.resident_add(actor=request.user, project=project, **data),
        gettext("The resident was added to the project."),
        parent=project,
        redisplay=lambda bound: render_project(request, project, status=400, resident_form=bound),
    )


@case_page
@require_POST
def participant_remove(request, pk, participant_pk):
    project = selectors.project_for(request.user, pk)
    access.require_editor(request.user, project.community.office_id)
    participant = project.participants.filter(pk=participant_pk).first()
    if participant is None:
        raise Http404
    services.participant_remove(actor=request.user, participant=participant)
    messages.success(request, gettext("The participant was removed from the project."))
    return redirect(project.get_absolute_url())
