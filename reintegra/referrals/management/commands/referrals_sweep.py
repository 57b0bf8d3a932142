"""Mark sent referrals past their first-response deadline as "no response" (run daily, e.g. from cron)."""

from django.core.management.base import BaseCommand

from reintegra.referrals.services import referrals_sweep


class Command(BaseCommand):
    help = "Mark sent referrals whose first-response deadline has passed as 'no response'."

    def handle(self, *args, **options):
        count = referrals_sweep()
        self.stdout.write(f"{count} referral(s) marked as no response.")
