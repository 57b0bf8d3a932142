"""`manage.py load_profile FILE [--default]`: validate and store a scoring profile (YAML or JSON)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reintegra.scoring.models import ScoringProfile
from reintegra.scoring.profile import parse_profile_text
from reintegra.scoring.services import profile_load


class Command(BaseCommand):
    help = "Load a scoring profile file (YAML or JSON); --default makes it the default of its instrument."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--default", action="store_true", help="Score new responses with this profile.")

    def handle(self, *args, file: Path, default: bool, **options):
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        try:
            raw = parse_profile_text(text)
            known = (
                isinstance(raw, dict)
                and ScoringProfile.objects.filter(
                    code=str(raw.get("code", "")), version=str(raw.get("version", ""))
                ).exists()
            )
            profile = profile_load(actor=None, source_text=text, make_default=default)
        except ValidationError as error:
            raise CommandError("The profile is not valid:\n- " + "\n- ".join(error.messages)) from error
        state = "already loaded" if known else "loaded"
        default_note = " (default)" if profile.is_default else ""
        self.stdout.write(f"{profile.code} v{profile.version} {state}{default_note}.")
