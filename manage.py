#!/usr/bin/env python
"""Django's command-line utility for Reintegra."""

import os
import sys

# Commands that only generate or check source files (migrations, catalogues): they never serve
# requests nor read data, so a fresh checkout may run them without production secrets.
SOURCE_TOOLS = {"makemigrations", "makemessages", "compilemessages"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reintegra.settings")
    if len(sys.argv) > 1 and sys.argv[1] in SOURCE_TOOLS:
        os.environ.setdefault("REINTEGRA_DEMO", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
