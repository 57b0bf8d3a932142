"""Page permission stories: who opens the procedure, who sees what, and the three forms."""

import pytest
from django.urls import reverse

from reintegra.audit.models import AuditEvent
from reintegra.children import services
from reintegra.children.models import Determination, Step
from reintegra.children.tests.world import VIEWS, assessment, child_case, determine
from reintegra.tests.cast import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def awa(cast):
    case = child_case(cast)
    assessment(cast.cp_dakar, case)
    return case


def page(case, name="bip", *args):
    return reverse(f"children:{name}", args=[case.number, *args])


@pytest.mark.parametrize("who", ["cp_dakar", "sup_dakar", "pm_dakar"])
def test_child_protection_and_supervisors_read_the_whole_procedure(client, cast, awa, who, english_users):
    response = login(client, getattr(cast, who)).get(page(awa))
    assert response.status_code == 200
    assert VIEWS in response.content.decode() and "Child trafficking" in response.content.decode()
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.BIP_VIEWED, actor=getattr(cast, who)).exists()


def test_the_assigned_case_manager_sees_only_status_and_decision(client, cast, awa, english_users):
    determine(cast.cp_dakar, awa)
    text = login(client, cast.cm_dakar).get(page(awa)).content.decode()
    assert "Return and reintegration" in text and "Determined" in text
    assert VIEWS not in text and "Child trafficking" not in text and "Mme Diop" not in text
    assert login(client, cast.cm_dakar).get(page(awa, "assessment")).status_code == 404


@pytest.mark.parametrize(
    "who", ["cm_dakar2", "cm_tamba", "cm_bamako", "sup_bamako", "me_hq", "partner_dakar", "admin", "nobody"]
)
def test_everyone_else_gets_404(client, cast, awa, who):
    assert login(client, getattr(cast, who)).get(page(awa)).status_code == 404


def test_an_adult_case_has_no_procedure(client, cast):
    adult = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    assert login(client, cast.sup_dakar).get(page(adult)).status_code == 404
    tabs = login(client, cast.sup_dakar).get(adult.get_absolute_url()).content.decode()
    assert 'href="?tab=best_interests"' not in tabs


def test_the_case_file_shows_the_tab_to_the_roles_that_may_read_it(client, cast, awa, english_users):
    tab = f"{awa.get_absolute_url()}?tab=best_interests"
    text = login(client, cast.cp_dakar).get(tab).content.decode()
    assert 'href="?tab=best_interests"' in text
    assert "Open the best-interests procedure" in text and page(awa) in text
    summary = login(client, cast.cm_dakar).get(tab).content.decode()
    assert "Open the summary of the best-interests procedure" in summary
    hidden = login(client, cast.me_hq).get(tab).content.decode()
    assert 'href="?tab=best_interests"' not in hidden and page(awa) not in hidden


def test_saving_the_assessment_without_maturity_keeps_what_was_typed(client, cast, english_users):
    case = child_case(cast)
    data = {
        "care_situation": "separated",
        "interviewer": "F. Ba",
        "assessed_on": "2026-03-01",
        "acceptance": "mixed",
        "health_access": "good",
        "child_views": "Je veux aller à l'école.",
        "risks": ["child_labour"],
    }
    response = login(client, cast.cp_dakar).post(page(case, "assessment"), data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Explain how the child" in text and "Je veux aller à l&#x27;école." in text
    data["maturity_weighing"] = "Her wish is clear."
    response = client.post(page(case, "assessment"), data)
    assert response.status_code == 302
    saved = services.open_procedure(case).assessment
    assert saved.age_when_heard == 12 and saved.risks == ["child_labour"]


def test_steps_are_added_and_completed_from_the_page(client, cast, awa, english_users):
    login(client, cast.cp_dakar)
    refused = client.post(page(awa, "step_add"), {"what": "Family tracing", "who": "", "due_on": "2026-04-01"})
    assert refused.status_code == 400 and "Family tracing" in refused.content.decode()
    assert (
        client.post(
            page(awa, "step_add"), {"what": "Family tracing", "who": "Social worker", "due_on": "2026-04-01"}
        ).status_code
        == 302
    )
    step = Step.objects.get()
    assert client.post(page(awa, "step_state", step.pk), {"state": "done", "done_on": "2026-03-09"}).status_code == 302
    step.refresh_from_db()
    assert step.state == Step.State.DONE and str(step.done_on) == "2026-03-09"


def test_the_case_manager_cannot_add_steps(client, cast, awa):
    response = login(client, cast.cm_dakar).post(
        page(awa, "step_add"), {"what": "x", "who": "y", "due_on": "2026-04-01"}
    )
    assert response.status_code == 404 and not Step.objects.exists()


DETERMINATION = {
    "return_considered": "on",
    "local_considered": "on",
    "decision": "return",
    "reasons": "Family found.",
    "determined_on": "2026-03-05",
    "panel_name_1": "Mme Diop",
    "panel_function_1": "Child-protection officer",
}


def test_a_determination_with_one_solution_is_refused_with_the_form_kept(client, cast, awa, english_users):
    data = {**DETERMINATION, "local_considered": ""}
    response = login(client, cast.sup_dakar).post(page(awa, "determine"), data)
    assert response.status_code == 400
    assert "Consider at least two durable solutions" in response.content.decode()
    assert "Mme Diop" in response.content.decode() and not Determination.objects.exists()


def test_a_missing_panel_is_reported_on_the_panel(client, cast, awa, english_users):
    data = {**DETERMINATION, "panel_name_1": "", "panel_function_1": ""}
    response = login(client, cast.sup_dakar).post(page(awa, "determine"), data)
    assert response.status_code == 400 and "Name at least one decision-maker" in response.content.decode()


def test_the_determination_is_recorded_then_reviewed(client, cast, awa, english_users):
    login(client, cast.cp_dakar)
    assert client.post(page(awa, "determine"), DETERMINATION).status_code == 302
    again = client.post(page(awa, "determine"), DETERMINATION)
    assert again.status_code == 400 and "start a review" in again.content.decode()
    review = {**DETERMINATION, "decision": "local_integration", "review_reason": "New risk at home."}
    assert client.post(page(awa, "review"), review).status_code == 302
    text = client.get(page(awa)).content.decode()
    assert "Superseded determinations" in text and "New risk at home." in text


def test_the_page_keeps_to_a_query_budget(client, cast, awa, django_assert_max_num_queries):
    for n in range(8):
        services.step_add(
            actor=cast.cp_dakar,
            case=awa,
            data=services.StepInput(what=f"Step {n}", who="SW", due_on=awa.opened_at.date()),
        )
    determine(cast.cp_dakar, awa)
    login(client, cast.cp_dakar)
    with django_assert_max_num_queries(25):
        assert client.get(page(awa)).status_code == 200
