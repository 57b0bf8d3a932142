"""Bulk synthetic plans, payments and RSS responses with scores, for the dashboard benchmark.

`manage.py seed_synthetic --cases N --rss-per-case 3` adds, for each new case: a baseline and
(rss_per_case - 1) follow-ups of the RSS (answers drawn from a latent level per dimension, which
rises after assistance), scored in bulk with the default profile through `score_batch` — the
same numbers the application stores — and, for cases past planning, one approved plan of 1–4
activities in the programme currency, with a payment for most. Rows are written with
`bulk_create`; the dashboards' facts are built at the end by the command.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from reintegra.cases.models import Case, Stage
from reintegra.demo.assessments import BEST_FIRST, ITEM_BIAS, RSS_ITEMS
from reintegra.instruments.models import InstrumentVersion, Occasion, Response
from reintegra.plans.models import Activity, ActivityType, Disbursement, Modality, Plan
from reintegra.scoring.models import Score
from reintegra.scoring.selectors import compiled_profile, default_profile
from reintegra.scoring.services import _batch_scores

PLANNED_STAGES = {Stage.IMPLEMENTATION, Stage.MONITORING, Stage.CLOSED}
FOLLOW_UP_MONTHS = 6
COSTS = (50_000, 100_000, 150_000, 250_000, 400_000)


def clip(value: float) -> float:
    return min(1.0, max(0.0, value))


class SyntheticMonitoring:
    def __init__(self, *, seed: int, rss_per_case: int, actor, today: date | None = None):
        self.rng = random.Random(seed)
        self.rss_per_case = rss_per_case
        self.actor = actor
        self.today = today or timezone.localdate()
        self.version = InstrumentVersion.objects.get(instrument__code="rss", is_current=True)
        self.profile = default_profile("rss")
        self.compiled = compiled_profile(self.profile) if self.profile else None
        self.types = list(ActivityType.objects.filter(active=True).exclude(dimension="immediate"))
        self.items = [(name, scale, dim) for dim, items in RSS_ITEMS.items() for name, scale in items.items()]

    def _answers(self, levels: dict[str, float]) -> dict:
        r = self.rng
        answers = {}
        for name, scale, dimension in self.items:
            roll = r.random()
            if roll < 0.02:
                answers[name] = "dont_know"
                continue
            options = BEST_FIRST[scale]
            value = clip(levels[dimension] + ITEM_BIAS.get(name, 0) + r.gauss(0, 0.17))
            if len(options) == 2:
                answers[name] = options[0] if r.random() < value else options[1]
            else:
                answers[name] = options[round((1 - value) * (len(options) - 1))]
        answers["s4_children_in_school"] = "no_school_age_children"
        answers["s6a_has_id_document"] = "yes" if r.random() < 0.8 else "no"
        return answers

    def _plan(self, case_id, arrival: date, currency: str, plans, activities, payments) -> int:
        r = self.rng
        day = min(self.today, arrival + timedelta(days=r.randint(10, 40)))
        plan = Plan(
            case_id=case_id,
            status=Plan.Status.APPROVED,
            plan_date=day,
            submitted_at=timezone.now(),
            approved_at=timezone.now(),
            created_by=self.actor,
        )
        plans.append(plan)
        count = r.choices([1, 2, 3, 4], weights=[35, 35, 20, 10])[0]
        chosen = []
        for kind in r.sample(self.types, count):
            delivery = kind.default_delivery if r.random() < 0.75 else r.choice(["direct", "referral"])
            cost = Decimal(r.choice(COSTS))
            chosen.append(
                Activity(
                    type=kind,
                    dimension=kind.dimension,
                    level=kind.level,
                    modality=kind.default_modality,
                    delivery=delivery,
                    estimated_cost=cost,
                    currency=currency,
                    status=r.choice([Activity.Status.DELIVERED, Activity.Status.IN_PROGRESS]),
                )
            )
        activities.append(chosen)
        paid = [a for a in chosen if a.status == Activity.Status.DELIVERED and r.random() < 0.8]
        payments.append([(a, min(self.today, day + timedelta(days=r.randint(5, 60)))) for a in paid])
        return count

    def write(self, cases: list[tuple]) -> int:
        """Plans and responses of these cases: (pk, stage, arrival, opened_at, programme currency)."""
        r = self.rng
        plans, activities, payments, responses = [], [], [], []
        for pk, stage, arrival, opened, currency in cases:
            arrival = arrival or timezone.localdate(opened)
            levels = {
                "economic": r.uniform(0.1, 0.55),
                "social": r.uniform(0.3, 0.7),
                "psychosocial": r.uniform(0.2, 0.7),
            }
            count = self._plan(pk, arrival, currency, plans, activities, payments) if stage in PLANNED_STAGES else 0
            for number in range(self.rss_per_case):
                if number:
                    gain = 0.04 * min(count, 2) + r.gauss(0.03, 0.08)
                    levels = {d: clip(v + gain + (0.03 if d == "economic" else 0)) for d, v in levels.items()}
                on = min(self.today, arrival + timedelta(days=r.randint(5, 25) + 30 * FOLLOW_UP_MONTHS * number))
                responses.append(
                    Response(
                        case_id=pk,
                        instrument_version=self.version,
                        occasion=Occasion.FOLLOW_UP if number else Occasion.BASELINE,
                        occasion_number=number,
                        interview_date=on,
                        answers=self._answers(levels),
                        status=Response.Status.SUBMITTED,
                        source=Response.Source.IMPORT,
                        created_by=self.actor,
                        submitted_at=timezone.now(),
                    )
                )
        with transaction.atomic():
            Plan.objects.bulk_create(plans, batch_size=2000)
            rows = []
            for plan, chosen in zip(plans, activities, strict=True):
                for activity in chosen:
                    activity.plan_id = plan.pk
                    rows.append(activity)
            Activity.objects.bulk_create(rows, batch_size=2000)
            Disbursement.objects.bulk_create(
                [
                    Disbursement(
                        activity_id=a.pk,
                        paid_on=on,
                        amount=a.estimated_cost,
                        currency=a.currency,
                        kind=Disbursement.Kind.CASH_TRANSFER
                        if a.modality == Modality.CASH
                        else Disbursement.Kind.PURCHASE,
                        recorded_by=self.actor,
                    )
                    for chosen in payments
                    for a, on in chosen
                ],
                batch_size=2000,
            )
            Response.objects.bulk_create(responses, batch_size=2000)
            if self.compiled is not None:
                triples = [(resp.pk, resp.case_id, resp.answers) for resp in responses]
                Score.objects.bulk_create(_batch_scores(self.compiled, triples, self.profile), batch_size=2000)
        return len(responses)

    def run(self, first_case_id: int, batch: int, progress=None) -> int:
        """Everything for the cases with an id above `first_case_id`, `batch` cases at a time."""
        done, last = 0, first_case_id
        currencies = {}
        while True:
            cases = list(
                Case.objects.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", "stage", "arrival_date", "opened_at", "programme_id")[:batch]
            )
            if not cases:
                return done
            for *_rest, programme_id in cases:
                if programme_id not in currencies:
                    currencies[programme_id] = (
                        Case.objects.filter(programme_id=programme_id)
                        .values_list("programme__currency", flat=True)
                        .first()
                        or "XOF"
                    )
            done += self.write([(pk, s, a, o, currencies[p]) for pk, s, a, o, p in cases])
            last = cases[-1][0]
            if progress:
                progress(done)
