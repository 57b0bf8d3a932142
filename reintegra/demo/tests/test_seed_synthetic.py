"""seed_synthetic: bulk cases whose derived columns match what the services would write."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from reintegra.cases.models import (
    Case,
    CaseNumberSequence,
    Consent,
    IdentityDocument,
    Person,
    Phone,
    Stage,
    StageChange,
    Task,
)
from reintegra.lib.names import name_keys, normalise_document, phone_tail, phonetic_name

pytestmark = pytest.mark.django_db


def seed(cases: int, batch: int = 25) -> None:
    call_command("seed_synthetic", cases=cases, batch=batch, stdout=io.StringIO())


def test_it_refuses_to_run_outside_demo_mode():
    with override_settings(DEMO_MODE=False), pytest.raises(CommandError, match="demo mode"):
        seed(5)


def test_it_adds_the_number_of_cases_asked_for_in_batches():
    seed(60)
    assert Case.objects.count() == 60
    seed(15, batch=7)
    assert Case.objects.count() == 75


def test_case_numbers_are_unique_and_follow_the_office_sequences():
    seed(60)
    seed(40)
    numbers = list(Case.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 100
    for sequence in CaseNumberSequence.objects.select_related("office"):
        prefix = f"{sequence.office.country}-{sequence.office.code}-{sequence.year}-"
        mine = sorted(n for n in numbers if n.startswith(prefix))
        assert mine[-1] == f"{prefix}{sequence.last_value:06d}"
        assert len(mine) == sequence.last_value


def test_search_columns_are_derived_as_the_services_derive_them():
    seed(50)
    for person in Person.objects.prefetch_related("name_keys"):
        assert person.phonetic_name == phonetic_name(person.given_names, person.family_name)
        assert {k.key for k in person.name_keys.all()} == name_keys(
            person.given_names, person.family_name, person.alternative_names
        )
    for phone in Phone.objects.all():
        assert phone.tail == phone_tail(phone.number)
    for document in IdentityDocument.objects.all():
        assert document.normalised == normalise_document(document.number)
    today = timezone.localdate()
    for case in Case.objects.select_related("person"):
        assert case.is_child == (case.person.age_on(today) < 18)
        assert case.opened_at <= timezone.now()


def test_cases_spread_over_stages_with_history_consents_and_overdue_tasks():
    seed(200, batch=100)
    assert set(Case.objects.values_list("stage", flat=True)) == set(Stage.values)
    closed = Case.objects.filter(stage=Stage.CLOSED)
    assert not closed.filter(closure_reason="").exists() and not closed.filter(closed_at__isnull=True).exists()
    assert StageChange.objects.filter(to_stage=Stage.INTAKE).count() == 200
    assert Consent.objects.filter(purpose="processing").count() == 200
    assert Task.objects.filter(status=Task.Status.OPEN, due_date__lt=timezone.localdate()).exists()
    assert Case.objects.filter(assigned_to__isnull=True).exists()
    assert Case.objects.filter(assigned_to__username="cm.dakar").exists()
