"""`manage.py import_responses FILE --instrument CODE [--version V] --occasion baseline --user USERNAME [--check]`

Imports a KoboToolbox / ODK export (CSV or XLSX) into the cases USERNAME may work on, exactly as the
import page does, and prints the report summary. Exit code 1 when any row was rejected.
"""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from reintegra.accounts.models import User
from reintegra.instruments import importer
from reintegra.instruments.models import InstrumentVersion, InterviewMode, Occasion


def _version(code: str, version: str) -> InstrumentVersion:
    versions = InstrumentVersion.objects.select_related("instrument").filter(instrument__code=code)
    found = versions.filter(version=version).first() if version else versions.filter(is_current=True).first()
    if found is None:
        known = ", ".join(versions.values_list("version", flat=True)) or "none"
        raise CommandError(f"No version {version or '(current)'} of instrument {code!r}; versions loaded: {known}.")
    return found


class Command(BaseCommand):
    help = "Import a Kobo/ODK export (CSV or XLSX) of an instrument into the cases, by case number."

    def add_base_argument(self, parser, *args, **kwargs):
        if "--version" in args:  # here --version is the instrument version, not Django's
            return
        super().add_base_argument(parser, *args, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV (comma, semicolon or tab) or XLSX export.")
        parser.add_argument("--instrument", required=True, help="Instrument code, e.g. rss.")
        parser.add_argument("--version", default="", help="Instrument version (default: the current one).")
        parser.add_argument("--occasion", required=True, choices=Occasion.values)
        parser.add_argument("--follow-up", type=int, default=0, help="Follow-up number (1 for the first).")
        parser.add_argument("--mode", choices=InterviewMode.values, default=InterviewMode.IN_PERSON)
        parser.add_argument("--user", required=True, help="Username of the case worker the import acts as.")
        parser.add_argument("--case-column", default="", help="The column holding the case number.")
        parser.add_argument("--check", action="store_true", help="Check every row, save nothing.")
        parser.add_argument("--report", type=Path, help="Write the full row-by-row report to this CSV file.")
        parser.add_argument("--show", type=int, default=50, help="Rejected rows printed (default 50).")
        parser.add_argument("--language", choices=["en", "fr"], default="en", help="Language of the reasons.")

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']!r}.")
        version = _version(options["instrument"], options["version"])
        with translation.override(options["language"]):
            batch = self._import(path, user, version, options)
            self._print(batch, options["show"])
            if options["report"]:
                with options["report"].open("w", newline="", encoding="utf-8") as out:
                    importer.write_report(batch, out)
                self.stdout.write(f"Report written to {options['report']}.")
        if batch.rejected_count:
            raise CommandError(f"{batch.rejected_count} row(s) rejected.", returncode=1)

    def _import(self, path: Path, user: User, version: InstrumentVersion, options: dict):
        try:
            return importer.responses_import(
                actor=user,
                version=version,
                path=path,
                occasion=options["occasion"],
                occasion_number=options["follow_up"],
                mode=options["mode"],
                case_column=options["case_column"],
                check_only=options["check"],
            )
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        except importer.ImportProblem as problem:
            raise CommandError(str(problem)) from problem

    def _print(self, batch, show: int) -> None:
        mode = "Checked (nothing saved)" if batch.check_only else "Imported"
        self.stdout.write(
            f"{mode} {batch.file_name} as {batch.instrument_version} ({batch.get_occasion_display()}), "
            f"import #{batch.pk}: {batch.row_count} rows, {batch.accepted_count} accepted, "
            f"{batch.rejected_count} rejected, {batch.already_imported_count} already imported."
        )
        for note in batch.report.get("notes", []):
            self.stdout.write(f"Note: {note}")
        for item in batch.report.get("ignored_columns", []):
            self.stdout.write(f"Ignored column {item['column']}: {item['reason']}")
        rejected = [row for row in batch.report.get("rows", []) if row["status"] == importer.REJECTED]
        for row in rejected[:show]:
            self.stdout.write(f"Row {row['row']} ({row['case'] or '-'}): rejected: " + "; ".join(row["errors"]))
        if len(rejected) > show:
            self.stdout.write(f"… and {len(rejected) - show} more rejected rows (see --report).")
