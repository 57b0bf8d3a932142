"""A demonstration results framework for a programme, built through the services (so it is audited).

`seed_framework(actor=<programme manager or M&E officer>, programme=…)` is idempotent: it does nothing
when the programme already has a framework with the demo title. To be called from `seed_demo`.
"""

from datetime import date
from decimal import Decimal

from reintegra.monitoring import framework as fw
from reintegra.monitoring.models import ComputedKey, Indicator, ResultLevel, ResultsFramework

TITLE = "Sustainable reintegration of returnees"


def _quarters(year: int) -> list[tuple[str, date, date]]:
    ends = [(3, 31), (6, 30), (9, 30), (12, 31)]
    return [(f"{year}-Q{n}", date(year, 3 * n - 2, 1), date(year, m, d)) for n, (m, d) in enumerate(ends, 1)]


def seed_framework(*, actor, programme, year: int = 2026) -> ResultsFramework:
    existing = ResultsFramework.objects.filter(programme=programme, title=TITLE).first()
    if existing:
        return existing
    framework = fw.framework_save(
        actor=actor,
        programme=programme,
        title=TITLE,
        theory_of_change=(
            "If returnees receive timely, tailored economic, social and psychosocial assistance, directly or "
            "through referrals, then their reintegration becomes sustainable, because their needs are met in "
            "all three dimensions."
        ),
        assumptions="Service providers keep their capacity; the security situation remains stable.",
        risks="Inflation erodes grants (mitigation: exchange rates reviewed monthly).",
    )
    objective = fw.result_save(
        actor=actor,
        framework=framework,
        level=ResultLevel.OBJECTIVE,
        code="1",
        statement="Returnees achieve sustainable reintegration.",
        statement_fr="Les personnes de retour atteignent une réintégration durable.",
    )
    outcome = fw.result_save(
        actor=actor,
        framework=framework,
        parent=objective,
        level=ResultLevel.OUTCOME,
        code="1.1",
        statement="Returnees' economic, social and psychosocial well-being improves.",
    )
    output = fw.result_save(
        actor=actor,
        framework=framework,
        parent=outcome,
        level=ResultLevel.OUTPUT,
        code="1.1.1",
        statement="Returnees receive tailored reintegration assistance.",
    )
    structural = fw.result_save(
        actor=actor,
        framework=framework,
        parent=outcome,
        level=ResultLevel.OUTPUT,
        code="1.1.2",
        statement="Local authorities are able to refer returnees to services.",
    )
    community = fw.result_save(
        actor=actor,
        framework=framework,
        parent=outcome,
        level=ResultLevel.OUTPUT,
        code="1.1.3",
        statement="Returnees and residents take part in community projects.",
        statement_fr="Personnes de retour et résidents participent à des projets communautaires.",
    )
    everyone = ["sex", "age_group", "office", "return_type"]
    specs = [
        (
            objective,
            "1.a",
            "Mean change in composite RSS score",
            ComputedKey.RSS_CHANGE,
            {},
            "score",
            "0.15",
            everyone + ["delivery"],
        ),
        (
            objective,
            "1.b",
            "Share of returnees at or above 0.5 (composite) at follow-up",
            ComputedKey.RSS_ABOVE,
            {"threshold": 0.5},
            "percentage",
            "60",
            ["sex", "delivery"],
        ),
        (
            outcome,
            "1.1.a",
            "Mean composite RSS score at follow-up",
            ComputedKey.RSS_MEAN,
            {"occasion": "follow_up"},
            "score",
            "0.6",
            ["sex", "assistance_type"],
        ),
        (
            outcome,
            "1.1.b",
            "Mean satisfaction with the assistance (1–5)",
            ComputedKey.SATISFACTION,
            {},
            "score",
            "4",
            ["assistance_type", "sex"],
        ),
        (output, "1.1.1.a", "Returnees registered", ComputedKey.REGISTERED, {}, "number", "150", everyone),
        (output, "1.1.1.b", "Returnees assisted", ComputedKey.ASSISTED, {}, "number", "120", everyone),
        (
            output,
            "1.1.1.c",
            "Share of plans approved within the programme's delay",
            ComputedKey.PLAN_ON_TIME,
            {},
            "percentage",
            "80",
            ["office"],
        ),
        (
            output,
            "1.1.1.d",
            "Activities delivered",
            ComputedKey.ACTIVITIES,
            {},
            "number",
            "300",
            ["assistance_type", "dimension", "delivery", "level"],
        ),
        (
            output,
            "1.1.1.e",
            "Share of activities delivered through referral",
            ComputedKey.REFERRAL_SHARE,
            {},
            "percentage",
            "30",
            ["dimension"],
        ),
        (
            output,
            "1.1.1.f",
            "Median days from referral to completion",
            ComputedKey.REFERRAL_DAYS,
            {},
            "days",
            "21",
            ["assistance_type"],
        ),
        (
            community,
            "1.1.3.a",
            "Community projects active",
            ComputedKey.COMMUNITY_PROJECTS,
            {},
            "number",
            "4",
            ["approach", "dimension", "office"],
        ),
        (
            community,
            "1.1.3.b",
            "Participants in community projects",
            ComputedKey.COMMUNITY_PARTICIPANTS,
            {},
            "number",
            "60",
            ["participant_type", "sex", "participant_age"],
        ),
        (structural, "1.1.2.b", "Agreements in force", ComputedKey.AGREEMENTS, {}, "number", "3", ["agreement_kind"]),
        (structural, "1.1.2.c", "Coordination meetings held", ComputedKey.MEETINGS, {}, "number", "4", ["office"]),
    ]
    for result, code, name, key, params, unit, target, breakdowns in specs:
        fw.indicator_save(
            actor=actor,
            result=result,
            code=code,
            name=name,
            kind=Indicator.Kind.COMPUTED,
            computed_key=key,
            parameters=params,
            unit=unit,
            target_value=Decimal(target),
            disaggregations=breakdowns,
            direction="decrease" if key == ComputedKey.REFERRAL_DAYS else "increase",
            means_of_verification="Reintegra case data",
            responsible="M&E officer",
        )
    fw.indicator_save(
        actor=actor,
        result=structural,
        code="1.1.2.a",
        name="Local referral committees trained",
        kind=Indicator.Kind.MANUAL,
        unit="number",
        target_value=Decimal("4"),
        disaggregations=["office"],
        frequency="annually",
        means_of_verification="Training attendance sheets",
        responsible="Programme manager",
    )
    for label, start, end in _quarters(year):
        fw.period_save(actor=actor, programme=programme, label=label, start=start, end=end)
    return framework
