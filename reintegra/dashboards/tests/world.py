"""A small, hand-countable world for the dashboard stories (frozen on 1 September 2026).

Programme Sénégal (XOF), offices Dakar, Tambacounda (sub-office) and Bamako:

- aminata: Dakar, female, 25–34, arrived 2026-02-05, planning, cm.dakar2, no plan (late);
  RSS baseline e .2, s .3, p –, c .25.
- moussa: Dakar, male, 25–34, arrived 2026-01-10, implementation, cm.dakar; approved plan with a
  micro-business (direct, individual, 300,000 XOF) and a community project (referral, community,
  100,000 XOF), 50,000 XOF paid; RSS baseline .4 .5 .6 .5, follow-up .7 .6 .6 .63.
- ousmane: Tambacounda, male, 45+, arrived 2026-03-15, intake, unassigned, no plan (late), no RSS;
  one task for cm.tamba overdue since 2026-08-01.
- fanta: Bamako (no programme), female, 18–24, arrived 2026-04-01, monitoring, cm.bamako; RSS
  baseline .3 .3 .3 .3, follow-up .5 .5 .5 .5.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from reintegra.cases.models import Case, Stage
from reintegra.cases.services import task_create
from reintegra.directory.models import Organisation, Service
from reintegra.instruments.models import Occasion, Response
from reintegra.instruments.selectors import current_version
from reintegra.plans import services as plan_services
from reintegra.plans.models import ActivityType
from reintegra.scoring.models import Score
from reintegra.scoring.selectors import default_profile

TODAY = date(2026, 9, 1)


@dataclass
class World:
    aminata: Case
    moussa: Case
    ousmane: Case
    fanta: Case
    plan: object


def case(cast, office, *, sex, birth, arrival, stage, assigned_to=None, programme=True, given="Awa") -> Case:
    made = cast.case(office, given=given, family="Diallo", birth=birth, sex=sex)
    Case.objects.filter(pk=made.pk).update(
        programme=cast.programme if programme else None, arrival_date=arrival, stage=stage, assigned_to=assigned_to
    )
    made.refresh_from_db()
    return made


def score(cast, case, occasion, on, values, number=0):
    response = Response.objects.create(
        case=case,
        instrument_version=current_version("rss"),
        occasion=occasion,
        occasion_number=number,
        interview_date=on,
        status=Response.Status.SUBMITTED,
        created_by=cast.cm_dakar,
    )
    e, s, p, c = values
    return Score.objects.create(
        response=response, profile=default_profile("rss"), case=case, economic=e, social=s, psychosocial=p, composite=c
    )


def activity(cast, plan, code, cost, delivery, actor=None):
    kind = ActivityType.objects.get(code=code)
    provider = None
    if delivery == "referral":
        organisation, _new = Organisation.objects.get_or_create(
            name="ONG Jappo", defaults={"kind": Organisation.Kind.NGO, "country": "SN"}
        )
        provider, _new = Service.objects.get_or_create(organisation=organisation, name="Jardin communautaire")
    return plan_services.activity_add(
        actor=actor or cast.cm_dakar,
        plan=plan,
        data=plan_services.ActivityInput(
            type=kind,
            modality=kind.default_modality,
            estimated_cost=Decimal(cost),
            currency="XOF",
            delivery=delivery,
            provider_service=provider,
        ),
    )


def build(cast) -> World:
    aminata = case(
        cast,
        cast.dakar,
        sex="female",
        birth=date(2000, 5, 1),
        arrival=date(2026, 2, 5),
        stage=Stage.PLANNING,
        assigned_to=cast.cm_dakar2,
        given="Aminata",
    )
    moussa = case(
        cast,
        cast.dakar,
        sex="male",
        birth=date(1994, 3, 12),
        arrival=date(2026, 1, 10),
        stage=Stage.IMPLEMENTATION,
        assigned_to=cast.cm_dakar,
        given="Moussa",
    )
    ousmane = case(
        cast,
        cast.tamba,
        sex="male",
        birth=date(1980, 1, 1),
        arrival=date(2026, 3, 15),
        stage=Stage.INTAKE,
        given="Ousmane",
    )
    fanta = case(
        cast,
        cast.bamako,
        sex="female",
        birth=date(2005, 6, 1),
        arrival=date(2026, 4, 1),
        stage=Stage.MONITORING,
        assigned_to=cast.cm_bamako,
        programme=False,
        given="Fanta",
    )
    plan = plan_services.plan_create(
        actor=cast.cm_dakar, case=moussa, data=plan_services.PlanInput(plan_date=date(2026, 2, 1))
    )
    business = activity(cast, plan, "micro_business", "300000", "direct")
    activity(cast, plan, "community_project", "100000", "referral")
    plan = plan_services.plan_submit(actor=cast.cm_dakar, plan=plan)
    business.refresh_from_db()
    plan_services.disbursement_record(
        actor=cast.cm_dakar,
        activity=business,
        data=plan_services.DisbursementInput(
            paid_on=date(2026, 3, 1), amount=Decimal("50000"), currency="XOF", kind="purchase"
        ),
    )
    task_create(actor=cast.sup_dakar, case=ousmane, title="Call", due_date=date(2026, 8, 1), assignee=cast.cm_tamba)
    score(cast, aminata, Occasion.BASELINE, date(2026, 2, 20), (0.2, 0.3, None, 0.25))
    score(cast, moussa, Occasion.BASELINE, date(2026, 1, 20), (0.4, 0.5, 0.6, 0.5))
    score(cast, moussa, Occasion.FOLLOW_UP, date(2026, 7, 1), (0.7, 0.6, 0.6, 0.63), number=1)
    score(cast, fanta, Occasion.BASELINE, date(2026, 4, 10), (0.3, 0.3, 0.3, 0.3))
    score(cast, fanta, Occasion.FOLLOW_UP, date(2026, 8, 10), (0.5, 0.5, 0.5, 0.5), number=1)
    return World(aminata, moussa, ousmane, fanta, plan)
