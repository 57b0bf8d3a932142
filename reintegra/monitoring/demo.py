"""Demo monitoring set-up for the Senegal programme: follow-up rules, the results framework,
one computed snapshot and a stratified 12-month RSS follow-up sample with some outcomes.

Called by `seed_demo` after the returnees, plans and referrals exist; through the services, so
every step is audited. Idempotent: nothing is added when the programme already has rules.
"""

import random
from dataclasses import replace
from datetime import timedelta

from django.utils import timezone

from reintegra.instruments.models import Instrument, Occasion
from reintegra.monitoring.demo_framework import seed_framework
from reintegra.monitoring.framework import snapshot_take
from reintegra.monitoring.models import MonitoringRule, Outcome, Sample
from reintegra.monitoring.selectors import FrameFilter
from reintegra.monitoring.services import (
    RuleInput,
    SampleInput,
    member_outcome_record,
    rule_save,
    sample_draw,
    sample_preview,
)

RULES = [
    RuleInput(instrument=None, occasion=Occasion.BASELINE, kind=MonitoringRule.Kind.BEFORE_PLAN, order=1),
    RuleInput(instrument=None, occasion=Occasion.FOLLOW_UP, occasion_number=1, offset=6, order=2),
    RuleInput(instrument=None, occasion=Occasion.FOLLOW_UP, occasion_number=2, offset=12, order=3),
    RuleInput(
        instrument=None, occasion=Occasion.ENDLINE, anchor=MonitoringRule.Anchor.LAST_ASSISTANCE, offset=12, order=4
    ),
]


def seed_monitoring(world, *, seed: int) -> str:
    programme = world.programme_sn
    if MonitoringRule.objects.filter(programme=programme).exists():
        return "already present"
    manager, me_officer = world.users["pm.dakar"], world.users["me.hq"]
    rss = Instrument.objects.get(code="rss")
    for rule in RULES:
        rule_save(actor=manager, programme=programme, data=replace(rule, instrument=rss))
    framework = seed_framework(actor=me_officer, programme=programme)
    for period in programme.reporting_periods.filter(start__lte=timezone.localdate()):
        snapshot_take(actor=me_officer, framework=framework, period=period)
    definition = SampleInput(
        name="Suivi RSS à 12 mois / 12-month RSS follow-up",
        purpose=Sample.Purpose.SURVEY,
        frame=FrameFilter(done_occasion=Occasion.BASELINE),
        strata=["office", "sex"],
        allocation=Sample.Allocation.PROPORTIONAL,
        size=40,
        minimum_per_stratum=2,
        instrument=rss,
        occasion=Occasion.FOLLOW_UP,
        occasion_number=2,
    )
    if sample_preview(actor=me_officer, programme=programme, data=definition).frame_total == 0:
        return f"{len(RULES)} follow-up rules, results framework, no sample (no baseline yet)"
    sample = sample_draw(actor=me_officer, programme=programme, data=definition, seed=seed)
    rng = random.Random(seed)
    outcomes = [Outcome.REACHED] * 6 + [Outcome.REFUSED, Outcome.UNREACHABLE, Outcome.MOVED]
    members = list(sample.members.order_by("order"))
    for member in members[: len(members) // 2]:
        member_outcome_record(
            actor=me_officer,
            member=member,
            outcome=rng.choice(outcomes),
            outcome_on=timezone.localdate() - timedelta(days=rng.randint(1, 20)),
        )
    return f"{len(RULES)} follow-up rules, results framework, sample of {len(members)}"
