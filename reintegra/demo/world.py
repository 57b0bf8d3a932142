"""The demo world: offices, programmes and one user per role (shared by both seed commands).

Everything here is created idempotently: a second run finds the rows and changes nothing.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection

from reintegra.accounts.models import Membership, Office, Programme, Role, User


@dataclass
class World:
    dakar: Office
    tamba: Office
    bamako: Office
    programme_sn: Programme
    programme_ml: Programme
    users: dict[str, User]

    @property
    def offices(self) -> list[Office]:
        return [self.dakar, self.tamba, self.bamako]


# username -> (first name, last name, organisation, [(office code, role)], what they see)
DEMO_USERS = {
    "admin": (
        "Aïssata",
        "Sow",
        "",
        [("DKR", Role.ADMINISTRATOR), ("BKO", Role.ADMINISTRATOR)],
        "users, sub-offices and programmes of all three offices; no case files",
    ),
    "cm.dakar": (
        "Awa",
        "Ndiaye",
        "",
        [("DKR", Role.CASE_MANAGER)],
        "own and unassigned cases of Dakar",
    ),
    "cm.tamba": (
        "Moussa",
        "Camara",
        "",
        [("TBA", Role.CASE_MANAGER)],
        "own and unassigned cases of Tambacounda",
    ),
    "cm.bamako": (
        "Fatoumata",
        "Traoré",
        "",
        [("BKO", Role.CASE_MANAGER)],
        "own and unassigned cases of Bamako",
    ),
    "sup.dakar": (
        "Ibrahima",
        "Sarr",
        "",
        [("DKR", Role.SUPERVISOR)],
        "every case of Dakar and Tambacounda; assigns and reopens",
    ),
    "pm.dakar": (
        "Claire",
        "Mendy",
        "",
        [("DKR", Role.PROGRAMME_MANAGER)],
        "every case of Dakar and Tambacounda",
    ),
    "me.hq": (
        "Jean",
        "Kaboré",
        "",
        [("DKR", Role.ME_OFFICER), ("BKO", Role.ME_OFFICER)],
        "all offices, pseudonymised (no names, phones, documents, addresses)",
    ),
    "partner.dakar": (
        "Khady",
        "Fall",
        "ONG Jappo Liggeey",
        [("DKR", Role.PARTNER)],
        "no case files; referrals addressed to the organisation, shared fields only",
    ),
    "cp.dakar": (
        "Mariama",
        "Badji",
        "",
        [("DKR", Role.CHILD_PROTECTION)],
        "child cases of Dakar and Tambacounda",
    ),
}


def require_demo_mode(command: str) -> None:
    if not settings.DEMO_MODE:
        raise CommandError(
            f"{command} only runs in demo mode: it creates accounts with a known password. "
            "Set REINTEGRA_DEMO=1 (never on a production database)."
        )


def _office(*, country: str, code: str, **values) -> Office:
    office, _created = Office.objects.get_or_create(country=country, code=code, defaults=values)
    return office


def _programme(*, code: str, offices: list[Office], **values) -> Programme:
    programme, _created = Programme.objects.get_or_create(code=code, defaults=values)
    have = set(programme.offices.values_list("pk", flat=True))
    missing = [o for o in offices if o.pk not in have]
    if missing:
        programme.offices.add(*missing)
    return programme


def _user(username: str, spec: tuple, offices: dict[str, Office], password: str) -> User:
    first, last, organisation, roles, _sees = spec
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, first_name=first, last_name=last, organisation=organisation)
        user.set_password(password)
        user.save()
    elif not user.check_password(password):
        user.set_password(password)  # DEMO_PASSWORD changed since the last seed
        user.save(update_fields=["password"])
    for code, role in roles:
        Membership.objects.get_or_create(user=user, office=offices[code], role=role)
    return user


def build_world(password: str | None = None) -> World:
    """Offices, programmes and demo users; safe to call again."""
    password = password or settings.DEMO_PASSWORD
    dakar = _office(country="SN", code="DKR", name="Dakar", kind=Office.Kind.COUNTRY, language="fr")
    tamba = _office(country="SN", code="TBA", name="Tambacounda", kind=Office.Kind.SUB, parent=dakar, language="fr")
    bamako = _office(country="ML", code="BKO", name="Bamako", kind=Office.Kind.COUNTRY, language="fr")
    programme_sn = _programme(
        code="sn-reintegration-2026",
        offices=[dakar, tamba],
        name="Programme de réintégration Sénégal 2026",
        currency="XOF",
        start_date=date(2026, 1, 1),
        end_date=date(2028, 12, 31),
        per_returnee_cap=Decimal("1500000.00"),
    )
    programme_ml = _programme(
        code="ml-reintegration-2026",
        offices=[bamako],
        name="Programme de réintégration Mali 2026",
        currency="XOF",
        start_date=date(2026, 1, 1),
        end_date=date(2027, 12, 31),
        per_returnee_cap=Decimal("1200000.00"),
    )
    offices = {"DKR": dakar, "TBA": tamba, "BKO": bamako}
    users = {name: _user(name, spec, offices, password) for name, spec in DEMO_USERS.items()}
    return World(dakar, tamba, bamako, programme_sn, programme_ml, users)


def refresh_planner_statistics() -> None:
    """ANALYZE after a bulk load, so the query planner knows the tables' shape.

    Without statistics SQLite picks the office index for the caseload (reading and sorting
    every case of the office) instead of walking the primary key backwards until one page is
    full: 330 ms instead of 5 ms at 200,000 cases (docs/benchmarks.md).
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
