"""GET /api/v1/cases/{number}/best-interests: the page's reach, by token."""

import pytest

from reintegra.audit.models import AuditEvent
from reintegra.children.tests.world import VIEWS

pytestmark = pytest.mark.django_db


def url(case):
    return f"/cases/{case.number}/best-interests"


def test_child_protection_reads_the_whole_procedure(api_as, cast, awa):
    body = api_as(cast.cp_dakar).get(url(awa)).json()
    assert body["level"] == "full" and body["status"] == "determined" and body["decision"] == "return"
    assert body["assessment"]["child_views"] == VIEWS and body["assessment"]["risks"] == ["trafficking"]
    assert body["determinations"][0]["panel"] == [{"name": "Mme Diop", "function": "Child-protection officer, DGPE"}]
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.BIP_VIEWED, actor=cast.cp_dakar).exists()


def test_the_assigned_case_manager_gets_the_summary_only(api_as, cast, awa):
    body = api_as(cast.cm_dakar).get(url(awa)).json()
    assert body["level"] == "summary" and body["decision"] == "return"
    assert body["assessment"] is None and body["steps"] is None and body["determinations"] is None
    assert VIEWS not in str(body)


@pytest.mark.parametrize("who", ["cm_dakar2", "cm_bamako", "sup_bamako", "me_hq", "partner_dakar", "admin", "nobody"])
def test_everyone_else_gets_404(api_as, cast, awa, who):
    assert api_as(getattr(cast, who)).get(url(awa)).status_code == 404


def test_an_adult_case_answers_404(api_as, cast):
    adult = cast.case(cast.dakar)
    assert api_as(cast.sup_dakar).get(url(adult)).status_code == 404
