from reintegra.api.tests.conftest import api_as  # noqa: F401 -- the API client fixture, shared
