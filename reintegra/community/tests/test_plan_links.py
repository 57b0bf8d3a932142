"""The project page lists the plan activities that name the project, under the identity rules."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from reintegra.audit.models import AuditEvent
from reintegra.cases.models import Case
from reintegra.community import services
from reintegra.community.models import Participant
from reintegra.plans import services as plan_services
from reintegra.plans.models import ActivityType

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(cast, place):
    """Awa's plan (Dakar, assigned to cm_dakar) has a community activity naming the Pikine project."""
    case = cast.case(cast.dakar, given="Awa", family="Ndiaye", assigned_to=cast.cm_dakar)
    Case.objects.filter(pk=case.pk).update(programme=cast.programme)
    case.refresh_from_db()
    plan = plan_services.plan_create(
        actor=cast.cm_dakar, case=case, data=plan_services.PlanInput(plan_date=date(2026, 3, 2))
    )
    activity = plan_services.activity_add(
        actor=cast.cm_dakar,
        plan=plan,
        data=plan_services.ActivityInput(
            type=ActivityType.objects.get(code="community_project"),
            modality="in_kind",
            estimated_cost=Decimal("100000"),
            currency="XOF",
            community_project=place.project,
        ),
    )
    return activity


def _page(client, user, project):
    client.force_login(user)
    return client.get(reverse("community:project", args=[project.pk]))


def test_the_returnee_joins_the_project_once_and_it_is_audited(cast, place, linked):
    case = linked.plan.case
    assert Participant.objects.filter(project=place.project, case=case).count() == 1
    assert services.returnee_join(actor=cast.cm_dakar, project=place.project, case=case) is None
    assert Participant.objects.filter(project=place.project, case=case).count() == 1
    events = AuditEvent.objects.filter(case=case, event_type=AuditEvent.Type.COMMUNITY_PARTICIPANT_ADDED)
    assert events.count() == 1
    assert events.get().office == cast.dakar


def test_a_supervisor_sees_the_linked_activity_with_number_and_name(client, cast, place, linked):
    response = _page(client, cast.sup_dakar, place.project)
    rows = response.context["plan_activities"]
    assert [row.pk for row in rows] == [linked.pk]
    content = response.content.decode()
    assert linked.plan.case.number in content and "Ndiaye" in content
    assert linked.type.name in content


def test_me_sees_the_linked_activity_without_names(client, cast, place, linked):
    response = _page(client, cast.me_hq, place.project)
    assert [row.pk for row in response.context["plan_activities"]] == [linked.pk]
    content = response.content.decode()
    assert linked.plan.case.person.pseudonym in content
    assert "Ndiaye" not in content and "Awa" not in content


def test_a_colleague_who_may_not_see_the_case_reads_only_a_pseudonym(client, cast, place, linked):
    content = _page(client, cast.cm_dakar2, place.project).content.decode()
    assert linked.plan.case.person.pseudonym in content
    assert "Ndiaye" not in content and linked.plan.case.number not in content


def test_a_revised_plan_lists_the_activity_once(client, cast, place, linked):
    plan = plan_services.plan_submit(actor=cast.cm_dakar, plan=linked.plan)
    plan_services.plan_revise(actor=cast.cm_dakar, plan=plan, reason="Change of market")
    rows = _page(client, cast.sup_dakar, place.project).context["plan_activities"]
    assert len(rows) == 1 and rows[0].plan.version == 2


def test_the_page_keeps_a_query_budget_with_linked_activities(
    client, cast, place, linked, django_assert_max_num_queries
):
    client.force_login(cast.sup_dakar)
    url = reverse("community:project", args=[place.project.pk])
    client.get(url)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


def test_other_offices_still_get_404(client, cast, place, linked):
    assert _page(client, cast.cm_bamako, place.project).status_code == 404
