"""API stories: the due list, samples and outcome updates, with the pages' rights."""

from datetime import date

import pytest
import time_machine

from reintegra.monitoring import services
from reintegra.monitoring.models import Sample
from reintegra.monitoring.selectors import FrameFilter, default_instrument
from reintegra.monitoring.tests.world import programme_case, respond, rule

pytestmark = pytest.mark.django_db
TODAY = "2026-08-20"


@pytest.fixture
def world(cast):
    rule(cast)
    mine = programme_case(cast, given="Aminata", family="Diallo", assigned_to=cast.cm_dakar)
    other = programme_case(cast, given="Awa", family="Ndiaye", assigned_to=cast.cm_dakar2)
    respond(cast, mine, "baseline")
    sample = services.sample_draw(
        actor=cast.me_hq,
        programme=cast.programme,
        data=services.SampleInput(
            name="RSS round 1",
            purpose=Sample.Purpose.SURVEY,
            frame=FrameFilter(),
            strata=["office"],
            allocation="proportional",
            size=2,
            instrument=default_instrument(),
            occasion="follow_up",
            occasion_number=1,
        ),
        seed=2**62 + 7,
    )
    return mine, other, sample


@time_machine.travel(TODAY, tick=False)
def test_the_due_list_names_returnees_only_for_identifying_roles(api_as, cast, world):
    mine, other, _ = world
    own = api_as(cast.cm_dakar).get("/monitoring/follow-ups").json()
    assert own["count"] == 1 and own["results"][0]["case"] == mine.number
    assert own["results"][0]["name"] == "Aminata Diallo" and own["results"][0]["state"] == "overdue"
    assert own["results"][0]["due_on"] == "2026-07-10"
    me = api_as(cast.me_hq).get("/monitoring/follow-ups").json()
    assert me["count"] == 2 and {r["name"] for r in me["results"]} == {None}
    assert "Aminata" not in str(me)
    assert api_as(cast.me_hq).get("/monitoring/follow-ups", {"state": "upcoming"}).json()["count"] == 0


@pytest.mark.parametrize("who", ["partner_dakar", "admin", "nobody"])
def test_users_without_case_roles_get_404(api_as, cast, world, who):
    client = api_as(getattr(cast, who))
    assert client.get("/monitoring/follow-ups").status_code == 404
    assert client.get("/monitoring/samples").status_code == 404
    assert client.get(f"/monitoring/samples/{world[2].pk}").status_code == 404


def test_another_office_sees_no_sample_and_no_follow_up(api_as, cast, world):
    client = api_as(cast.cm_bamako)
    assert client.get("/monitoring/samples").json() == []
    assert client.get(f"/monitoring/samples/{world[2].pk}").status_code == 404
    assert client.get("/monitoring/follow-ups").json()["count"] == 0
    assert client.get("/monitoring/follow-ups", {"programme": cast.programme.pk}).status_code == 404


def test_samples_list_and_detail_with_rates_and_seed(api_as, cast, world):
    mine, _, sample = world
    listed = api_as(cast.me_hq).get("/monitoring/samples").json()
    assert listed[0]["seed"] == str(2**62 + 7) and listed[0]["members"] == 2
    detail = api_as(cast.me_hq).get(f"/monitoring/samples/{sample.pk}").json()
    assert detail["rates"]["size"] == 2 and detail["rates"]["with_baseline"] == 1
    assert detail["rates"]["attrition"] == 1.0
    assert {m["name"] for m in detail["member_list"]} == {None} and "Aminata" not in str(detail)
    own = api_as(cast.cm_dakar).get(f"/monitoring/samples/{sample.pk}").json()
    assert [m["case"] for m in own["member_list"]] == [mine.number]
    assert own["member_list"][0]["name"] == "Aminata Diallo" and own["member_list"][0]["editable"] is True


@time_machine.travel(TODAY, tick=False)
def test_outcomes_are_updated_by_me_and_the_case_manager_not_the_supervisor(api_as, cast, world):
    mine, other, sample = world
    member = sample.members.get(case=mine)
    path = f"/monitoring/samples/{sample.pk}/members/{member.pk}"
    done = api_as(cast.cm_dakar).patch(path, {"outcome": "reached", "outcome_on": "2026-08-19", "note": "Vu au marché"})
    assert done.status_code == 200 and done.json()["outcome"] == "reached" and done.json()["note"] == "Vu au marché"
    by_me = api_as(cast.me_hq).patch(path, {"outcome": "moved", "outcome_on": "2026-08-19", "note": "ignored"})
    assert by_me.status_code == 200 and by_me.json()["note"] is None
    member.refresh_from_db()
    assert member.outcome == "moved" and member.note == "Vu au marché"
    assert api_as(cast.sup_dakar).patch(path, {"outcome": "reached", "outcome_on": "2026-08-19"}).status_code == 403
    theirs = sample.members.get(case=other)
    other_path = f"/monitoring/samples/{sample.pk}/members/{theirs.pk}"
    assert api_as(cast.cm_dakar).patch(other_path, {"outcome": "reached"}).status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_bad_outcomes_are_400(api_as, cast, world):
    member = world[2].members.first()
    path = f"/monitoring/samples/{world[2].pk}/members/{member.pk}"
    client = api_as(cast.me_hq)
    assert client.patch(path, {"outcome": "lost"}).status_code == 400
    missing_date = client.patch(path, {"outcome": "reached"})
    assert missing_date.status_code == 400 and "outcome_on" in missing_date.json()["errors"]
    future = client.patch(path, {"outcome": "reached", "outcome_on": str(date(2026, 9, 1))})
    assert future.status_code == 400
    assert client.patch(path, {"outcome": "reached", "outcome_on": "2026-08-01", "extra": 1}).status_code == 400
