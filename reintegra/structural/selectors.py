"""Scoped reads of stakeholders, agreements, capacity-building activities and coordination bodies.

Lists filter by the offices the user reads (404 for everyone else is the views' job); `*_for(user, pk)`
raise Http404 outside scope.
"""

from datetime import date

from django.db.models import Count, Max, Model, Prefetch, Q, QuerySet
from django.http import Http404

from reintegra.structural.access import readable_offices
from reintegra.structural.models import Agreement, CapacityActivity, CoordinationBody, Stakeholder


def _scoped(model: type[Model], user, office_id: int | None) -> QuerySet:
    qs = model.objects.filter(office_id__in=readable_offices(user))
    return qs.filter(office_id=office_id) if office_id else qs


def _one(qs: QuerySet, pk: int):
    found = qs.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def stakeholder_list(user, *, office_id: int | None = None, text: str = "") -> QuerySet[Stakeholder]:
    qs = (
        _scoped(Stakeholder, user, office_id)
        .select_related("office")
        .annotate(last_discussion=Max("discussions__held_on"))
    )
    text = (text or "").strip()
    if text:
        qs = qs.filter(
            Q(name__icontains=text)
            | Q(contact_person__icontains=text)
            | Q(concerns__icontains=text)
            | Q(expectations__icontains=text)
        )
    return qs.order_by("name", "id")


def stakeholder_for(user, pk: int) -> Stakeholder:
    return _one(_scoped(Stakeholder, user, None).select_related("office"), pk)


def stakeholders_of_offices(office_ids) -> QuerySet[Stakeholder]:
    """The choices for parties, institutions, chairs and members (the record's office, or the editor's)."""
    return Stakeholder.objects.filter(office_id__in=office_ids).select_related("office").order_by("name", "id")


def discussions_of(stakeholder: Stakeholder) -> list:
    return list(stakeholder.discussions.select_related("recorded_by"))


def reviews_due(stakeholders, today: date) -> int:
    return sum(1 for s in stakeholders if s.review_due(today))


def agreement_list(user, *, office_id: int | None = None, text: str = "") -> QuerySet[Agreement]:
    qs = (
        _scoped(Agreement, user, office_id)
        .select_related("office")
        .prefetch_related(Prefetch("parties", queryset=Stakeholder.objects.order_by("name")))
    )
    text = (text or "").strip()
    if text:
        qs = qs.filter(
            Q(title__icontains=text) | Q(scope__icontains=text) | Q(parties__name__icontains=text)
        ).distinct()
    return qs.order_by("-valid_from", "-id")


def agreement_for(user, pk: int) -> Agreement:
    qs = _scoped(Agreement, user, None).select_related("office")
    return _one(qs.prefetch_related(Prefetch("parties", queryset=Stakeholder.objects.order_by("name"))), pk)


def agreements_of(stakeholder: Stakeholder) -> list[Agreement]:
    return list(stakeholder.agreements.order_by("-valid_from", "-id"))


def capacity_list(user, *, office_id: int | None = None, text: str = "") -> QuerySet[CapacityActivity]:
    qs = _scoped(CapacityActivity, user, office_id).select_related("office", "institution")
    text = (text or "").strip()
    if text:
        qs = qs.filter(Q(activity__icontains=text) | Q(institution__name__icontains=text) | Q(results__icontains=text))
    return qs.order_by("-start_date", "-id")


def capacity_for(user, pk: int) -> CapacityActivity:
    return _one(_scoped(CapacityActivity, user, None).select_related("office", "institution"), pk)


def body_list(user, *, office_id: int | None = None, text: str = "") -> QuerySet[CoordinationBody]:
    qs = (
        _scoped(CoordinationBody, user, office_id)
        .select_related("office", "chair")
        .annotate(member_count=Count("members", distinct=True), last_meeting=Max("meetings__held_on"))
    )
    text = (text or "").strip()
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(purpose__icontains=text) | Q(chair__name__icontains=text))
    return qs.order_by("name", "id")


def body_for(user, pk: int) -> CoordinationBody:
    qs = _scoped(CoordinationBody, user, None).select_related("office", "chair")
    return _one(qs.prefetch_related(Prefetch("members", queryset=Stakeholder.objects.order_by("name"))), pk)


def meetings_of(body: CoordinationBody) -> list:
    return list(body.meetings.select_related("recorded_by"))
