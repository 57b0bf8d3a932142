"""Plan activities of level community name the community project they belong to (Annex 3)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reintegra.accounts.models import Programme
from reintegra.audit.models import AuditEvent
from reintegra.community import services as community_services
from reintegra.community.models import CommunityProject, Participant
from reintegra.plans import services
from reintegra.plans.forms import ActivityForm
from reintegra.plans.tests.world import activity_type, add, configure_programme, new_plan, programme_case
from reintegra.tests.cast import PASSWORD

pytestmark = pytest.mark.django_db
TODAY = date(2026, 1, 1)


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def project_in(cast, office, actor, title, status=CommunityProject.Status.PLANNED):
    programme = cast.programme
    if office == cast.bamako:
        programme = Programme.objects.create(name="Programme Mali", code="ml-2026", currency="XOF", start_date=TODAY)
        programme.offices.set([office])
    community = community_services.community_save(
        actor=actor, office=office, data=community_services.CommunityInput(name=f"Community of {title}", country="SN")
    )
    return community_services.project_save(
        actor=actor,
        community=community,
        data=community_services.ProjectInput(
            programme=programme, title=title, approach="collective", dimension="economic", status=status
        ),
    )


@pytest.fixture
def awa(cast):
    configure_programme(cast)
    return programme_case(cast, given="Awa", family="Ndiaye", sex="female", assigned_to=cast.cm_dakar)


@pytest.fixture
def plan(cast, awa):
    return new_plan(cast, awa)


@pytest.fixture
def project(cast):
    return project_in(cast, cast.dakar, cast.sup_dakar, "Fish drying cooperative")


def joined(case, project) -> int:
    return Participant.objects.filter(project=project, case=case).count()


def join_events(case) -> int:
    return AuditEvent.objects.filter(case=case, event_type=AuditEvent.Type.COMMUNITY_PARTICIPANT_ADDED).count()


def test_it_links_a_community_level_activity_and_adds_the_returnee_once(cast, plan, project):
    first = add(cast, plan, "community_project", "100000", community_project=project)
    assert first.community_project == project
    assert joined(plan.case, project) == 1
    event = AuditEvent.objects.get(case=plan.case, event_type=AuditEvent.Type.COMMUNITY_PARTICIPANT_ADDED)
    assert event.actor == cast.cm_dakar
    assert event.changes["via"] == "plan_activity"
    add(cast, plan, "cash_for_work", "50000", community_project=project)  # a second activity, same project
    assert joined(plan.case, project) == 1
    assert join_events(plan.case) == 1


def test_it_does_not_duplicate_a_returnee_added_by_hand(cast, plan, project):
    community_services.returnee_add(actor=cast.sup_dakar, project=project, case_number=plan.case.number)
    add(cast, plan, "community_project", "100000", community_project=project)
    assert joined(plan.case, project) == 1
    assert join_events(plan.case) == 1


def test_it_refuses_a_project_on_an_individual_activity(cast, plan, project):
    with pytest.raises(ValidationError) as error:
        add(cast, plan, "micro_business", "900", "EUR", community_project=project)
    assert "community_project" in error.value.message_dict
    assert joined(plan.case, project) == 0


def test_it_refuses_a_project_of_another_office(cast, plan):
    kati = project_in(cast, cast.bamako, cast.sup_bamako, "Kati market garden")
    with pytest.raises(ValidationError) as error:
        add(cast, plan, "community_project", "100000", community_project=kati)
    assert "community_project" in error.value.message_dict
    assert joined(plan.case, kati) == 0


def test_it_refuses_a_completed_project(cast, plan):
    done = project_in(cast, cast.dakar, cast.sup_dakar, "Old well", status=CommunityProject.Status.COMPLETED)
    with pytest.raises(ValidationError):
        add(cast, plan, "community_project", "100000", community_project=done)


def test_it_refuses_a_project_when_the_level_is_overridden_to_individual(cast, plan, project):
    with pytest.raises(ValidationError):
        add(cast, plan, "community_project", "100000", level="individual", community_project=project)


def test_a_revision_keeps_the_link_without_adding_the_returnee_again(cast, plan, project):
    add(cast, plan, "community_project", "100000", community_project=project)
    plan = services.plan_submit(actor=cast.cm_dakar, plan=plan)
    assert plan.status == plan.Status.APPROVED
    revision = services.plan_revise(actor=cast.cm_dakar, plan=plan, reason="New market")
    assert [a.community_project_id for a in revision.activities.all()] == [project.pk]
    assert joined(plan.case, project) == 1


def test_changing_the_activity_keeps_the_participant_and_adds_to_a_new_project(cast, plan, project):
    activity = add(cast, plan, "community_project", "100000", community_project=project)
    other = project_in(cast, cast.dakar, cast.sup_dakar, "Tailoring workshop", status="in_progress")
    data = services.ActivityInput(
        type=activity_type("community_project"),
        modality="in_kind",
        estimated_cost=activity.estimated_cost,
        currency="XOF",
        community_project=other,
    )
    services.activity_update(actor=cast.cm_dakar, activity=activity, data=data)
    assert joined(plan.case, project) == 1  # never removed automatically
    assert joined(plan.case, other) == 1


def test_the_form_offers_open_projects_of_the_case_office_tree_that_the_user_may_change(cast, plan, project):
    project_in(cast, cast.bamako, cast.sup_bamako, "Kati market garden")
    project_in(cast, cast.dakar, cast.sup_dakar, "Old well", status=CommunityProject.Status.COMPLETED)
    tamba = project_in(cast, cast.tamba, cast.sup_dakar, "Gouloumbou herders")
    offered = set(ActivityForm(case=plan.case, user=cast.sup_dakar).fields["community_project"].queryset)
    assert offered == {project, tamba}
    # A case manager changes the communities of their own office only.
    assert set(ActivityForm(case=plan.case, user=cast.cm_dakar).fields["community_project"].queryset) == {project}


def test_the_page_links_an_activity_and_shows_the_project(client, cast, plan, project):
    login(client, cast.cm_dakar)
    data = {
        "type": activity_type("community_project").pk,
        "modality": "in_kind",
        "delivery": "direct",
        "estimated_cost": "100000",
        "currency": "XOF",
        "community_project": project.pk,
    }
    url = reverse("plans:activity_add", args=[plan.case.number, plan.version])
    assert client.post(url, data).status_code == 302
    assert joined(plan.case, project) == 1
    page = client.get(f"{reverse('cases:case_detail', args=[plan.case.number])}?tab=plan").content.decode()
    assert f'href="{project.get_absolute_url()}"' in page
    assert "Fish drying cooperative" in page


def test_the_page_keeps_what_was_typed_when_the_level_does_not_fit(client, cast, plan, project, english_users):
    login(client, cast.cm_dakar)
    data = {
        "type": activity_type("micro_business").pk,
        "modality": "in_kind",
        "delivery": "direct",
        "estimated_cost": "900",
        "currency": "EUR",
        "description": "Machine à coudre",
        "community_project": project.pk,
    }
    response = client.post(reverse("plans:activity_add", args=[plan.case.number, plan.version]), data)
    assert response.status_code in (200, 400)
    assert "Only an activity of level community belongs to a community project." in response.content.decode()
    assert "Machine à coudre" in response.content.decode()


def test_the_plan_tab_keeps_its_query_budget_with_linked_activities(
    client, cast, plan, project, django_assert_max_num_queries
):
    for code in ("housing", "education", "psychosocial_family", "basic_needs"):
        add(cast, plan, code, "1000", "EUR")
    add(cast, plan, "community_project", "100000", community_project=project)
    add(cast, plan, "cash_for_work", "50000", community_project=project)
    login(client, cast.cm_dakar)
    url = f"{reverse('cases:case_detail', args=[plan.case.number])}?tab=plan"
    client.get(url)
    with django_assert_max_num_queries(40):
        assert client.get(url).status_code == 200


def test_the_api_reads_and_writes_the_link(cast, plan, project, api_as):
    client = api_as(cast.cm_dakar)
    base = f"/plans/cases/{plan.case.number}/versions/{plan.version}"
    body = {
        "type": "community_project",
        "modality": "in_kind",
        "estimated_cost": "100000",
        "currency": "XOF",
        "community_project": project.pk,
    }
    response = client.post(f"{base}/activities", body)
    assert response.status_code == 201, response.json()
    assert response.json()["community_project"] == project.pk
    assert joined(plan.case, project) == 1
    refused = client.post(f"{base}/activities", {**body, "community_project": 999999})
    assert refused.status_code == 400
