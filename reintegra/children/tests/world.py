"""Child cases and best-interests records for the stories."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from reintegra.cases.models import ConsentMethod, ConsentPurpose, ConsentStatus
from reintegra.cases.services import consent_record
from reintegra.children import services
from reintegra.children.models import Solution

BIRTH = date(2013, 6, 1)
VIEWS = "Je veux retourner chez ma grand-mère à Kolda."


def child_case(cast, office=None, **kwargs):
    office = office or cast.dakar
    kwargs.setdefault("assigned_to", cast.cm_dakar if office == cast.dakar else None)
    return cast.case(office, given="Awa", family="Sow", sex="female", birth=BIRTH, **kwargs)


def assessment(actor, case, **changes):
    data = {
        "care_situation": "unaccompanied",
        "interviewer": "Fatou Ba, child-protection officer",
        "assessed_on": date(2026, 2, 3),
        "risks": ["trafficking"],
        "risks_notes": "Recruited by a passeur in Tambacounda.",
        "child_views": VIEWS,
        "maturity_weighing": "Mature for her age; her wish is consistent and informed.",
        **changes,
    }
    return services.assessment_save(actor=actor, case=case, data=services.AssessmentInput(**data))


def determination_input(decision=Solution.RETURN, **changes) -> services.DeterminationInput:
    data = {
        "decision": decision,
        "reasons": "Family traced and willing; school place found.",
        "determined_on": date(2026, 3, 1),
        "panel": [services.PanelMember(name="Mme Diop", function="Child-protection officer, DGPE")],
        "return_considered": True,
        "local_considered": True,
        **changes,
    }
    return services.DeterminationInput(**data)


def determine(actor, case, decision=Solution.RETURN):
    return services.determination_record(actor=actor, case=case, data=determination_input(decision))


def transfer_consent(actor, case):
    consent_record(
        actor=actor,
        case=case,
        purpose=ConsentPurpose.TRANSFER,
        status=ConsentStatus.GIVEN,
        decided_on=date(2026, 1, 6),
        method=ConsentMethod.SIGNED_FORM,
        document=SimpleUploadedFile("transfer.pdf", b"%PDF-1.4 signed", content_type="application/pdf"),
    )
