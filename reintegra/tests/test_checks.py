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


def run_manage(*args: str, **extra_env: str) -> subprocess.CompletedProcess:
    """manage.py as on a fresh machine: no demo mode, no secrets, only what the test adds."""
    dropped = {"REINTEGRA_DEMO", "DEMO_PASSWORD", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG"}
    env = {k: v for k, v in os.environ.items() if k not in dropped} | extra_env
    root = Path(__file__).resolve().parents[2]
    return subprocess.run(  # noqa: S603 -- fixed argv, no user input
        [sys.executable, "manage.py", *args], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )


def test_manage_py_refuses_to_start_with_debug_outside_demo_mode():
    result = run_manage("check", DEBUG="1", SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "refuses to start" in result.stderr


def test_source_tools_run_on_a_fresh_checkout_without_secrets():
    result = run_manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "refuses to start" in run_manage("check").stderr
