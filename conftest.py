"""The fixed cast of the permission stories (see reintegra/tests/cast.py)."""

import pytest
from django.utils import translation

from reintegra.tests.cast import Cast, build_cast


@pytest.fixture
def cast(db) -> Cast:
    return build_cast()


@pytest.fixture(autouse=True)
def _default_language():
    """A request activates its user's language for the thread; start every test from the default."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def english_users(cast) -> None:
    """For stories that assert English words: the cast's offices speak French, as in the demo."""
    from reintegra.accounts.models import User

    User.objects.update(language="en")
