"""Permission stories of the case file page, its tabs and the consent document download."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reintegra.audit.models import AuditEvent
from reintegra.cases.models import ConsentMethod, ConsentPurpose, ConsentStatus
from reintegra.cases.services import (
    PersonInput,
    consent_record,
    household_member_add,
    note_add,
    task_create,
)

TABS = ["profile", "household", "consent", "notes", "tasks", "history"]

pytestmark = pytest.mark.usefixtures("english_users")


@pytest.fixture
def world(cast):
    return {
        "unassigned": cast.case(cast.dakar, given="Awa", family="Ndiaye", phones=["+221 77 123 45 67"]),
        "mine": cast.case(cast.dakar, given="Binta", family="Sow", assigned_to=cast.cm_dakar),
        "tamba": cast.case(cast.tamba, given="Demba", family="Kane", assigned_to=cast.cm_tamba),
        "bamako": cast.case(cast.bamako, given="Fatoumata", family="Keita", assigned_to=cast.cm_bamako),
    }


def url(case, tab=None):
    return reverse("cases:case_detail", args=[case.number]) + (f"?tab={tab}" if tab else "")


# Who opens which case file: (user, case, expected status).
STORIES = [
    ("cm_dakar", "unassigned", 200),
    ("cm_dakar", "mine", 200),
    ("cm_dakar2", "unassigned", 200),
    ("cm_dakar2", "mine", 404),  # assigned to someone else
    ("cm_dakar", "tamba", 404),  # sub-office: case managers reach their own office only
    ("cm_tamba", "tamba", 200),
    ("cm_tamba", "unassigned", 404),
    ("cm_bamako", "unassigned", 404),
    ("cm_bamako", "bamako", 200),
    ("sup_dakar", "mine", 200),
    ("sup_dakar", "tamba", 200),
    ("sup_dakar", "bamako", 404),
    ("pm_dakar", "tamba", 200),
    ("me_hq", "mine", 200),
    ("me_hq", "bamako", 200),
    ("partner_dakar", "unassigned", 404),
    ("admin", "unassigned", 404),
    ("admin", "bamako", 404),
    ("nobody", "mine", 404),
]


@pytest.mark.parametrize(("name", "which", "status"), STORIES)
def test_who_opens_which_case_file(client, cast, world, name, which, status):
    client.force_login(getattr(cast, name))
    for tab in TABS:
        assert client.get(url(world[which], tab)).status_code == status


def test_anonymous_visitor_is_sent_to_the_login_page(client, world):
    response = client.get(url(world["mine"]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_the_404_gives_no_hint_that_the_case_exists(client, cast, world):
    client.force_login(cast.cm_bamako)
    existing = client.get(url(world["mine"]))
    missing = client.get(reverse("cases:case_detail", args=["SN-DKR-2026-999999"]))
    assert existing.status_code == missing.status_code == 404
    assert "Binta" not in existing.content.decode()


def test_opening_a_case_file_is_audited(client, cast, world):
    client.force_login(cast.cm_dakar)
    client.get(url(world["mine"]))
    event = AuditEvent.objects.get(event_type=AuditEvent.Type.CASE_VIEWED)
    assert (event.actor, event.case) == (cast.cm_dakar, world["mine"])


def test_a_refused_look_is_not_audited_as_a_read(client, cast, world):
    client.force_login(cast.cm_bamako)
    client.get(url(world["mine"]))
    assert not AuditEvent.objects.filter(event_type=AuditEvent.Type.CASE_VIEWED).exists()


def test_case_manager_sees_the_identity(client, cast, world):
    client.force_login(cast.cm_dakar)
    html = client.get(url(world["unassigned"])).content.decode()
    assert "Awa" in html and "Ndiaye" in html
    assert "+221 77 123 45 67" in html


def test_me_officer_sees_the_file_without_names_and_read_only(client, cast, world):
    case = world["unassigned"]
    household_member_add(
        actor=cast.sup_dakar,
        case=case,
        member=PersonInput(given_names="Khady", family_name="Ndiaye", sex="female"),
        relationship="spouse",
    )
    note_add(actor=cast.sup_dakar, case=case, text="Awa wants to open a shop.", session_date=date(2026, 1, 6))
    task_create(actor=cast.sup_dakar, case=case, title="Call Awa", due_date=date(2026, 2, 1))
    client.force_login(cast.me_hq)
    for tab in TABS:
        html = client.get(url(case, tab)).content.decode()
        assert case.person.pseudonym in html
        for secret in ("Awa", "Ndiaye", "Khady", "+221", "shop"):
            assert secret not in html, (tab, secret)
        assert '<form method="post" action="/cases/' not in html
        assert "Move to" not in html
    household = client.get(url(case, "household")).content.decode()
    assert case.person.household.members.get(given_names="Khady").pseudonym in household


def test_tabs_render_as_htmx_partials(client, cast, world):
    client.force_login(cast.cm_dakar)
    response = client.get(url(world["mine"], "notes"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="case-section")
    html = response.content.decode()
    assert "<html" not in html
    assert 'aria-current="page">Notes</a>' in html


def test_an_unknown_tab_falls_back_to_the_profile(client, cast, world):
    client.force_login(cast.cm_dakar)
    assert 'aria-current="page">Profile</a>' in client.get(url(world["mine"], "secrets")).content.decode()


def test_supervisor_sees_the_supervision_actions_case_manager_does_not(client, cast, world):
    client.force_login(cast.sup_dakar)
    html = client.get(url(world["mine"])).content.decode()
    assert reverse("cases:case_assign", args=[world["mine"].number]) in html
    client.force_login(cast.cm_dakar)
    html = client.get(url(world["mine"])).content.decode()
    assert reverse("cases:case_assign", args=[world["mine"].number]) not in html
    assert reverse("cases:case_close", args=[world["mine"].number]) in html


def test_refused_or_withdrawn_consent_shows_a_banner(client, cast, world):
    case = world["mine"]
    consent_record(
        actor=cast.sup_dakar,
        case=case,
        purpose=ConsentPurpose.MONITORING,
        status=ConsentStatus.REFUSED,
        decided_on=date(2026, 1, 7),
        method=ConsentMethod.VERBAL_WITNESSED,
        witness_name="Fatou Sarr",
    )
    client.force_login(cast.cm_dakar)
    html = client.get(url(case)).content.decode()
    assert 'id="consent-alerts"' in html
    assert "Monitoring contact" in html


def test_no_banner_when_consent_is_given(client, cast, world):
    client.force_login(cast.cm_dakar)
    assert 'id="consent-alerts"' not in client.get(url(world["mine"])).content.decode()


def test_missing_processing_consent_is_flagged(client, cast):
    case = cast.case(cast.dakar, given="Ousmane", family="Ba", consent=False, assigned_to=cast.cm_dakar)
    client.force_login(cast.cm_dakar)
    assert "No consent to processing" in client.get(url(case)).content.decode()


def test_history_shows_stage_changes_and_readable_events(client, cast, world):
    client.force_login(cast.cm_dakar)
    client.get(url(world["mine"]))
    html = client.get(url(world["mine"], "history")).content.decode()
    assert "Case opened" in html
    assert "Consent recorded" in html
    assert "Intake" in html
    assert "Case file opened" not in html


def _queries(client, target):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(target).status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("tab", TABS)
def test_each_tab_costs_a_constant_number_of_queries(client, cast, world, tab, django_assert_max_num_queries):
    case = world["mine"]
    client.force_login(cast.cm_dakar)
    few = _queries(client, url(case, tab))
    for i in range(6):
        note_add(actor=cast.cm_dakar, case=case, text=f"Session {i}", session_date=date(2026, 1, 6))
        task_create(actor=cast.cm_dakar, case=case, title=f"Task {i}", due_date=date(2026, 2, 1))
        household_member_add(
            actor=cast.cm_dakar,
            case=case,
            member=PersonInput(given_names=f"Child{i}", family_name="Sow", sex="female"),
            relationship="child",
        )
        consent_record(
            actor=cast.cm_dakar,
            case=case,
            purpose=ConsentPurpose.MEDIA,
            status=ConsentStatus.REFUSED,
            decided_on=date(2026, 1, 7),
            method=ConsentMethod.VERBAL_WITNESSED,
            witness_name="Fatou Sarr",
        )
    assert _queries(client, url(case, tab)) == few
    with django_assert_max_num_queries(18):
        client.get(url(case, tab))


def _signed_consent(cast, case):
    return consent_record(
        actor=cast.sup_bamako if case.office == cast.bamako else cast.sup_dakar,
        case=case,
        purpose=ConsentPurpose.SHARING,
        status=ConsentStatus.GIVEN,
        decided_on=date(2026, 1, 7),
        method=ConsentMethod.SIGNED_FORM,
        document=SimpleUploadedFile("sharing.pdf", b"%PDF-1.4 sharing", content_type="application/pdf"),
    )


def doc_url(case, consent):
    return reverse("cases:consent_document", args=[case.number, consent.pk])


def test_case_manager_downloads_the_signed_form(client, cast, world):
    consent = _signed_consent(cast, world["mine"])
    client.force_login(cast.cm_dakar)
    response = client.get(doc_url(world["mine"], consent))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 sharing"
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.parametrize("name", ["cm_dakar2", "cm_bamako", "cm_tamba", "me_hq", "partner_dakar", "admin", "nobody"])
def test_others_never_reach_the_signed_form(client, cast, world, name):
    consent = _signed_consent(cast, world["mine"])
    client.force_login(getattr(cast, name))
    assert client.get(doc_url(world["mine"], consent)).status_code == 404


def test_a_consent_of_another_case_is_not_served_through_my_case(client, cast, world):
    consent = _signed_consent(cast, world["bamako"])
    client.force_login(cast.cm_dakar)
    assert client.get(doc_url(world["mine"], consent)).status_code == 404


def test_anonymous_download_goes_to_login(client, cast, world):
    consent = _signed_consent(cast, world["mine"])
    response = client.get(doc_url(world["mine"], consent))
    assert response.status_code == 302


def test_me_officer_sees_no_link_to_the_signed_form(client, cast, world):
    consent = _signed_consent(cast, world["mine"])
    client.force_login(cast.me_hq)
    html = client.get(url(world["mine"], "consent")).content.decode()
    assert doc_url(world["mine"], consent) not in html
    assert "Given" in html


def test_the_case_file_and_registration_render_in_french(client, cast, world):
    cast.cm_dakar.language = "fr"
    cast.cm_dakar.save()
    client.force_login(cast.cm_dakar)
    for target in (url(world["mine"]), reverse("cases:register"), reverse("cases:tasks_overdue")):
        assert '<html lang="fr">' in client.get(target, HTTP_ACCEPT_LANGUAGE="en").content.decode()
