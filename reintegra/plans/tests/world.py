"""Set-up shared by the plan stories: a programme in XOF with a cap, rates, and a case with a plan."""

from datetime import date
from decimal import Decimal

from reintegra.cases.models import Case, Stage
from reintegra.plans import services
from reintegra.plans.models import ActivityType, ExchangeRate

PLAN_DATE = date(2026, 3, 2)
CAP = Decimal("1000000.00")  # XOF
CASH_THRESHOLD = Decimal("200000.00")  # XOF


def configure_programme(cast, *, cap=CAP, cash_threshold=CASH_THRESHOLD):
    programme = cast.programme
    programme.per_returnee_cap = cap
    programme.cash_approval_threshold = cash_threshold
    programme.save()
    # EUR is pegged at 655.957 XOF; USD has two rates, the later one valid from 1 March.
    for currency, rate, valid_from in [
        ("EUR", "655.957", date(2026, 1, 1)),
        ("USD", "600.000000", date(2026, 1, 1)),
        ("USD", "610.500000", date(2026, 3, 1)),
    ]:
        ExchangeRate.objects.create(
            programme=programme,
            currency=currency,
            rate=Decimal(rate),
            valid_from=valid_from,
            entered_by=cast.pm_dakar,
        )
    return programme


def programme_case(cast, office=None, *, arrival=date(2026, 1, 10), stage=Stage.PLANNING, **kwargs) -> Case:
    case = cast.case(office or cast.dakar, **kwargs)
    Case.objects.filter(pk=case.pk).update(programme=cast.programme, arrival_date=arrival, stage=stage)
    case.refresh_from_db()
    return case


def activity_type(code: str) -> ActivityType:
    return ActivityType.objects.get(code=code)


def new_plan(cast, case, actor=None, *, plan_date=PLAN_DATE):
    return services.plan_create(
        actor=actor or cast.cm_dakar,
        case=case,
        data=services.PlanInput(
            plan_date=plan_date, goals="Ouvrir un atelier de couture", target_economic=Decimal("0.6")
        ),
    )


def add(cast, plan, code, cost, currency="XOF", *, modality=None, delivery="direct", actor=None, **extra):
    kind = activity_type(code)
    return services.activity_add(
        actor=actor or cast.cm_dakar,
        plan=plan,
        data=services.ActivityInput(
            type=kind,
            modality=modality or kind.default_modality,
            estimated_cost=Decimal(cost),
            currency=currency,
            delivery=delivery,
            **extra,
        ),
    )
