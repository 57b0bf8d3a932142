"""Load the demo: offices, programmes, one user per role, realistic synthetic returnees with their
assessments (screenings, RSS baselines and follow-ups, skills, first counselling), and the service
directory (providers, services, agreements, the partner organisation of partner.dakar); then the
best-interests procedures of Dakar child cases, two communities with their profiles and projects, and
the structural level of Dakar (stakeholders, agreements, a training, a coordination body).

Idempotent: a second run finds everything in place and changes nothing. Refused outside
demo mode (REINTEGRA_DEMO=1), because the demo accounts share a known password.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from reintegra.cases.models import Case
from reintegra.children.demo import seed_children
from reintegra.community.demo import seed_community
from reintegra.demo.directory import seed_directory
from reintegra.demo.returnees import DemoReturnees
from reintegra.demo.world import DEMO_USERS, build_world, refresh_planner_statistics, require_demo_mode
from reintegra.monitoring.demo import seed_monitoring
from reintegra.plans.demo import seed_plans
from reintegra.referrals.demo import seed_referrals
from reintegra.structural.demo import seed_structural


class Command(BaseCommand):
    help = "Load the demo offices, users and returnees (demo mode only; idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--returnees", type=int, default=320, help="How many returnees to create (default 320).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (the same seed gives the same demo).")

    def handle(self, *args, returnees: int, seed: int, **options):
        require_demo_mode("seed_demo")
        started = time.monotonic()
        with transaction.atomic():
            world = build_world()
            organisations = seed_directory(world, timezone.localdate())
            if organisations:
                self.stdout.write(f"Added {organisations} organisations to the service directory.")
            existing = Case.objects.filter(office__in=world.offices).count()
            if existing:
                self.stdout.write(f"Demo data already present ({existing} cases): nothing added.")
            else:
                demo = DemoReturnees(world, seed=seed)
                created = demo.run(returnees)
                referrals = seed_referrals(world)
                plans = seed_plans(world, seed=seed)
                refresh_planner_statistics()
                assessed = ", ".join(f"{count} {code}" for code, count in sorted(demo.assessments.counts.items()))
                self.stdout.write(f"Created {created} demo returnees in {time.monotonic() - started:.1f} s.")
                self.stdout.write(f"Assessments: {assessed or 'none'}.")
                self.stdout.write(f"Referrals to partner.dakar's organisation: {referrals}.")
                self.stdout.write(f"Plans and delivery: {plans}.")
            # Checked on their own, so that an earlier demo database gains them too.
            self.stdout.write(f"Best-interests procedures: {seed_children(world)}.")
            self.stdout.write(f"Communities: {seed_community(world)}.")
            self.stdout.write(f"Structural level: {seed_structural(world)}.")
            # Last: the results framework's snapshots count the community and structural records too.
            self.stdout.write(f"Monitoring: {seed_monitoring(world, seed=seed)}.")
        self.print_logins()

    def print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write("Demo logins (all with the same password):")
        for username, (_first, _last, _org, _roles, sees) in DEMO_USERS.items():
            self.stdout.write(f"  {username:<14} {sees}")
        password = settings.DEMO_PASSWORD
        origin = "from DEMO_PASSWORD" if password != settings.DEMO_PASSWORD_DEFAULT else "default; set DEMO_PASSWORD"
        self.stdout.write(f"  password: {password}   ({origin})")
