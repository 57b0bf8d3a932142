"""Bulk synthetic cases for benchmarks: `manage.py seed_synthetic --cases 200000`.

Adds N cases (with persons, households, name keys, phones, documents, consents, stage
history, notes and tasks) to the demo offices with bulk inserts. Demo mode only.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reintegra.cases.models import Case
from reintegra.demo.synthetic import SyntheticCases
from reintegra.demo.world import build_world, refresh_planner_statistics, require_demo_mode


class Command(BaseCommand):
    help = "Add N synthetic cases with bulk inserts, for benchmarks (demo mode only)."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, required=True, help="How many cases to add.")
        parser.add_argument("--batch", type=int, default=5000, help="Cases per transaction (default 5000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--rss-per-case",
            type=int,
            default=0,
            help="Also add plans and this many scored RSS responses per new case (baseline + follow-ups); "
            "then build the dashboard facts.",
        )
        parser.add_argument("--facts", action="store_true", help="Rebuild the dashboard facts at the end.")

    def handle(self, *args, cases: int, batch: int, seed: int, rss_per_case: int = 0, facts: bool = False, **options):
        require_demo_mode("seed_synthetic")
        if cases < 0 or batch < 1:
            raise CommandError("--cases must be 0 or more and --batch at least 1.")
        started = time.monotonic()
        with transaction.atomic():
            world = build_world()
        existing = Case.objects.count()
        last_id = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        generator = SyntheticCases(world, seed=seed + existing)

        def progress(done: int) -> None:
            if done == cases or done % (batch * 10) == 0:
                rate = done / max(time.monotonic() - started, 1e-6)
                self.stdout.write(f"  {done:>9,} / {cases:,} cases ({rate:,.0f} cases/s)")

        generator.run(cases, batch, progress=progress)
        self.stdout.write(f"Added {cases:,} synthetic cases in {time.monotonic() - started:.1f} s.")
        if rss_per_case > 0:
            self._monitoring(world, seed + existing, rss_per_case, last_id, batch)
        if rss_per_case > 0 or facts:
            self._facts()
        refresh_planner_statistics()
        total = Case.objects.count()
        self.stdout.write(f"Done in {time.monotonic() - started:.1f} s; {total:,} cases in all.")

    def _monitoring(self, world, seed: int, per_case: int, last_id: int, batch: int) -> None:
        from reintegra.demo.synthetic_monitoring import SyntheticMonitoring

        started = time.monotonic()
        generator = SyntheticMonitoring(seed=seed, rss_per_case=per_case, actor=world.users["cm.dakar"])

        def progress(done: int) -> None:
            if done % (batch * per_case * 10) < batch * per_case:
                rate = done / max(time.monotonic() - started, 1e-6)
                self.stdout.write(f"  {done:>9,} RSS responses with plans ({rate:,.0f} responses/s)")

        done = generator.run(last_id, batch, progress=progress)
        self.stdout.write(f"Added {done:,} scored RSS responses and their plans in {time.monotonic() - started:.1f} s.")

    def _facts(self) -> None:
        from reintegra.dashboards.facts import rebuild

        started = time.monotonic()
        count = rebuild()
        self.stdout.write(f"Built the dashboard facts of {count:,} cases in {time.monotonic() - started:.1f} s.")
