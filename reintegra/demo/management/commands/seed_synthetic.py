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

    def handle(self, *args, cases: int, batch: int, seed: int, **options):
        require_demo_mode("seed_synthetic")
        if cases < 0 or batch < 1:
            raise CommandError("--cases must be 0 or more and --batch at least 1.")
        started = time.monotonic()
        with transaction.atomic():
            world = build_world()
        existing = Case.objects.count()
        generator = SyntheticCases(world, seed=seed + existing)

        def progress(done: int) -> None:
            if done == cases or done % (batch * 10) == 0:
                rate = done / max(time.monotonic() - started, 1e-6)
                self.stdout.write(f"  {done:>9,} / {cases:,} cases ({rate:,.0f} cases/s)")

        generator.run(cases, batch, progress=progress)
        refresh_planner_statistics()
        total = Case.objects.count()
        self.stdout.write(f"Added {cases:,} synthetic cases in {time.monotonic() - started:.1f} s; {total:,} in all.")
