"""`manage.py export_dataset NAME --format csv|xlsx --user USERNAME [--identifiable] --output FILE [filters]`

Writes the same export as the page (same scope, pseudonymisation, neutralisation and audit event)
to a file on the server, for exports too large to download comfortably. NAME is one of cases,
assessments, plans, referrals, scores.
"""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils import translation

from reintegra.accounts.access import access_for
from reintegra.accounts.models import Programme, User
from reintegra.exports import writers
from reintegra.exports.datasets import DATASETS
from reintegra.exports.forms import ExportForm
from reintegra.exports.selectors import offices_of
from reintegra.exports.services import CSV, FORMATS, export_open


class Command(BaseCommand):
    help = "Export a dataset (CSV or XLSX) to a file, as USERNAME would download it, and audit it."

    def add_arguments(self, parser):
        parser.add_argument("dataset", choices=list(DATASETS))
        parser.add_argument("--format", choices=FORMATS, default=CSV)
        parser.add_argument("--user", required=True, help="Username of the person the export is for.")
        parser.add_argument("--identifiable", action="store_true", help="Include identities (refused unless allowed).")
        parser.add_argument("--output", required=True, type=Path, help="File to write.")
        parser.add_argument("--office", default="", help="Office code (its sub-offices are included).")
        parser.add_argument("--programme", default="", help="Programme code.")
        parser.add_argument("--stage", default="")
        parser.add_argument("--date-field", choices=["opened", "arrival"], default="opened")
        parser.add_argument("--from", dest="date_from", default="", help="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", default="", help="YYYY-MM-DD")
        parser.add_argument("--instrument-version", default="", help="Assessments: CODE@VERSION, e.g. rss@2026.1")
        parser.add_argument("--language", choices=["en", "fr"], default="", help="Labels (default: the user's).")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']!r}.")
        language = options["language"] or user.language or "fr"
        with translation.override(language):
            form = ExportForm(self._form_data(user, options), user=user)
            if not form.is_valid():
                problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
                raise CommandError(problems)
            try:
                export = export_open(actor=user, spec=form.spec(), channel="command")
            except Http404 as missing:
                raise CommandError(f"{user.username} has no case role: nothing to export.") from missing
            except (PermissionDenied, ValidationError) as refusal:
                raise CommandError(" ".join(getattr(refusal, "messages", [str(refusal)]))) from refusal
            self._write(export, options["output"])
        self.stdout.write(f"{export.rows} rows written to {options['output']}")

    def _form_data(self, user, options) -> dict:
        access = access_for(user)
        data = {
            "dataset": options["dataset"],
            "format": options["format"],
            "stage": options["stage"],
            "date_field": options["date_field"],
            "date_from": options["date_from"],
            "date_to": options["date_to"],
            "identifiable": options["identifiable"],
        }
        if options["office"]:
            office = offices_of(access).filter(code__iexact=options["office"]).first()
            if office is None:
                raise CommandError(f"{user.username} has no office with code {options['office']!r}.")
            data["office"] = office.pk
        if options["programme"]:
            programme = Programme.objects.filter(code=options["programme"]).first()
            if programme is None:
                raise CommandError(f"No programme with code {options['programme']!r}.")
            data["programme"] = programme.pk
        if options["instrument_version"]:
            data["instrument_version"] = self._version_id(options["instrument_version"])
        return data

    def _version_id(self, reference: str) -> int:
        from reintegra.instruments.models import InstrumentVersion

        code, _sep, version = reference.partition("@")
        found = InstrumentVersion.objects.filter(instrument__code=code, version=version).values_list("pk", flat=True)
        if not found:
            raise CommandError(f"No instrument version {reference!r} (write CODE@VERSION).")
        return found[0]

    def _write(self, export, path: Path) -> None:
        if export.spec.format == CSV:
            with path.open("w", encoding="utf-8", newline="") as out:
                writers.write_csv(export.tables[0], out)
        else:
            with path.open("wb") as out:
                writers.write_xlsx(export.tables, out, codebook_per_table=export.codebook_per_table)
