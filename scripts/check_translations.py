#!/usr/bin/env python
"""Fail unless the French catalogue is complete.

1. locale/fr/LC_MESSAGES/django.po exists;
2. it has no untranslated and no fuzzy entries;
3. when GNU gettext (xgettext, msgmerge, msguniq) is installed: running `makemessages -l fr`
   on a temporary copy of the project adds no msgid, i.e. every marked string is in the
   catalogue.

Run from the project root with the virtualenv's Python (`make check-translations`).
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = Path("locale") / "fr" / "LC_MESSAGES" / "django.po"
COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "var", "node_modules", "__pycache__", ".ruff_cache", ".pytest_cache", "bench-results", "*.mo"
)
SHOWN = 15


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def entry_key(entry: polib.POEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def live_entries(po: polib.POFile) -> list[polib.POEntry]:
    return [e for e in po if not e.obsolete and e.msgid]


def show(title: str, entries: list[polib.POEntry]) -> None:
    say(f"  {title}: {len(entries)}")
    for entry in entries[:SHOWN]:
        where = f"  ({entry.occurrences[0][0]}:{entry.occurrences[0][1]})" if entry.occurrences else ""
        say(f"    - {entry.msgid!r}{where}")
    if len(entries) > SHOWN:
        say(f"    … and {len(entries) - SHOWN} more")


def check_complete(po: polib.POFile) -> bool:
    untranslated = [e for e in po.untranslated_entries() if e.msgid]
    fuzzy = [e for e in po.fuzzy_entries() if not e.obsolete]
    if untranslated:
        show("untranslated entries", untranslated)
    if fuzzy:
        show("fuzzy entries (review them, then remove the fuzzy flag)", fuzzy)
    return not untranslated and not fuzzy


def gettext_tools_present() -> bool:
    return all(shutil.which(tool) for tool in ("xgettext", "msgmerge", "msguniq"))


def extract_into_copy(copy: Path) -> polib.POFile:
    """Copy the project, run makemessages there, return the regenerated catalogue."""
    shutil.copytree(ROOT, copy, ignore=COPY_IGNORE)
    env = {**os.environ, "REINTEGRA_DEMO": "1", "DJANGO_SETTINGS_MODULE": "reintegra.settings"}
    env["DATABASE_URL"] = f"sqlite:///{copy / 'unused.sqlite3'}"
    result = subprocess.run(  # noqa: S603 -- fixed argument list, our own interpreter
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "--no-obsolete", "--no-wrap"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"makemessages failed:\n{result.stdout}\n{result.stderr}")
    return polib.pofile(str(copy / CATALOGUE))


def check_no_new_strings(po: polib.POFile) -> bool:
    if not gettext_tools_present():
        say("  xgettext not installed: skipped the check that every marked string is in the catalogue.")
        return True
    with tempfile.TemporaryDirectory(prefix="reintegra-i18n-") as tmp:
        fresh = extract_into_copy(Path(tmp) / "project")
    known = {entry_key(e) for e in live_entries(po)}
    missing = [e for e in live_entries(fresh) if entry_key(e) not in known]
    if missing:
        show("marked strings missing from the catalogue (run makemessages -l fr and translate)", missing)
        return False
    say(f"  every marked string is in the catalogue ({len(known)} entries)")
    return True


def main() -> int:
    path = ROOT / CATALOGUE
    if not path.exists():
        say(f"FAIL: the French catalogue {CATALOGUE} does not exist.")
        say("  Create it with: REINTEGRA_DEMO=1 .venv/bin/python manage.py makemessages -l fr, then translate it.")
        return 1
    po = polib.pofile(str(path))
    ok = check_complete(po)
    ok = check_no_new_strings(po) and ok
    if not ok:
        say(f"FAIL: {CATALOGUE} is incomplete.")
        return 1
    say(f"OK: {CATALOGUE} is complete ({po.percent_translated()}% translated).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
