"""The fixed cast of the permission stories (see reintegra/tests/cast.py)."""

import pytest

from reintegra.tests.cast import Cast, build_cast


@pytest.fixture
def cast(db) -> Cast:
    return build_cast()
