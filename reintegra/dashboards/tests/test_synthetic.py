"""seed_synthetic --rss-per-case: plans and scored RSS responses in bulk, then the dashboard facts."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from reintegra.cases.models import Case
from reintegra.dashboards.models import CaseFact, DashboardState
from reintegra.instruments.models import Occasion, Response
from reintegra.scoring.models import Score
from reintegra.scoring.selectors import default_profile

pytestmark = pytest.mark.django_db


def test_each_new_case_gets_a_baseline_and_follow_ups_scored_with_the_default_profile():
    call_command("seed_synthetic", cases=40, batch=15, rss_per_case=3, stdout=io.StringIO())
    assert Response.objects.count() == 120
    per_case = Response.objects.values("case").annotate(n=Count("id"))
    assert {row["n"] for row in per_case} == {3}
    assert Response.objects.filter(occasion=Occasion.BASELINE).count() == 40
    assert Score.objects.filter(profile=default_profile("rss")).count() == 120
    assert CaseFact.objects.count() == Case.objects.count() == 40
    assert DashboardState.objects.get().built_at is not None
    assert CaseFact.objects.filter(baseline_economic__isnull=False).exists()


def test_without_the_option_nothing_else_is_added():
    call_command("seed_synthetic", cases=10, batch=5, stdout=io.StringIO())
    assert not Response.objects.exists() and not CaseFact.objects.exists()
