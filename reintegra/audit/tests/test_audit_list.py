"""The audit trail: supervisors, programme managers and administrators browse their offices' events."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reintegra.accounts.models import Membership, Role, User
from reintegra.accounts.services import user_set_language
from reintegra.audit.models import AuditEvent
from reintegra.audit.selectors import PAGE_SIZE
from reintegra.audit.services import audit_record
from reintegra.tests.cast import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_users")]
LIST = reverse("audit:list")


@pytest.fixture
def trail(cast):
    """A Dakar case, a Tambacounda case and a Bamako case, each with its registration events."""
    with time_machine.travel(datetime(2026, 2, 2, 10, tzinfo=UTC), tick=False):
        dakar = cast.case(cast.dakar, given="Mamadou", family="Diallo")
    with time_machine.travel(datetime(2026, 2, 10, 10, tzinfo=UTC), tick=False):
        tamba = cast.case(cast.tamba, given="Ousmane", family="Ba")
    with time_machine.travel(datetime(2026, 2, 20, 10, tzinfo=UTC), tick=False):
        bamako = cast.case(cast.bamako, given="Aminata", family="Traoré")
    return {"dakar": dakar, "tamba": tamba, "bamako": bamako}


def shown(response) -> list[AuditEvent]:
    return [row.event for row in response.context["page"].rows]


def offices_shown(response) -> set[int]:
    return {e.office_id for e in shown(response)}


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("username", ["cm_dakar", "cm_tamba", "me_hq", "partner_dakar", "cp_dakar", "nobody"])
def test_it_hides_the_trail_from_roles_without_supervision(client, cast, trail, username):
    client.force_login(getattr(cast, username))
    assert client.get(LIST).status_code == 404


@pytest.mark.parametrize("username", ["sup_dakar", "pm_dakar"])
def test_dakar_supervision_sees_dakar_and_tamba_but_not_bamako(client, cast, trail, username):
    client.force_login(getattr(cast, username))
    response = client.get(LIST)
    assert response.status_code == 200
    assert offices_shown(response) == {cast.dakar.pk, cast.tamba.pk}
    html = response.content.decode()
    assert trail["dakar"].number in html and trail["tamba"].number in html
    assert trail["bamako"].number not in html


def test_bamako_supervisor_sees_only_bamako(client, cast, trail):
    client.force_login(cast.sup_bamako)
    assert offices_shown(client.get(LIST)) == {cast.bamako.pk}


def test_admin_sees_case_events_without_their_values(client, cast, trail):
    client.force_login(cast.admin)
    response = client.get(LIST, {"event_type": AuditEvent.Type.CASE_OPENED})
    assert offices_shown(response) == {cast.dakar.pk, cast.tamba.pk, cast.bamako.pk}
    rows = response.context["page"].rows
    assert all(row.values_hidden for row in rows)
    html = response.content.decode()
    assert trail["dakar"].person.pseudonym not in html
    assert "Values hidden" in html


def test_supervisor_sees_case_event_values_old_and_new(client, cast, trail):
    from reintegra.cases.services import case_assign

    case_assign(actor=cast.sup_dakar, case=trail["dakar"], assignee=cast.cm_dakar)
    client.force_login(cast.sup_dakar)
    response = client.get(LIST, {"event_type": AuditEvent.Type.CASE_ASSIGNED})
    (row,) = response.context["page"].rows
    assert not row.values_hidden
    (change,) = row.changes
    assert (change.name, change.old, change.new, change.is_change) == ("assigned_to", None, str(cast.cm_dakar.pk), True)
    assert "→" in response.content.decode()


def test_bamako_admin_sees_only_bamako_events(client, cast, trail):
    admin_bamako = User.objects.create_user(username="admin.bamako", password=PASSWORD)
    Membership.objects.create(user=admin_bamako, office=cast.bamako, role=Role.ADMINISTRATOR)
    user_set_language(actor=cast.cm_dakar, language="fr")
    user_set_language(actor=cast.cm_bamako, language="fr")
    client.force_login(admin_bamako)
    response = client.get(LIST)
    assert offices_shown(response) == {cast.bamako.pk}
    user_rows = [r for r in response.context["page"].rows if r.event.event_type == AuditEvent.Type.USER_UPDATED]
    assert [r.subject for r in user_rows] == ["cm.bamako"]
    assert not user_rows[0].values_hidden  # account events are the administrator's business


def test_it_filters_by_date_range(client, cast, trail):
    client.force_login(cast.sup_dakar)
    response = client.get(LIST, {"date_from": "2026-02-05", "date_to": "2026-02-10"})
    assert offices_shown(response) == {cast.tamba.pk}
    response = client.get(LIST, {"date_to": "2026-02-02"})
    assert offices_shown(response) == {cast.dakar.pk}


def test_an_inverted_date_range_is_explained(client, cast, trail):
    client.force_login(cast.sup_dakar)
    response = client.get(LIST, {"date_from": "2026-03-01", "date_to": "2026-02-01"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "errorlist" in html and 'value="2026-03-01"' in html


def test_it_filters_by_event_type_case_number_office_and_actor(client, cast, trail):
    user_set_language(actor=cast.cm_dakar, language="fr")
    client.force_login(cast.sup_dakar)
    consent = client.get(LIST, {"event_type": AuditEvent.Type.CONSENT_RECORDED})
    assert {e.event_type for e in shown(consent)} == {AuditEvent.Type.CONSENT_RECORDED}
    assert len(shown(consent)) == 2
    by_case = client.get(LIST, {"case": trail["tamba"].number})
    assert shown(by_case) and {e.case_id for e in shown(by_case)} == {trail["tamba"].pk}
    assert offices_shown(client.get(LIST, {"office": cast.tamba.pk})) == {cast.tamba.pk}
    by_actor = client.get(LIST, {"actor": "CM.DAKAR"})
    assert [e.event_type for e in shown(by_actor)] == [AuditEvent.Type.USER_UPDATED]
    assert shown(client.get(LIST, {"actor": "sup.dakar"}))
    assert shown(client.get(LIST, {"actor": "nobody-at-all"})) == []


def test_it_refuses_to_filter_on_an_office_outside_scope(client, cast, trail):
    client.force_login(cast.sup_dakar)
    assert client.get(LIST, {"office": cast.bamako.pk}).status_code == 400


def test_a_case_number_from_another_office_shows_nothing(client, cast, trail):
    client.force_login(cast.sup_dakar)
    response = client.get(LIST, {"case": trail["bamako"].number})
    assert response.status_code == 200 and shown(response) == []


def test_pages_go_back_in_time_without_counting(client, cast):
    with time_machine.travel(datetime(2026, 1, 1, tzinfo=UTC), tick=False):
        for _ in range(PAGE_SIZE + 5):  # same instant: the id breaks ties
            audit_record(
                actor=cast.admin, event_type=AuditEvent.Type.USER_UPDATED, subject=cast.cm_dakar, office=cast.dakar
            )
    client.force_login(cast.sup_dakar)
    with CaptureQueriesContext(connection) as queries:
        first = client.get(LIST)
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    cursor = first.context["page"].next_cursor
    assert len(shown(first)) == PAGE_SIZE and cursor
    assert "Older events" in first.content.decode()
    assert f'href="?after={cursor}' in first.content.decode().replace("&amp;", "&")
    second = client.get(LIST, {"after": cursor})
    assert len(shown(second)) == 5 and not second.context["page"].next_cursor
    ids = [e.pk for e in shown(first) + shown(second)]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == PAGE_SIZE + 5


def test_a_garbled_cursor_shows_the_first_page(client, cast, trail):
    client.force_login(cast.sup_dakar)
    assert client.get(LIST, {"after": "not-a-cursor"}).status_code == 200


def test_the_trail_page_has_a_fixed_query_budget(client, cast, trail, django_assert_max_num_queries):
    for i in range(20):
        user = User.objects.create_user(username=f"u{i}", password=PASSWORD)
        Membership.objects.create(user=user, office=cast.dakar, role=Role.CASE_MANAGER)
        user_set_language(actor=user, language="fr")
    client.force_login(cast.sup_dakar)
    with django_assert_max_num_queries(10):
        response = client.get(LIST)
    assert len(shown(response)) > 20  # twenty user subjects, named in one query


def test_the_trail_is_read_only_through_the_app(client, cast, trail):
    client.force_login(cast.sup_dakar)
    assert client.post(LIST, {}).status_code == 405
    assert 'method="post"' not in client.get(LIST).content.decode().split("</header>")[1]
