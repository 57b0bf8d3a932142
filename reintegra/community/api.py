"""Community API (read-only): /api/v1/community/... — the same selectors and rules as the pages.

Case-working roles and M&E officers of the community's office read; everyone else gets 404.
For pseudonymised readers, returnee participants carry only their pseudonym and residents no label.
"""

from datetime import date
from decimal import Decimal
from typing import Annotated

from django.http import Http404
from django.utils import timezone
from ninja import Field, Router, Schema

from reintegra.api import schemas as s
from reintegra.api.common import actor
from reintegra.community import access, selectors
from reintegra.community.models import age_group_of

router = Router(tags=["community"])
ERRORS = {401: s.ErrorOut, 404: s.ErrorOut}
MAX_ITEMS = 500

Text = Annotated[str, Field(max_length=200), s.Printable]


class CommunityOut(Schema):
    id: int
    office: str
    name: str
    country: str
    region: str
    district: str
    locality: str
    social_group: str


class RatingOut(Schema):
    criterion: int
    label: str
    rating: str
    note: str


class ProfileOut(Schema):
    id: int
    profiled_on: date
    needs_resources: str
    drivers: str
    barriers: str
    resilience: str
    initiatives: str
    ratings: list[RatingOut]
    counts: dict[str, int]


class ReturnVolumeOut(Schema):
    last_12_months: int
    total: int


class ProjectRef(Schema):
    id: int
    title: str
    approach: str
    dimension: str
    status: str
    returnees: int
    residents: int


class CommunityDetailOut(CommunityOut):
    description: str
    return_volume: ReturnVolumeOut | None
    profiles: list[ProfileOut]
    projects: list[ProjectRef]


class ParticipantOut(Schema):
    id: int
    kind: str
    case_number: str | None
    pseudonym: str | None
    label: str | None
    sex: str
    age_group: str


class CountRow(Schema):
    returnees: int
    residents: int


class ProjectOut(Schema):
    id: int
    community_id: int
    programme_id: int
    currency: str
    title: str
    approach: str
    dimension: str
    sector: str
    employment: str
    value_chain: str
    partners: str
    budget: Decimal | None
    local_ownership: str
    description: str
    status: str
    start_date: date | None
    end_date: date | None
    identified: bool
    participants: list[ParticipantOut]
    returnees: int
    residents: int
    by_sex: dict[str, CountRow]
    by_age_group: dict[str, CountRow]


def _reader(request):
    user = actor(request)
    if not access.may_read(user):
        raise Http404
    return user


def _community_out(community) -> dict:
    fields = ["id", "name", "country", "region", "district", "locality", "social_group"]
    return {**{name: getattr(community, name) for name in fields}, "office": community.office.code}


def _profile_out(profile) -> dict:
    texts = ["id", "profiled_on", "needs_resources", "drivers", "barriers", "resilience", "initiatives"]
    ratings = [
        {"criterion": r.criterion, "label": r.get_criterion_display(), "rating": r.rating, "note": r.note}
        for r in profile.ratings.all()
    ]
    return {
        **{name: getattr(profile, name) for name in texts},
        "ratings": ratings,
        "counts": selectors.rating_counts(profile),
    }


@router.get("/communities", response={200: list[CommunityOut], **ERRORS}, summary="List communities")
def community_list(request, q: Text = "", office: str = ""):
    """Communities of the offices the user reads; `q` searches name, place and social group, `office` is a code."""
    user = _reader(request)
    qs = selectors.community_list(user, text=q)
    if office.strip():
        qs = qs.filter(office__code__iexact=office.strip())
    return [_community_out(c) for c in qs[:MAX_ITEMS]]


@router.get("/communities/{community_id}", response={200: CommunityDetailOut, **ERRORS}, summary="Read a community")
def community_read(request, community_id: s.Id):
    user = _reader(request)
    community = selectors.community_for(user, community_id)
    volume = selectors.return_volume(user, community)
    projects = [
        {
            "id": p.pk,
            "title": p.title,
            "approach": p.approach,
            "dimension": p.dimension,
            "status": p.status,
            "returnees": p.returnee_count,
            "residents": p.resident_count,
        }
        for p in selectors.projects_of(community)
    ]
    return {
        **_community_out(community),
        "description": community.description,
        "return_volume": volume.__dict__ if volume else None,
        "profiles": [_profile_out(p) for p in selectors.profiles_of(community)],
        "projects": projects,
    }


@router.get("/projects/{project_id}", response={200: ProjectOut, **ERRORS}, summary="Read a community project")
def project_read(request, project_id: s.Id):
    user = _reader(request)
    project = selectors.project_for(user, project_id)
    participants = selectors.participants_of(project)
    identified = access.may_identify(user, project.community.office_id)
    visible = selectors.visible_case_ids(user, [p.case_id for p in participants if p.case_id])
    counts = selectors.participant_counts(participants)
    fields = [
        "id",
        "community_id",
        "programme_id",
        "title",
        "approach",
        "dimension",
        "sector",
        "employment",
        "value_chain",
        "partners",
        "budget",
        "local_ownership",
        "description",
        "status",
        "start_date",
        "end_date",
    ]
    return {
        **{name: getattr(project, name) for name in fields},
        "currency": project.programme.currency,
        "identified": identified,
        "participants": [_participant_out(p, identified, visible) for p in participants],
        "returnees": counts.returnees,
        "residents": counts.residents,
        "by_sex": counts.by_sex,
        "by_age_group": counts.by_age,
    }


def _participant_out(participant, identified: bool, visible: set[int]) -> dict:
    if participant.is_returnee:
        person = participant.case.person
        show_number = identified and participant.case_id in visible
        return {
            "id": participant.pk,
            "kind": "returnee",
            "case_number": participant.case.number if show_number else None,
            "pseudonym": person.pseudonym,
            "label": None,
            "sex": person.sex,
            "age_group": age_group_of(person.birth_date, timezone.localdate()),
        }
    return {
        "id": participant.pk,
        "kind": "resident",
        "case_number": None,
        "pseudonym": None,
        "label": participant.label if identified else None,
        "sex": participant.sex,
        "age_group": participant.age_group,
    }
