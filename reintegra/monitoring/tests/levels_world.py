"""Community and structural records for the results-framework stories, every figure counted by hand.

Records are created directly (the services' rules are tested in their apps; here only the counting
matters). The period is Q1 2026 (1 January – 31 March); `EMPTY` (Q1 2024) has nothing in it.
Programme "sn-2026" runs in Dakar and its sub-office Tambacounda; "sn-other" also runs in Dakar;
Bamako is not an office of sn-2026.

Community projects (communities: Pikine in Dakar, Gouloumbou in Tamba, Kati in Bamako):

| project | where | programme | status | approach | dimension | dates | counted in Q1 |
|---|---|---|---|---|---|---|---|
| P1 | Pikine | sn-2026 | in progress | community-based | economic | 2025-11-01 → (open) | yes |
| P2 | Gouloumbou | sn-2026 | completed | collective | social | 2026-02-01 → 2026-03-15 | yes |
| P3 | Pikine | sn-2026 | completed | inclusion | psychosocial | 2025-06-01 → 2025-12-31 | no: ended the day before |
| P4 | Pikine | sn-2026 | planned | collective | economic | 2026-02-01 → | no: planned |
| P5 | Pikine | sn-2026 | cancelled | collective | economic | 2026-01-10 → 2026-02-10 | no: cancelled |
| P6 | Pikine | sn-other | in progress | collective | economic | 2026-01-01 → | no: another programme |
| P7 | Kati | sn-2026 | in progress | collective | economic | 2026-01-01 → | no: Bamako is not its office |
| P8 | Pikine | sn-2026 | in progress | inclusion | social | 2026-03-31 → (open) | yes: starts on the last day |

Participants (returnees' sex and birth date come from their person record; age at the day added):

| project | who | sex | age group | counted |
|---|---|---|---|---|
| P1 | returnee A (born 2000-05-01, added 2026-01-20: 25) | female | 25-34 | yes |
| P1 | resident "F. S." | female | 35-59 | yes |
| P1 | resident "M. D." | male | 18-24 | yes |
| P2 | returnee C (born 1990-06-30, added 2026-02-05: 35) | male | 35-59 | yes |
| P2 | resident "K." | (not recorded) | (unknown) | yes |
| P8 | returnee E (no birth date) | male | unknown | yes |
| P3, P4, P6 | one resident each | | | no |
| P7 | returnee X (Bamako) | | | no |

Agreements:

| | office | kind | status | valid | in force in Q1 |
|---|---|---|---|---|---|
| G1 | Dakar | MoU | signed | 2025-06-01 → (open) | yes |
| G2 | Dakar | LTA | signed | 2025-01-01 → 2026-01-01 | yes: ends on the first day |
| G3 | Tamba | LTA | expired | 2025-04-01 → 2026-02-28 | yes: was in force |
| G4 | Dakar | MoU | draft | 2026-01-01 → | no |
| G5 | Dakar | LTA | terminated | 2025-01-01 → 2026-12-31 | no |
| G6 | Dakar | LTA | signed | 2026-04-01 → | no: starts after |
| G7 | Bamako | MoU | signed | 2025-01-01 → | no: Bamako |
| G8 | Dakar | other | signed | 2025-01-01 → 2025-12-31 | no: ended the day before |

Capacity-building activities: K1 Dakar 2026-02-01 (one day) 12 participants; K2 Tamba 2025-12-15 →
2026-01-10, 8; K3 Dakar 2026-03-20 → 2026-04-05, no count recorded; not counted: K4 Dakar 2025-12-31
(one day), K5 Bamako 2026-02-01 (30), K6 Dakar 2025-10-01 → 2025-12-31 (5).
→ 3 activities (Dakar 2, Tamba 1); 20 participants over the 2 activities with a count.

Coordination meetings: Dakar committee 2026-01-01, 2026-03-31 (and 2025-12-31, not counted); Tamba
platform 2026-02-10; Bamako group 2026-02-10 (not counted). → 3 (Dakar 2, Tamba 1).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from reintegra.accounts.models import Programme
from reintegra.community.models import Community, CommunityProject, Participant
from reintegra.structural.models import Agreement, CapacityActivity, CoordinationBody, Meeting, Stakeholder

START, END = date(2026, 1, 1), date(2026, 3, 31)
EMPTY = (date(2024, 1, 1), date(2024, 3, 31))
S = CommunityProject.Status


@dataclass
class Levels:
    cast: object
    other_programme: Programme
    projects: dict


def _project(name, community, programme, status, approach, dimension, start, end=None):
    return CommunityProject.objects.create(
        community=community,
        programme=programme,
        title=name,
        approach=approach,
        dimension=dimension,
        status=status,
        start_date=start,
        end_date=end,
    )


def _participant(project, *, case=None, label="", sex="", age_group="", added=None):
    participant = Participant.objects.create(project=project, case=case, label=label, sex=sex, age_group=age_group)
    if added:
        Participant.objects.filter(pk=participant.pk).update(added_at=datetime.fromisoformat(added).replace(tzinfo=UTC))
    return participant


def _communities(cast):
    def community(office, name, country):
        return Community.objects.create(office=office, name=name, country=country)

    return (
        community(cast.dakar, "Pikine", "SN"),
        community(cast.tamba, "Gouloumbou", "SN"),
        community(cast.bamako, "Kati", "ML"),
    )


def _community_level(cast, other) -> dict:
    pikine, gouloumbou, kati = _communities(cast)
    sn = cast.programme
    p = {
        "P1": _project("P1", pikine, sn, S.IN_PROGRESS, "community_based", "economic", date(2025, 11, 1)),
        "P2": _project("P2", gouloumbou, sn, S.COMPLETED, "collective", "social", date(2026, 2, 1), date(2026, 3, 15)),
        "P3": _project(
            "P3", pikine, sn, S.COMPLETED, "inclusion", "psychosocial", date(2025, 6, 1), date(2025, 12, 31)
        ),
        "P4": _project("P4", pikine, sn, S.PLANNED, "collective", "economic", date(2026, 2, 1)),
        "P5": _project("P5", pikine, sn, S.CANCELLED, "collective", "economic", date(2026, 1, 10), date(2026, 2, 10)),
        "P6": _project("P6", pikine, other, S.IN_PROGRESS, "collective", "economic", date(2026, 1, 1)),
        "P7": _project("P7", kati, sn, S.IN_PROGRESS, "collective", "economic", date(2026, 1, 1)),
        "P8": _project("P8", pikine, sn, S.IN_PROGRESS, "inclusion", "social", date(2026, 3, 31)),
    }
    a = cast.case(cast.dakar, given="Awa", family="Sarr", sex="female", birth=date(2000, 5, 1))
    c = cast.case(cast.tamba, given="Cheikh", family="Ba", sex="male", birth=date(1990, 6, 30))
    e = cast.case(cast.dakar, given="Ebou", family="Faye", sex="male", birth=None)
    x = cast.case(cast.bamako, given="Xavier", family="Keita", sex="male")
    _participant(p["P1"], case=a, added="2026-01-20T10:00")
    _participant(p["P1"], label="F. S.", sex="female", age_group="35-59")
    _participant(p["P1"], label="M. D.", sex="male", age_group="18-24")
    _participant(p["P2"], case=c, added="2026-02-05T10:00")
    _participant(p["P2"], label="K.")
    _participant(p["P8"], case=e, added="2026-03-31T10:00")
    for name in ("P3", "P4", "P6"):
        _participant(p[name], label="R.", sex="female", age_group="25-34")
    _participant(p["P7"], case=x)
    return p


def _agreements(cast):
    K, St = Agreement.Kind, Agreement.Status
    rows = [
        (cast.dakar, K.MOU, St.SIGNED, date(2025, 6, 1), None),
        (cast.dakar, K.LTA, St.SIGNED, date(2025, 1, 1), date(2026, 1, 1)),
        (cast.tamba, K.LTA, St.EXPIRED, date(2025, 4, 1), date(2026, 2, 28)),
        (cast.dakar, K.MOU, St.DRAFT, date(2026, 1, 1), None),
        (cast.dakar, K.LTA, St.TERMINATED, date(2025, 1, 1), date(2026, 12, 31)),
        (cast.dakar, K.LTA, St.SIGNED, date(2026, 4, 1), None),
        (cast.bamako, K.MOU, St.SIGNED, date(2025, 1, 1), None),
        (cast.dakar, K.OTHER, St.SIGNED, date(2025, 1, 1), date(2025, 12, 31)),
    ]
    for number, (office, kind, status, valid_from, valid_to) in enumerate(rows, start=1):
        Agreement.objects.create(
            office=office, kind=kind, status=status, title=f"G{number}", valid_from=valid_from, valid_to=valid_to
        )


def _stakeholders(cast) -> dict:
    def stakeholder(office, name):
        return Stakeholder.objects.create(
            office=office, name=name, type="national_authority", level="national", interest="high", influence="high"
        )

    return {
        cast.dakar: stakeholder(cast.dakar, "DGASE"),
        cast.tamba: stakeholder(cast.tamba, "ARD Tambacounda"),
        cast.bamako: stakeholder(cast.bamako, "DGME"),
    }


def _capacity(cast, institutions):
    rows = [
        ("K1", cast.dakar, date(2026, 2, 1), None, 12),
        ("K2", cast.tamba, date(2025, 12, 15), date(2026, 1, 10), 8),
        ("K3", cast.dakar, date(2026, 3, 20), date(2026, 4, 5), None),
        ("K4", cast.dakar, date(2025, 12, 31), None, 7),
        ("K5", cast.bamako, date(2026, 2, 1), None, 30),
        ("K6", cast.dakar, date(2025, 10, 1), date(2025, 12, 31), 5),
    ]
    for name, office, start, end, participants in rows:
        CapacityActivity.objects.create(
            office=office,
            institution=institutions[office],
            level="national",
            target="tangible",
            activity=name,
            start_date=start,
            end_date=end,
            participants=participants,
        )


def _meetings(cast):
    days = {
        cast.dakar: [date(2026, 1, 1), date(2026, 3, 31), date(2025, 12, 31)],
        cast.tamba: [date(2026, 2, 10)],
        cast.bamako: [date(2026, 2, 10)],
    }
    for office, held in days.items():
        body = CoordinationBody.objects.create(office=office, name=f"Comité {office.code}", kind="case_management")
        for day in held:
            Meeting.objects.create(body=body, held_on=day, decisions="Noted.")


def build_levels(cast) -> Levels:
    other = Programme.objects.create(name="Autre programme", code="sn-other", currency="XOF", start_date=START)
    other.offices.set([cast.dakar])
    projects = _community_level(cast, other)
    _agreements(cast)
    _capacity(cast, _stakeholders(cast))
    _meetings(cast)
    return Levels(cast, other, projects)
