"""The app refuses unsafe production configuration at start-up."""

import os
import subprocess
import sys
from pathlib import Path

from reintegra.checks import DEV_SECRET_KEY, unsafe_config_problems

GOOD_KEY = "k" * 50


def test_demo_mode_allows_the_development_defaults():
    assert unsafe_config_problems(demo_mode=True, debug=True, secret_key=DEV_SECRET_KEY, demo_password_set=True) == []


def test_production_refuses_debug_default_key_and_demo_password():
    problems = unsafe_config_problems(demo_mode=False, debug=True, secret_key=DEV_SECRET_KEY, demo_password_set=True)
    assert len(problems) == 3


def test_production_with_safe_settings_starts():
    assert unsafe_config_problems(demo_mode=False, debug=False, secret_key=GOOD_KEY, demo_password_set=False) == []


def test_manage_py_refuses_to_start_with_debug_outside_demo_mode():
    env = {
        k: v for k, v in os.environ.items() if k not in {"REINTEGRA_DEMO", "DEMO_PASSWORD", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(DEBUG="1", SECRET_KEY=GOOD_KEY)
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(  # noqa: S603 -- fixed argv, no user input
        [sys.executable, "manage.py", "check"], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "refuses to start" in result.stderr
