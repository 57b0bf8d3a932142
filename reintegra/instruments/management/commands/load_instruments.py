"""Load the instruments shipped in reintegra/instruments/definitions (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from reintegra.instruments.loading import load_all


class Command(BaseCommand):
    help = "Create the shipped instruments and add each definition as a new current version when its version is new."

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="Only these instrument codes.")

    def handle(self, *args, codes, **options):
        failed = 0
        for result in load_all(codes):
            if result.error:
                failed += 1
                self.stderr.write(f"{result.code}: {result.error}")
            elif result.missing:
                self.stdout.write(f"{result.code}: no definition file")
            elif result.created:
                self.stdout.write(self.style.SUCCESS(f"{result.code}: version {result.version} loaded"))
            else:
                self.stdout.write(f"{result.code}: version {result.version} already loaded")
        if failed:
            raise CommandError(f"{failed} instrument(s) could not be loaded.")
