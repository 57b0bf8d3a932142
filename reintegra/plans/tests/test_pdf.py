"""The printable plan: a real PDF made by WeasyPrint from the Django template, bilingual labels."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from reintegra.audit.models import AuditEvent
from reintegra.plans import pdf
from reintegra.plans.tests.world import add, configure_programme, new_plan, programme_case
from reintegra.tests.cast import PASSWORD

pytestmark = pytest.mark.django_db
pytest.importorskip("weasyprint", reason="WeasyPrint needs Pango (libpango-1.0-0, libpangoft2-1.0-0)")


@pytest.fixture
def plan(cast):
    configure_programme(cast)
    case = programme_case(cast, given="Awa", family="Ndiaye", sex="female", assigned_to=cast.cm_dakar)
    plan = new_plan(cast, case)
    add(cast, plan, "micro_business", "900", "EUR", description="Machine à coudre")
    return plan


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_it_renders_a_pdf_with_the_case_number(cast, plan):
    html = pdf.plan_html(_request(cast.cm_dakar), plan, "fr")
    assert plan.case.number in html and "Awa Ndiaye" in html
    document = pdf.render_document(html)
    assert len(document.pages) >= 1
    content = document.write_pdf()
    assert content.startswith(b"%PDF") and len(content) > 5000
    assert plan.case.number in document.metadata.title  # the PDF's Title entry (page text is compressed)


def test_labels_come_in_both_languages_primary_first(cast, plan):
    pairs = pdf._labels("en")
    assert pairs["goals"][0] == "Goals and motivations"
    with translation.override("fr"):
        french = str(pdf.LABELS["goals"])
    assert pairs["goals"][1] in ("", french)  # empty when the French catalogue has no translation yet
    assert pdf.primary_language(plan) == "fr"  # the office's language
    assert pdf.primary_language(plan, "en") == "en"


def test_the_case_manager_downloads_it_and_the_print_is_audited(client, cast, plan):
    client.login(username=cast.cm_dakar.username, password=PASSWORD)
    response = client.get(reverse("plans:pdf", args=[plan.case.number, plan.version]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.EXPORT, case=plan.case, actor=cast.cm_dakar).exists()


@pytest.mark.parametrize("who", ["me_hq", "cm_bamako", "partner_dakar", "admin"])
def test_others_do_not_get_the_pdf(client, cast, plan, who):
    client.login(username=getattr(cast, who).username, password=PASSWORD)
    assert client.get(reverse("plans:pdf", args=[plan.case.number, plan.version])).status_code == 404
