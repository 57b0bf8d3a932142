"""Lists cost a constant number of queries, whatever the page size (no N+1)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from reintegra.cases.services import note_add, task_create

BUDGET = 8  # token (1) + last use (1) + access (2-3) + the page (1), with room for one more


def _queries(client, path, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, params).status_code == 200
    return len(captured)


def _add_cases(cast, count, start=0):
    from datetime import date

    for n in range(start, start + count):
        case = cast.case(cast.dakar, given=f"Person{n}", family="Sow", birth=None, assigned_to=cast.cm_dakar)
        task_create(actor=cast.sup_dakar, case=case, title="Call", due_date=date(2026, 1, 1))
        note_add(actor=cast.sup_dakar, case=case, text="Seen.", session_date=date(2026, 1, 6))


def test_the_case_list_costs_the_same_for_2_or_30_cases(api_as, cast, django_assert_max_num_queries):
    users = (cast.sup_dakar, cast.cm_dakar, cast.me_hq)
    _add_cases(cast, 2)
    small = {who: _queries(api_as(who), "/cases") for who in users}
    _add_cases(cast, 28, start=2)
    for who in users:
        with django_assert_max_num_queries(BUDGET):
            response = api_as(who).get("/cases")
        assert len(response.json()["items"]) == 30
        assert _queries(api_as(who), "/cases") == small[who], who
    assert _queries(api_as(cast.sup_dakar), "/cases", {"overdue": "true", "q": "Sow"}) == small[cast.sup_dakar]


def test_the_person_list_costs_the_same_for_2_or_30_persons(api_as, cast, django_assert_max_num_queries):
    _add_cases(cast, 2)
    small = {who: _queries(api_as(who), "/persons") for who in (cast.sup_dakar, cast.me_hq)}
    _add_cases(cast, 28, start=2)
    with django_assert_max_num_queries(BUDGET + 3):  # phones, documents and visible cases are prefetched
        assert len(api_as(cast.sup_dakar).get("/persons").json()["items"]) == 30
    for who, count in small.items():
        assert _queries(api_as(who), "/persons") == count, who
