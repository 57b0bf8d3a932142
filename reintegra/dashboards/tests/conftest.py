import pytest
import time_machine

from reintegra.api.tests.conftest import api_as  # noqa: F401 -- the API client fixture, shared
from reintegra.dashboards import facts
from reintegra.dashboards.tests.world import TODAY, build


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY.isoformat() + " 10:00 +0000", tick=False):
        yield


@pytest.fixture
def world(cast, frozen, english_users):
    built = build(cast)
    facts.rebuild()
    return built


@pytest.fixture
def means_of_one(settings):
    """Show means of a single case (the world is small); suppression has its own stories."""
    settings.DASHBOARD_MIN_CELL = 1
