"""Search filters, agreement validity and the first-response deadline."""

from datetime import date

import pytest

from reintegra.directory.models import Agreement
from reintegra.directory.selectors import ServiceFilters, first_response_days, search_services


def names(user, **filters):
    return sorted(s.name for s in search_services(user, ServiceFilters(**filters)))


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"country": "SN"}, ["Cartes d'identité", "Formation couture", "Écoute et conseil"]),
        ({"country": "sn", "region": "dakar"}, ["Cartes d'identité", "Formation couture", "Écoute et conseil"]),
        ({"country": "SN", "region": "Thiès"}, ["Cartes d'identité", "Écoute et conseil"]),
        ({"country": "ML", "region": "Bamako", "district": "Commune IV"}, ["Soins de santé mentale"]),
        ({"country": "ML", "region": "Bamako", "district": "Commune I"}, []),
        ({"category": "tvet"}, ["Formation couture"]),
        ({"dimension": "psychosocial"}, ["Soins de santé mentale", "Écoute et conseil"]),
        ({"dimension": "economic", "country": "ML"}, []),
        ({"text": "jappo"}, ["Formation couture", "Écoute et conseil"]),
        ({"text": "JAP couture"}, ["Formation couture"]),
        ({"text": "Clinique"}, ["Soins de santé mentale"]),
    ],
)
def test_the_search_filters_by_area_category_dimension_and_text(cast, directory, filters, expected):
    assert names(cast.cm_dakar, **filters) == sorted(expected)


def test_inactive_entries_are_hidden_unless_asked_for(cast, directory):
    directory.tailoring.active = False
    directory.tailoring.save()
    assert "Formation couture" not in names(cast.cm_dakar)
    assert "Formation couture" in names(cast.cm_dakar, include_inactive=True)


def test_a_partner_searches_only_their_organisation(cast, directory):
    assert names(cast.partner_dakar) == ["Formation couture", "Écoute et conseil"]
    assert names(cast.nobody) == []


@pytest.mark.parametrize(
    ("on", "status"),
    [
        (date(2024, 12, 31), "upcoming"),
        (date(2025, 6, 1), "current"),
        (date(2026, 3, 1), "expiring"),
        (date(2026, 3, 31), "expiring"),
        (date(2026, 4, 1), "expired"),
    ],
)
def test_an_agreement_knows_whether_it_is_in_force(directory, on, status):
    assert directory.lta.status(on) == status
    assert directory.lta.is_in_force(on) == (status in ("current", "expiring"))


def test_an_open_ended_agreement_never_expires(directory):
    agreement = Agreement(organisation=directory.jappo, kind="mou", reference="M", start_date=date(2020, 1, 1))
    assert agreement.status(date(2040, 1, 1)) == "current"


def test_the_agreement_sets_the_first_response_deadline_while_in_force(directory):
    assert first_response_days(directory.tailoring, date(2026, 3, 1)) == 3  # LTA overrides the service's 10
    assert first_response_days(directory.tailoring, date(2026, 4, 1)) == 10  # LTA expired
    assert first_response_days(directory.counselling, date(2026, 3, 1)) is None  # not covered, no own time


def test_an_agreement_without_listed_services_covers_the_whole_organisation(directory):
    Agreement.objects.create(
        organisation=directory.jappo, kind="mou", reference="ALL", start_date=date(2026, 1, 1), response_days=5
    )
    assert first_response_days(directory.counselling, date(2026, 3, 1)) == 5
