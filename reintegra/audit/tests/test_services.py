from reintegra.audit.services import _plain
from reintegra.cases.models import Consent


def test_empty_and_filled_file_fields_are_recorded_by_name():
    consent = Consent()
    assert _plain(consent.document) == ""
    consent.document.name = "consents/2026/01/form.pdf"
    assert _plain(consent.document) == "consents/2026/01/form.pdf"
