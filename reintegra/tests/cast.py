"""A small world for tests: two countries, three offices, one user per role.

Senegal (SN) country office Dakar with sub-office Tambacounda; Mali (ML) country office Bamako.
Each story says who acts (`cast.cm_dakar`, `cast.sup_dakar`...) and on which case.
"""

from dataclasses import dataclass
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from reintegra.accounts.models import Membership, Office, Programme, Role, User
from reintegra.cases.models import Case, ConsentMethod, ConsentPurpose, ConsentStatus, ReturnType
from reintegra.cases.services import PersonInput, ReturnInput, consent_record, returnee_register

PASSWORD = "correct-horse-battery"


@dataclass
class Cast:
    dakar: Office
    tamba: Office
    bamako: Office
    programme: Programme
    admin: User
    cm_dakar: User
    cm_dakar2: User
    cm_tamba: User
    cm_bamako: User
    sup_dakar: User
    pm_dakar: User
    me_hq: User
    partner_dakar: User
    cp_dakar: User
    nobody: User
    sup_bamako: User | None = None

    def case(
        self,
        office: Office,
        *,
        given="Mamadou",
        family="Diallo",
        birth=date(1994, 3, 12),
        assigned_to=None,
        consent=True,
        return_country: str = "",
        pre_departure: bool = False,
        **person,
    ) -> Case:
        """Register a returnee in `office`, acting as that office's supervisor."""
        actor = person.pop("actor", None) or (self.sup_dakar if office in (self.dakar, self.tamba) else self.sup_bamako)
        case = returnee_register(
            actor=actor,
            office=office,
            person=PersonInput(
                given_names=given, family_name=family, sex=person.pop("sex", "male"), birth_date=birth, **person
            ),
            details=ReturnInput(
                return_type=ReturnType.ASSISTED_VOLUNTARY,
                return_country=return_country or office.country,
                pre_departure=pre_departure,
            ),
            assigned_to=assigned_to,
        )
        if consent:
            consent_record(
                actor=actor,
                case=case,
                purpose=ConsentPurpose.PROCESSING,
                status=ConsentStatus.GIVEN,
                decided_on=date(2026, 1, 5),
                method=ConsentMethod.SIGNED_FORM,
                document=SimpleUploadedFile("form.pdf", b"%PDF-1.4 signed", content_type="application/pdf"),
            )
        return case


def _user(username: str, *roles: tuple[Office, str], **extra) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, first_name=username, **extra)
    for office, role in roles:
        Membership.objects.create(user=user, office=office, role=role)
    return user


def build_cast() -> Cast:
    dakar = Office.objects.create(name="Dakar", code="DKR", country="SN")
    tamba = Office.objects.create(name="Tambacounda", code="TBA", country="SN", kind=Office.Kind.SUB, parent=dakar)
    bamako = Office.objects.create(name="Bamako", code="BKO", country="ML")
    programme = Programme.objects.create(
        name="Programme Sénégal", code="sn-2026", currency="XOF", start_date=date(2026, 1, 1)
    )
    programme.offices.set([dakar, tamba])
    cast = Cast(
        dakar=dakar,
        tamba=tamba,
        bamako=bamako,
        programme=programme,
        admin=_user("admin", (dakar, Role.ADMINISTRATOR), (bamako, Role.ADMINISTRATOR)),
        cm_dakar=_user("cm.dakar", (dakar, Role.CASE_MANAGER)),
        cm_dakar2=_user("cm.dakar2", (dakar, Role.CASE_MANAGER)),
        cm_tamba=_user("cm.tamba", (tamba, Role.CASE_MANAGER)),
        cm_bamako=_user("cm.bamako", (bamako, Role.CASE_MANAGER)),
        sup_dakar=_user("sup.dakar", (dakar, Role.SUPERVISOR)),
        pm_dakar=_user("pm.dakar", (dakar, Role.PROGRAMME_MANAGER)),
        me_hq=_user("me.hq", (dakar, Role.ME_OFFICER), (bamako, Role.ME_OFFICER)),
        partner_dakar=_user("partner.dakar", (dakar, Role.PARTNER), organisation="ONG Jappo"),
        cp_dakar=_user("cp.dakar", (dakar, Role.CHILD_PROTECTION)),
        nobody=_user("nobody"),
    )
    cast.sup_bamako = _user("sup.bamako", (bamako, Role.SUPERVISOR))
    return cast
