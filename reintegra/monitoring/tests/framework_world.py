"""A small world for the results-framework stories, with every figure counted by hand.

Built from bulk objects (plans, activities, payments, referrals, responses and scores are created
directly: the services' own rules are tested in their apps; here only the counting matters). Dates are
set explicitly. The period is Q1 2026 (1 January – 31 March); `EMPTY` is a period with nothing in it.

Programme "sn-2026" runs in Dakar and its sub-office Tambacounda.

| case | office | sex    | born       | arrival    | age | group  | return      | opened     |
|------|--------|--------|------------|------------|-----|--------|-------------|------------|
| A    | Dakar  | female | 2000-05-01 | 2026-01-10 | 25  | 25–34  | voluntary   | 2026-01-12 |
| B    | Dakar  | male   | 2003-03-15 | 2026-02-01 | 22  | 18–24  | forced      | 2026-02-02 |
| C    | Tamba  | male   | 1990-06-30 | 2026-02-15 | 35  | 35–49  | spontaneous | 2026-02-16 |
| D    | Dakar  | female | 1970-01-01 | 2025-11-20 | 55  | 50+    | voluntary   | 2025-11-21 |
| E    | Dakar  | male   | (unknown)  | (none)     | ?   | unknown| voluntary   | 2026-03-30 |
| X    | Bamako | male   | 1994-03-12 | 2026-01-15 | in sn-2026, but Bamako is not its office: never counted |
| Y    | Dakar  | male   | 1994-03-12 | 2026-01-15 | no programme: never counted |

Plans (plan_due_days = 30):
- A v1 approved 2026-02-09 10:00 (due 2026-02-09: on time, the boundary). Activities: a1 micro_business
  (economic, direct, individual) delivered 2026-02-20; a2 psychosocial_individual (psychosocial, referral,
  individual) delivered 2026-03-05; a3 vocational_training (economic, direct) planned.
- B v1 approved 2026-03-10 (due 2026-03-03: late). b1 housing (social, referral) in progress, paid 2026-03-15.
- C v1 approved 2026-03-01, superseded by v2 approved 2026-03-20 (first approval 03-01, due 03-17: on time).
  v1: c1 micro_business (economic, direct, community) delivered 2026-03-02; v2: c1' copy of c1 (delivered,
  not counted again), c2 vocational_training cancelled.
- D v1 approved 2025-12-10; d1 micro_business delivered 2025-12-15, paid 2026-01-05 (assisted in Q1).
- X v1 approved 2026-01-20; x1 micro_business delivered 2026-02-01 (never counted).

Referrals (completed): r1 A (activity a2) sent 02-01, completed 02-11 (10 days); r2 B (b1) 03-01 → 03-05
(4 days); r3 C (ad hoc) 01-10 → 03-31 (80 days); r4 A accepted only; r5 D completed 2025-12-01;
rX X completed 2026-02-10.

RSS scores (default profile; composite / economic):
- A baseline 2026-01-15 0.40 / 0.30; follow-up 1 2026-03-20 0.60 / 0.50
- B baseline 2026-02-05 0.50 / none
- C baseline 2025-12-20 0.30 / 0.20; follow-up 1 2026-02-25 0.45; follow-up 2 2026-03-25 0.70 / 0.60
- D baseline 2026-01-20 0.20 as a draft (not counted); follow-up 2026-03-01 0.90 with another profile (not counted)
- E end-line 2026-03-31 0.80 (no baseline)
- X baseline 2026-01-20 0.99 (never counted)

Satisfaction (submitted in Q1): A 2026-03-21 business very satisfied (5), counselling satisfied (4),
psychosocial not applicable, overall satisfied (4); C 2026-03-26 business dissatisfied (2), training neutral
(3), overall very satisfied (5). B's draft and D's December survey are not counted.

Closures: D closed 2026-03-15 support completed (planned); E closed 2026-03-31 re-migrated (abrupt);
Y closed 2026-02-01 (no programme: not counted).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from reintegra.accounts.models import Programme
from reintegra.cases.models import (
    CLOSURE_REASON_GROUPS,
    Case,
    ClosureReason,
    Consent,
    ConsentPurpose,
    ReturnType,
    Stage,
)
from reintegra.directory.models import Organisation, Service
from reintegra.instruments.models import Response
from reintegra.instruments.selectors import current_version
from reintegra.plans.models import Activity, ActivityType, Disbursement, Plan
from reintegra.referrals.models import Referral
from reintegra.referrals.models import Status as RStatus
from reintegra.scoring.models import Score, ScoringProfile
from reintegra.scoring.selectors import default_profile

START, END = date(2026, 1, 1), date(2026, 3, 31)
EMPTY = (date(2024, 1, 1), date(2024, 3, 31))


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


@dataclass
class World:
    cast: object
    a: Case
    b: Case
    c: Case
    d: Case
    e: Case
    x: Case
    y: Case


def _case(cast, office, *, sex, birth, arrival, opened, return_type=ReturnType.ASSISTED_VOLUNTARY, programme=True):
    case = cast.case(office, sex=sex, birth=birth, given="Awa", family="Ndiaye")
    Case.objects.filter(pk=case.pk).update(
        programme=cast.programme if programme is True else programme,
        arrival_date=arrival,
        opened_at=at(opened),
        return_type=return_type,
        stage=Stage.IMPLEMENTATION,
    )
    case.refresh_from_db()
    return case


def _plan(cast, case, approved: str | None, status=Plan.Status.APPROVED, version=1, previous=None) -> Plan:
    return Plan.objects.create(
        case=case,
        version=version,
        status=status,
        plan_date=date(2026, 1, 1),
        approved_at=at(approved) if approved else None,
        previous=previous,
        created_by=cast.sup_dakar,
    )


def _activity(plan, code, *, status, delivery="direct", level="individual", changed=None, copied_from=None):
    kind = ActivityType.objects.get(code=code)
    extra = {"copied_from": copied_from, "lineage": copied_from.lineage} if copied_from else {}
    activity = Activity.objects.create(
        plan=plan,
        type=kind,
        dimension=kind.dimension,
        level=level,
        modality="service",
        delivery=delivery,
        currency="XOF",
        status=status,
        **extra,
    )
    if changed:
        Activity.objects.filter(pk=activity.pk).update(updated_at=at(changed))
    return activity


def _pay(cast, activity, day: str):
    Disbursement.objects.create(
        activity=activity,
        paid_on=date.fromisoformat(day),
        amount=1000,
        currency="XOF",
        kind="purchase",
        recorded_by=cast.sup_dakar,
    )


def _referral(cast, case, service, sent: str, *, completed: str | None = None, activity=None, status=RStatus.COMPLETED):
    consent = Consent.objects.filter(case=case, purpose=ConsentPurpose.PROCESSING).first()
    return Referral.objects.create(
        case=case,
        activity=activity,
        service=service,
        organisation=service.organisation,
        need_summary="Need",
        consent=consent,
        status=status,
        sent_at=at(sent),
        response_due=date.fromisoformat(sent),
        completed_at=at(completed, 9) if completed else None,
        created_by=cast.sup_dakar,
    )


def _score(cast, case, occasion, day, composite, economic=None, *, number=0, profile=None, draft=False):
    response = Response.objects.create(
        case=case,
        instrument_version=current_version("rss"),
        occasion=occasion,
        occasion_number=number,
        interview_date=date.fromisoformat(day),
        status=Response.Status.DRAFT if draft else Response.Status.SUBMITTED,
        created_by=cast.cm_dakar,
    )
    return Score.objects.create(
        response=response,
        profile=profile or default_profile("rss"),
        case=case,
        composite=composite,
        economic=economic,
    )


def _survey(cast, case, day, answers, *, draft=False):
    return Response.objects.create(
        case=case,
        instrument_version=current_version("satisfaction"),
        occasion="follow_up",
        occasion_number=1,
        interview_date=date.fromisoformat(day),
        answers=answers,
        status=Response.Status.DRAFT if draft else Response.Status.SUBMITTED,
        created_by=cast.cm_dakar,
    )


def _close(case, day: str, reason: str):
    Case.objects.filter(pk=case.pk).update(
        stage=Stage.CLOSED,
        closed_at=at(day),
        closure_reason=reason,
        closure_group=CLOSURE_REASON_GROUPS[ClosureReason(reason)],
    )


def build_world(cast) -> World:
    cast.programme.plan_due_days = 30
    cast.programme.save()
    w = World(
        cast=cast,
        a=_case(cast, cast.dakar, sex="female", birth=date(2000, 5, 1), arrival=date(2026, 1, 10), opened="2026-01-12"),
        b=_case(
            cast,
            cast.dakar,
            sex="male",
            birth=date(2003, 3, 15),
            arrival=date(2026, 2, 1),
            opened="2026-02-02",
            return_type=ReturnType.FORCED,
        ),
        c=_case(
            cast,
            cast.tamba,
            sex="male",
            birth=date(1990, 6, 30),
            arrival=date(2026, 2, 15),
            opened="2026-02-16",
            return_type=ReturnType.SPONTANEOUS,
        ),
        d=_case(
            cast, cast.dakar, sex="female", birth=date(1970, 1, 1), arrival=date(2025, 11, 20), opened="2025-11-21"
        ),
        e=_case(cast, cast.dakar, sex="male", birth=None, arrival=None, opened="2026-03-30"),
        x=_case(cast, cast.bamako, sex="male", birth=date(1994, 3, 12), arrival=date(2026, 1, 15), opened="2026-01-16"),
        y=_case(
            cast,
            cast.dakar,
            sex="male",
            birth=date(1994, 3, 12),
            arrival=date(2026, 1, 15),
            opened="2026-01-16",
            programme=None,
        ),
    )
    # Plans and activities
    plan_a = _plan(cast, w.a, "2026-02-09")
    _activity(plan_a, "micro_business", status="delivered", changed="2026-02-20")
    a2 = _activity(plan_a, "psychosocial_individual", status="delivered", delivery="referral", changed="2026-03-05")
    _activity(plan_a, "vocational_training", status="planned", changed="2026-02-09")
    plan_b = _plan(cast, w.b, "2026-03-10")
    b1 = _activity(plan_b, "housing", status="in_progress", delivery="referral", changed="2026-03-10")
    _pay(cast, b1, "2026-03-15")
    plan_c1 = _plan(cast, w.c, "2026-03-01", status=Plan.Status.SUPERSEDED)
    c1 = _activity(plan_c1, "micro_business", status="delivered", level="community", changed="2026-03-02")
    plan_c2 = _plan(cast, w.c, "2026-03-20", version=2, previous=plan_c1)
    _activity(plan_c2, "micro_business", status="delivered", level="community", changed="2026-03-20", copied_from=c1)
    _activity(plan_c2, "vocational_training", status="cancelled", changed="2026-03-20")
    plan_d = _plan(cast, w.d, "2025-12-10")
    d1 = _activity(plan_d, "micro_business", status="delivered", changed="2025-12-15")
    _pay(cast, d1, "2026-01-05")
    plan_x = _plan(cast, w.x, "2026-01-20")
    _activity(plan_x, "micro_business", status="delivered", changed="2026-02-01")
    # Referrals
    organisation = Organisation.objects.create(name="ONG Jappo", kind="ngo", country="SN")
    service = Service.objects.create(organisation=organisation, name="Counselling")
    _referral(cast, w.a, service, "2026-02-01", completed="2026-02-11", activity=a2)
    _referral(cast, w.b, service, "2026-03-01", completed="2026-03-05", activity=b1)
    _referral(cast, w.c, service, "2026-01-10", completed="2026-03-31")
    _referral(cast, w.a, service, "2026-03-01", status=RStatus.ACCEPTED)
    _referral(cast, w.d, service, "2025-11-01", completed="2025-12-01")
    _referral(cast, w.x, service, "2026-02-01", completed="2026-02-10")
    # RSS scores
    other = ScoringProfile.objects.create(
        code="other",
        version="1",
        name_en="Other",
        name_fr="Autre",
        instrument=default_profile("rss").instrument,
        definition={},
    )
    _score(cast, w.a, "baseline", "2026-01-15", 0.40, 0.30)
    _score(cast, w.a, "follow_up", "2026-03-20", 0.60, 0.50, number=1)
    _score(cast, w.b, "baseline", "2026-02-05", 0.50, None)
    _score(cast, w.c, "baseline", "2025-12-20", 0.30, 0.20)
    _score(cast, w.c, "follow_up", "2026-02-25", 0.45, None, number=1)
    _score(cast, w.c, "follow_up", "2026-03-25", 0.70, 0.60, number=2)
    _score(cast, w.d, "baseline", "2026-01-20", 0.20, draft=True)
    _score(cast, w.d, "follow_up", "2026-03-01", 0.90, number=1, profile=other)
    _score(cast, w.e, "endline", "2026-03-31", 0.80)
    _score(cast, w.x, "baseline", "2026-01-20", 0.99)
    # Satisfaction
    _survey(
        cast,
        w.a,
        "2026-03-21",
        {
            "sat_business": "very_satisfied",
            "sat_counselling": "satisfied",
            "sat_psychosocial": "not_applicable",
            "sat_overall": "satisfied",
        },
    )
    _survey(
        cast,
        w.c,
        "2026-03-26",
        {
            "sat_business": "dissatisfied",
            "sat_training": "neutral",
            "sat_overall": "very_satisfied",
        },
    )
    _survey(cast, w.b, "2026-03-01", {"sat_business": "very_dissatisfied"}, draft=True)
    _survey(cast, w.d, "2025-12-01", {"sat_business": "very_dissatisfied"})
    _survey(cast, w.x, "2026-03-01", {"sat_business": "very_dissatisfied"})
    # Closures
    _close(w.d, "2026-03-15", ClosureReason.SUPPORT_COMPLETED)
    _close(w.e, "2026-03-31", ClosureReason.REMIGRATED)
    _close(w.y, "2026-02-01", ClosureReason.REMIGRATED)
    for case in (w.a, w.b, w.c, w.d, w.e, w.x, w.y):
        case.refresh_from_db()
    return w


def programme() -> Programme:
    return Programme.objects.get(code="sn-2026")
