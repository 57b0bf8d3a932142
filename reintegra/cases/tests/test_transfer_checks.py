"""The TRANSFER_CHECKS hook: other apps refuse a transfer without cases importing them."""

import pytest
from django.core.exceptions import ValidationError

from reintegra.cases import services
from reintegra.cases.models import CaseTransfer
from reintegra.children.tests.world import transfer_consent

pytestmark = pytest.mark.django_db


def test_a_registered_check_refuses_the_transfer_with_its_message(cast, monkeypatch):
    case = cast.case(cast.dakar)
    transfer_consent(cast.sup_dakar, case)
    monkeypatch.setattr(
        services, "TRANSFER_CHECKS", [lambda c, office: "Not to Tambacounda." if office == cast.tamba else None]
    )
    with pytest.raises(ValidationError, match="Not to Tambacounda."):
        services.case_transfer(actor=cast.sup_dakar, case=case, to_office=cast.tamba)
    assert not CaseTransfer.objects.exists()
    services.case_transfer(actor=cast.sup_dakar, case=case, to_office=cast.bamako)
    assert case.office == cast.bamako


def test_the_children_app_registers_its_return_rule():
    from reintegra.children.rules import return_needs_determination

    assert return_needs_determination in services.TRANSFER_CHECKS
