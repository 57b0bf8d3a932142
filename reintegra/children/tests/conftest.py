from datetime import date

import pytest

from reintegra.api.tests.conftest import api_as  # noqa: F401 -- the API client fixture, shared
from reintegra.children.tests.world import assessment, child_case, determine


@pytest.fixture(autouse=True)
def _today(time_machine):
    """The stories happen on 10 March 2026 (ages and "not in the future" depend on it)."""
    time_machine.move_to(date(2026, 3, 10), tick=False)


@pytest.fixture
def awa(cast):
    """Awa, a child case of Dakar with an assessment and a determination deciding return."""
    case = child_case(cast)
    assessment(cast.cp_dakar, case)
    determine(cast.cp_dakar, case)
    return case
