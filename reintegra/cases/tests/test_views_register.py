"""Registering a returnee through the page: who may, the duplicate warning, and kept values."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reintegra.audit.models import AuditEvent
from reintegra.cases.models import Case, ClosureReason, Person
from reintegra.cases.services import case_close

REGISTER = reverse("cases:register")

pytestmark = pytest.mark.usefixtures("english_users")


def typed(cast, **changes) -> dict:
    """What a Dakar case manager types for "Mamadu Dialo, born 1994" (age estimated)."""
    data = {
        "step": "check",
        "office": cast.dakar.pk,
        "programme": cast.programme.pk,
        "assigned_to": cast.cm_dakar.pk,
        "given_names": "Mamadu",
        "family_name": "Dialo",
        "alternative_names": "",
        "sex": "male",
        "birth_date": "",
        "age_years": str(timezone.localdate().year - 1994),
        "nationality": "sn",
        "languages": "Pulaar, Wolof",
        "phone_1": "+221 77 000 11 22",
        "document_1_kind": "passport",
        "document_1_number": "A1234567",
        "document_1_country": "SN",
        "return_type": "assisted_voluntary",
        "host_country": "LY",
        "arrival_date": "2026-01-10",
        "arrival_point": "Aéroport Blaise Diagne",
        "return_country": "SN",
        "return_region": "Kolda",
        "return_district": "Vélingara",
        "return_locality": "Quartier Escale",
    }
    data.update(changes)
    return data


@pytest.fixture
def mamadou(cast):
    return cast.case(cast.dakar, given="Mamadou", family="Diallo", birth=date(1994, 3, 12))


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(REGISTER)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ["cm_dakar", "cm_tamba", "cm_bamako", "sup_dakar", "pm_dakar", "cp_dakar"])
def test_staff_with_casework_rights_may_open_the_form(client, cast, name):
    client.force_login(getattr(cast, name))
    assert client.get(REGISTER).status_code == 200


@pytest.mark.parametrize("name", ["me_hq", "partner_dakar", "admin", "nobody"])
def test_others_are_refused_with_a_readable_403(client, cast, name):
    client.force_login(getattr(cast, name))
    response = client.get(REGISTER)
    assert response.status_code == 403
    assert "may register returnees" in response.content.decode()
    assert client.post(REGISTER, typed(cast)).status_code == 403
    assert not Case.objects.exists()


def test_the_form_offers_only_offices_in_scope(client, cast):
    client.force_login(cast.cm_tamba)
    html = client.get(REGISTER).content.decode()
    assert f'<option value="{cast.tamba.pk}" selected>Tambacounda</option>' in html
    assert ">Dakar</option>" not in html
    assert ">Bamako</option>" not in html


def test_a_case_manager_cannot_register_into_another_office(client, cast):
    client.force_login(cast.cm_bamako)
    response = client.post(REGISTER, typed(cast, assigned_to="", programme=""))
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_registering_without_candidates_opens_the_case_and_says_so(client, cast):
    client.force_login(cast.cm_dakar)
    response = client.post(REGISTER, typed(cast), follow=True)
    case = Case.objects.get()
    assert response.redirect_chain == [(case.get_absolute_url(), 302)]
    assert f"Case {case.number} is open" in response.content.decode()
    person = case.person
    assert (person.given_names, person.family_name, person.nationality) == ("Mamadu", "Dialo", "SN")
    assert person.birth_date == date(1994, 7, 1) and person.birth_date_estimated
    assert [p.number for p in person.phones.all()] == ["+221 77 000 11 22"]
    assert [(d.kind, d.number) for d in person.documents.all()] == [("passport", "A1234567")]
    assert (case.office, case.programme, case.assigned_to) == (cast.dakar, cast.programme, cast.cm_dakar)
    assert (case.host_country, case.return_region, case.return_locality) == ("LY", "Kolda", "Quartier Escale")
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.PERSON_REGISTERED).count() == 1


def test_a_similar_name_born_the_same_year_raises_the_duplicate_warning(client, cast, mamadou):
    client.force_login(cast.cm_dakar)
    response = client.post(REGISTER, typed(cast))
    html = response.content.decode()
    assert response.status_code == 200
    assert "This person may already be registered" in html
    assert "Mamadou Diallo" in html
    assert "12/03/1994" in html
    assert mamadou.number in html
    assert "similar name" in html
    # Everything typed travels along, hidden, for the second submission.
    assert 'type="hidden" name="given_names" value="Mamadu"' in html
    assert 'type="hidden" name="return_locality" value="Quartier Escale"' in html
    assert Case.objects.count() == 1


def test_the_same_person_gets_a_new_case_when_the_old_one_is_closed(client, cast, mamadou):
    case_close(actor=cast.sup_dakar, case=mamadou, reason=ClosureReason.SUPPORT_COMPLETED)
    client.force_login(cast.cm_dakar)
    person = mamadou.person
    data = typed(cast, step="decide", decision=str(person.pk), shown=str(person.pk))
    response = client.post(REGISTER, data)
    new_case = Case.objects.exclude(pk=mamadou.pk).get()
    assert response.status_code == 302
    assert new_case.person == person
    assert Person.objects.count() == 1
    linked = AuditEvent.objects.get(event_type=AuditEvent.Type.DUPLICATE_LINKED)
    assert (linked.actor, linked.subject_id, linked.changes["typed_name"]) == (
        cast.cm_dakar,
        str(person.pk),
        "Mamadu Dialo",
    )


def test_the_same_person_with_an_open_case_here_is_refused_with_the_reason(client, cast, mamadou):
    client.force_login(cast.cm_dakar)
    person = mamadou.person
    response = client.post(REGISTER, typed(cast, step="decide", decision=str(person.pk), shown=str(person.pk)))
    assert response.status_code == 400
    html = response.content.decode()
    assert "already has an open case in this office" in html
    assert 'value="Mamadu"' in html
    assert Case.objects.count() == 1


def test_a_different_person_is_registered_and_the_decision_audited(client, cast, mamadou):
    client.force_login(cast.cm_dakar)
    person = mamadou.person
    response = client.post(REGISTER, typed(cast, step="decide", decision="different", shown=str(person.pk)))
    assert response.status_code == 302
    new_case = Case.objects.exclude(pk=mamadou.pk).get()
    assert new_case.person != person
    assert new_case.person.family_name == "Dialo"
    dismissed = AuditEvent.objects.get(event_type=AuditEvent.Type.DUPLICATE_DISMISSED)
    assert dismissed.actor == cast.cm_dakar
    assert dismissed.subject_id == str(new_case.person.pk)
    assert dismissed.changes == {"different_from": person.pseudonym}


def test_a_decision_without_a_choice_warns_again(client, cast, mamadou):
    client.force_login(cast.cm_dakar)
    response = client.post(REGISTER, typed(cast, step="decide", shown=str(mamadou.person.pk)))
    assert response.status_code == 200
    assert "This person may already be registered" in response.content.decode()
    assert Case.objects.count() == 1


def test_a_candidate_not_shown_before_must_be_checked_first(client, cast, mamadou):
    client.force_login(cast.cm_dakar)
    response = client.post(REGISTER, typed(cast, step="decide", decision="different", shown=""))
    assert response.status_code == 200
    assert "New possible matches were found" in response.content.decode()
    assert Case.objects.count() == 1


def test_one_cannot_link_to_a_person_who_was_not_a_candidate(client, cast, mamadou):
    stranger = cast.case(cast.bamako, given="Fatoumata", family="Keita", birth=date(1980, 1, 1)).person
    client.force_login(cast.cm_dakar)
    data = typed(cast, step="decide", decision=str(stranger.pk), shown=f"{mamadou.person.pk},{stranger.pk}")
    response = client.post(REGISTER, data)
    assert response.status_code == 200
    assert "Fatoumata" not in response.content.decode()
    assert not stranger.cases.filter(office=cast.dakar).exists()


def test_going_back_from_the_warning_shows_the_editable_form_with_the_values(client, cast, mamadou):
    client.force_login(cast.cm_dakar)
    response = client.post(REGISTER, typed(cast, step="decide", edit="1"))
    html = response.content.decode()
    assert "This person may already be registered" not in html
    assert 'type="text" name="given_names" value="Mamadu"' in html
    assert Case.objects.count() == 1


def test_candidates_held_by_another_office_stay_invisible(client, cast):
    cast.case(cast.bamako, given="Mamadou", family="Diallo", birth=date(1994, 3, 12))
    client.force_login(cast.cm_dakar)
    response = client.post(REGISTER, typed(cast))
    assert response.status_code == 302


def test_form_errors_keep_everything_typed(client, cast):
    client.force_login(cast.cm_dakar)
    response = client.post(
        REGISTER, typed(cast, sex="", nationality="Senegal", document_1_country="S1", document_2_number="X99")
    )
    assert response.status_code == 400
    html = response.content.decode()
    for value in ("Mamadu", "Dialo", "Senegal", "Quartier Escale", "+221 77 000 11 22", "X99", "Pulaar, Wolof"):
        assert f'value="{value}"' in html
    assert "at most 2 characters" in html
    assert "Enter a two-letter country code" in html
    assert "Choose the type of this document" in html
    assert not Case.objects.exists()


def test_date_of_birth_and_age_together_are_refused(client, cast):
    client.force_login(cast.cm_dakar)
    response = client.post(REGISTER, typed(cast, birth_date="1994-03-12"))
    assert response.status_code == 400
    assert "not both" in response.content.decode()


def test_service_errors_appear_next_to_their_field(client, cast):
    client.force_login(cast.cm_dakar)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(REGISTER, typed(cast, arrival_date=tomorrow))
    assert response.status_code == 400
    html = response.content.decode()
    assert "The arrival date cannot be in the future" in html
    assert f'value="{tomorrow}"' in html
    assert not Case.objects.exists()
    assert not Person.objects.exists()


def test_a_programme_of_another_office_is_refused(client, cast):
    cast.programme.offices.set([cast.bamako])
    client.force_login(cast.sup_dakar)
    response = client.post(REGISTER, typed(cast, assigned_to=""))
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_a_child_registered_unassigned_by_a_case_manager_is_handed_to_child_protection(client, cast):
    client.force_login(cast.cm_dakar)
    response = client.post(REGISTER, typed(cast, age_years="12", assigned_to=""), follow=True)
    case = Case.objects.get()
    assert case.is_child
    assert response.redirect_chain[-1][0] == reverse("cases:caseload")
    assert case.number in response.content.decode()
