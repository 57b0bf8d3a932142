"""`manage.py rss_score INPUT --profile PROFILE --output OUT.csv`: score a Kobo/ODK export of the RSS.

PROFILE is a profile file (YAML or JSON) or a loaded profile, as `code` or `code:version`.
INPUT is CSV or XLSX, read in chunks; OUT.csv gets every input column plus economic, social,
psychosocial, composite, missing_count, status (ok | insufficient_answers | error) and reason.
"""

import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from reintegra.instruments.models import Instrument
from reintegra.scoring import selectors
from reintegra.scoring.batch import CHUNK_ROWS, FileProblem, score_file
from reintegra.scoring.engine import CompiledProfile, compile_profile
from reintegra.scoring.profile import load_profile_text
from reintegra.scoring.questions import form_choice_labels, form_questions


def _form_definition(instrument_code: str) -> dict | None:
    instrument = Instrument.objects.filter(code=instrument_code).first()
    version = instrument.versions.filter(is_current=True).first() if instrument else None
    return version.definition if version else None


def compiled_from_reference(reference: str) -> tuple[CompiledProfile, str]:
    """A profile file path, or a loaded profile `code[:version]`: compiled, and its name for the log."""
    path = Path(reference)
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        try:
            definition = load_profile_text(text)
            form = _form_definition(definition["instrument"])
            if form is not None:
                definition = load_profile_text(text, form_questions=form_questions(form))
        except ValidationError as error:
            raise CommandError("The profile is not valid:\n- " + "\n- ".join(error.messages)) from error
        labels = form_choice_labels(form) if form else None
        compiled = compile_profile(definition, accept_labels=True, extra_labels=labels)
        return compiled, f"{definition['code']} v{definition['version']} ({path.name})"
    profile = selectors.profile_by_reference(reference)
    if profile is None:
        raise CommandError(f"No profile file or loaded profile called {reference!r} (give a path or code[:version]).")
    return selectors.compiled_profile(profile, accept_labels=True), str(profile)


class Command(BaseCommand):
    help = "Score an RSS export (CSV or XLSX, Kobo/ODK column names) with a scoring profile into a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("input", type=Path, help="CSV or XLSX export, one response per row.")
        parser.add_argument("--profile", required=True, help="A profile file, or a loaded profile code[:version].")
        parser.add_argument("--output", required=True, type=Path, help="The CSV file to write.")
        parser.add_argument("--chunk", type=int, default=CHUNK_ROWS, help="Rows scored at a time (memory bound).")
        parser.add_argument("--language", choices=["en", "fr"], default="en", help="Language of the reasons.")

    def handle(self, *args, input: Path, profile: str, output: Path, chunk: int, language: str, **options):  # noqa: A002
        if not input.is_file():
            raise CommandError(f"No such file: {input}")
        if chunk < 1:
            raise CommandError("--chunk must be at least 1.")
        with translation.override(language):
            compiled, name = compiled_from_reference(profile)
            started = time.perf_counter()
            try:
                summary = score_file(input, output, compiled, chunk=chunk)
            except FileProblem as problem:
                raise CommandError(str(problem)) from problem
        elapsed = time.perf_counter() - started
        counts = ", ".join(f"{summary.statuses.get(s, 0):,} {s}" for s in ("ok", "insufficient_answers", "error"))
        self.stdout.write(
            f"Profile {name}; {len(summary.columns)} of {len(compiled.questions)} scored questions found."
        )
        self.stdout.write(f"Scored {summary.rows:,} rows in {elapsed:.1f} s: {counts}. Output: {output}")
