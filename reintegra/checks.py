"""Start-up refusal of unsafe configuration outside demo mode."""

from django.core.exceptions import ImproperlyConfigured

DEV_SECRET_KEY = "reintegra-development-key-not-for-production"  # noqa: S105 -- the refused value


def unsafe_config_problems(*, demo_mode: bool, debug: bool, secret_key: str, demo_password_set: bool) -> list[str]:
    """Return what is unsafe in this configuration; empty in demo mode."""
    if demo_mode:
        return []
    problems = []
    if debug:
        problems.append("DEBUG is on outside demo mode; unset DEBUG or set REINTEGRA_DEMO=1 for a demo.")
    if not secret_key or secret_key == DEV_SECRET_KEY or len(secret_key) < 32:
        problems.append("SECRET_KEY is missing, the development default, or shorter than 32 characters.")
    if demo_password_set:
        problems.append("DEMO_PASSWORD is set outside demo mode; demo accounts must not exist in production.")
    return problems


def refuse_unsafe_config(**config) -> None:
    problems = unsafe_config_problems(**config)
    if problems:
        raise ImproperlyConfigured("Reintegra refuses to start: " + " ".join(problems))
