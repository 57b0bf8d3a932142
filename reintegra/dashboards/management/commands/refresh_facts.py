"""Rebuild the dashboards' facts and cells: `manage.py refresh_facts` (after bulk loads or a profile change).

`--stale-only` updates only the cases changed since the last update (by `Case.updated_at`), for
cases edited outside the application's save() path; `--profile CODE[:VERSION]` builds the RSS
figures with another profile than the default one.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from reintegra.cases.models import Case
from reintegra.dashboards import facts
from reintegra.dashboards.models import DashboardState
from reintegra.demo.world import refresh_planner_statistics
from reintegra.scoring.selectors import profile_by_reference


class Command(BaseCommand):
    help = "Rebuild the dashboard facts and cells from the case data."

    def add_arguments(self, parser):
        parser.add_argument("--profile", default="", help="Scoring profile for the RSS figures (code or code:version).")
        parser.add_argument("--stale-only", action="store_true", help="Only cases updated since the last refresh.")
        parser.add_argument("--chunk", type=int, default=facts.CHUNK, help="Cases read per round (default 5000).")

    def handle(self, *args, profile: str, stale_only: bool, chunk: int, **options):
        started = time.monotonic()
        if stale_only:
            state = DashboardState.objects.first()
            if state is None or state.built_at is None:
                raise CommandError("The facts were never built: run refresh_facts without --stale-only first.")
            ids = list(Case.objects.filter(updated_at__gte=state.updated_at).values_list("pk", flat=True))
            for start in range(0, len(ids), chunk):
                facts.refresh_cases(ids[start : start + chunk])
            self.stdout.write(f"Refreshed {len(ids):,} cases in {time.monotonic() - started:.1f} s.")
            return
        profile_id = None
        if profile:
            found = profile_by_reference(profile)
            if found is None:
                raise CommandError(f"No scoring profile {profile!r}.")
            profile_id = found.pk

        def progress(done: int) -> None:
            if done % (chunk * 20) < chunk:
                self.stdout.write(f"  {done:>9,} cases ({done / max(time.monotonic() - started, 1e-6):,.0f}/s)")

        count = facts.rebuild(chunk=chunk, profile_id=profile_id, progress=progress)
        refresh_planner_statistics()
        self.stdout.write(f"Built the dashboard facts of {count:,} cases in {time.monotonic() - started:.1f} s.")
