#!/usr/bin/env python
"""Compile the .po catalogues to .mo files (the .mo files are build output, not committed).

Uses Django's `compilemessages` (GNU msgfmt) when msgfmt is installed, otherwise polib,
so `make demo` works on a machine without gettext.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".git", ".venv", "var", "node_modules", "__pycache__"}


def say(line: str) -> None:
    sys.stdout.write(line + "\n")


def catalogues() -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
        if Path(dirpath).name == "LC_MESSAGES":
            found.extend(Path(dirpath) / f for f in filenames if f.endswith(".po"))
    return sorted(found)


def compile_with_msgfmt() -> int:
    env = {**os.environ, "REINTEGRA_DEMO": "1"}
    ignores = [arg for d in sorted(SKIP_DIRS) for arg in ("--ignore", d)]
    return subprocess.call(  # noqa: S603 -- fixed argument list, our own interpreter
        [sys.executable, "manage.py", "compilemessages", "--verbosity", "0", *ignores], cwd=ROOT, env=env
    )


def compile_with_polib(paths: list[Path]) -> int:
    for path in paths:
        polib.pofile(str(path)).save_as_mofile(str(path.with_suffix(".mo")))
    return 0


def main() -> int:
    paths = catalogues()
    if not paths:
        say("  no .po catalogue yet: nothing to compile (the interface shows English).")
        return 0
    if shutil.which("msgfmt"):
        status = compile_with_msgfmt()
    else:
        say("  msgfmt not installed: compiling with polib instead.")
        status = compile_with_polib(paths)
    if status == 0:
        say(f"  compiled {len(paths)} catalogue(s): {', '.join(str(p.relative_to(ROOT)) for p in paths)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
