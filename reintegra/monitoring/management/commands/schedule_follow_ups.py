"""Create follow-up tasks for the occasions now due (run daily, e.g. from cron). Idempotent.

    manage.py schedule_follow_ups --as pm.dakar [--programme sn-2026]

Tasks are created as the named programme manager (the audit trail says who), for the cases of
their offices; without --programme, for every programme they manage.
"""

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from reintegra.accounts.models import User
from reintegra.monitoring.selectors import configure_programmes
from reintegra.monitoring.services import schedule_follow_ups


class Command(BaseCommand):
    help = "Create follow-up tasks for due monitoring occasions (no duplicate open task)."

    def add_arguments(self, parser):
        parser.add_argument("--as", dest="username", required=True, help="A programme manager's username.")
        parser.add_argument("--programme", help="Programme code (default: every programme the user manages).")

    def handle(self, *args, **options):
        actor = User.objects.filter(username=options["username"], is_active=True).first()
        if actor is None:
            raise CommandError("There is no active user with this username.")
        programmes = configure_programmes(actor)
        if options["programme"]:
            programmes = [p for p in programmes if p.code == options["programme"]]
        if not programmes:
            raise CommandError("This user manages no such programme.")
        for programme in programmes:
            try:
                result = schedule_follow_ups(actor=actor, programme=programme)
            except PermissionDenied as refusal:
                raise CommandError(str(refusal)) from refusal
            self.stdout.write(
                f"{programme.code}: {len(result.created)} task(s) created, {result.already_open} already open, "
                f"{result.no_consent} without monitoring consent, {result.refused} refused."
            )
