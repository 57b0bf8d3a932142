"""Scoped reads of communities, profiles, projects and participants; outsiders get 404."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from reintegra.accounts.access import access_for
from reintegra.accounts.models import Office
from reintegra.cases.selectors import cases_for
from reintegra.community.access import editable_offices, readable_offices
from reintegra.community.models import (
    AgeGroup,
    Community,
    CommunityProfile,
    CommunityProject,
    CriterionRating,
    Participant,
    Rating,
    age_group_of,
)
from reintegra.plans.models import Activity, Plan

RECENT_DAYS = 365


def communities_for(user) -> QuerySet[Community]:
    return Community.objects.filter(office_id__in=readable_offices(user))


def community_list(user, *, office_id: int | None = None, text: str = "") -> QuerySet[Community]:
    qs = communities_for(user).select_related("office").annotate(project_count=Count("projects"))
    if office_id:
        qs = qs.filter(office_id=office_id)
    text = (text or "").strip()
    if text:
        qs = qs.filter(
            Q(name__icontains=text)
            | Q(region__icontains=text)
            | Q(district__icontains=text)
            | Q(locality__icontains=text)
            | Q(social_group__icontains=text)
        )
    return qs.order_by("name", "id")


def community_for(user, pk: int) -> Community:
    community = communities_for(user).select_related("office").filter(pk=pk).first()
    if community is None:
        raise Http404
    return community


def profiles_of(community: Community) -> list[CommunityProfile]:
    """All profiles, latest first (the first one is current), with their ratings."""
    return list(
        community.profiles.select_related("recorded_by").prefetch_related(
            Prefetch("ratings", queryset=CriterionRating.objects.order_by("criterion"))
        )
    )


def profile_for(user, pk: int) -> CommunityProfile:
    profile = (
        CommunityProfile.objects.filter(community__office_id__in=readable_offices(user))
        .select_related("community", "community__office", "recorded_by")
        .prefetch_related(Prefetch("ratings", queryset=CriterionRating.objects.order_by("criterion")))
        .filter(pk=pk)
        .first()
    )
    if profile is None:
        raise Http404
    return profile


def rating_counts(profile: CommunityProfile) -> dict[str, int]:
    """How many criteria are met, partly met and not met (the cut-off is for the programme to set)."""
    counts = Counter(r.rating for r in profile.ratings.all())
    return {value: counts.get(value, 0) for value in Rating.values}


@dataclass
class ReturnVolume:
    last_12_months: int
    total: int


def return_volume(user, community: Community) -> ReturnVolume | None:
    """Cases in the user's scope whose place of return matches the community's place; None without a place."""
    if not community.has_place:
        return None
    place = Q(return_country__iexact=community.country)
    for case_field, value in (
        ("return_region", community.region),
        ("return_district", community.district),
        ("return_locality", community.locality),
    ):
        if value.strip():
            place &= Q(**{f"{case_field}__iexact": value.strip()})
    since = timezone.localdate() - timedelta(days=RECENT_DAYS)
    recent = Q(arrival_date__gte=since) | Q(arrival_date__isnull=True, opened_at__date__gte=since)
    counts = cases_for(user).filter(place).aggregate(total=Count("pk"), recent=Count("pk", filter=recent))
    return ReturnVolume(last_12_months=counts["recent"], total=counts["total"])


def projects_of(community: Community) -> QuerySet[CommunityProject]:
    return community.projects.select_related("programme").annotate(
        returnee_count=Count("participants", filter=Q(participants__case__isnull=False)),
        resident_count=Count("participants", filter=Q(participants__case__isnull=True)),
    )


def project_for(user, pk: int) -> CommunityProject:
    project = (
        CommunityProject.objects.filter(community__office_id__in=readable_offices(user))
        .select_related("community", "community__office", "programme")
        .filter(pk=pk)
        .first()
    )
    if project is None:
        raise Http404
    return project


def participants_of(project: CommunityProject) -> list[Participant]:
    return list(project.participants.select_related("case", "case__person").order_by("id"))


@dataclass
class ParticipantCounts:
    returnees: int = 0
    residents: int = 0
    by_sex: dict[str, dict[str, int]] = field(default_factory=dict)  # sex -> {"returnees": n, "residents": n}
    by_age: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.returnees + self.residents

    @property
    def ratio(self) -> str:
        """Returnees to residents, e.g. "3:2" (the handbook sets no rule)."""
        return f"{self.returnees}:{self.residents}"


def participant_counts(participants: list[Participant]) -> ParticipantCounts:
    """Counts by returnee / resident, sex and age group; returnees' sex and age come from their person record."""
    today = timezone.localdate()
    counts = ParticipantCounts()
    for participant in participants:
        kind = "returnees" if participant.is_returnee else "residents"
        if participant.is_returnee:
            sex, age = participant.case.person.sex, age_group_of(participant.case.person.birth_date, today)
        else:
            sex, age = participant.sex, participant.age_group
        setattr(counts, kind, getattr(counts, kind) + 1)
        for table, key in ((counts.by_sex, sex), (counts.by_age, age or AgeGroup.UNKNOWN)):
            row = table.setdefault(key, {"returnees": 0, "residents": 0})
            row[kind] += 1
    return counts


def find_case(user, number: str):
    """A case the user may see, by its number (None when outside scope or unknown)."""
    number = (number or "").strip().upper()
    if not number:
        return None
    return cases_for(user).select_related("person").filter(number=number).first()


def projects_of_case(case) -> list[CommunityProject]:
    """The community projects a returnee's case takes part in (for the case file)."""
    return list(
        CommunityProject.objects.filter(participants__case=case)
        .select_related("community", "programme")
        .order_by("-id")
        .distinct()
    )


def visible_case_ids(user, case_ids: list[int]) -> set[int]:
    """Which of these cases the user may see (participants linked to other cases show as pseudonyms)."""
    return set(cases_for(user).filter(pk__in=case_ids).values_list("pk", flat=True))


# ------------------------------------------------------------------ links from plan activities

OPEN_PROJECT_STATUSES = (CommunityProject.Status.PLANNED, CommunityProject.Status.IN_PROGRESS)


def country_tree_ids(office: Office) -> set[int]:
    """The case office's country office and every office below it (the tree is shallow)."""
    root = office
    while root.parent_id:
        root = Office.objects.get(pk=root.parent_id)
    return root.descendant_ids()


def projects_for_plan(user, case) -> QuerySet[CommunityProject]:
    """Projects a plan activity of this case may name: planned or in progress, in a community of the
    case's country-office tree that the user may change (the returnee is added as a participant in
    the user's name, so the user must be able to add them)."""
    offices = country_tree_ids(case.office) & set(editable_offices(user))
    return (
        CommunityProject.objects.filter(community__office_id__in=offices, status__in=OPEN_PROJECT_STATUSES)
        .select_related("community")
        .order_by("community__name", "title", "id")
    )


def linked_activities(user, project: CommunityProject) -> list:
    """Activities of current plans (not superseded versions) that name this project, for its page.

    Each row carries `case_visible` and `identified`, under the same rules as the participants."""
    rows = list(
        Activity.objects.filter(community_project=project)
        .exclude(plan__status=Plan.Status.SUPERSEDED)
        .select_related("type", "plan__case__person")
        .order_by("plan__case__number", "id")
    )
    visible = visible_case_ids(user, list({row.plan.case_id for row in rows}))
    access = access_for(user)
    for row in rows:
        case = row.plan.case
        row.case_visible = case.pk in visible
        row.identified = row.case_visible and access.may_identify(case.office_id)
    return rows
