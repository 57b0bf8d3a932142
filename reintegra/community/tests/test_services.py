"""Writes: validated, audited, refused outside the actor's offices."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reintegra.audit.models import AuditEvent
from reintegra.community import selectors, services
from reintegra.community.models import Rating
from reintegra.community.tests.conftest import all_ratings

pytestmark = pytest.mark.django_db


def test_it_audits_each_write(cast, place):
    types = set(AuditEvent.objects.filter(office=cast.dakar).values_list("event_type", flat=True))
    assert {"community.saved", "community.profile_saved", "community.project_saved"} <= types


def test_it_refuses_a_community_without_place_or_group(cast):
    with pytest.raises(ValidationError):
        services.community_save(actor=cast.sup_dakar, office=cast.dakar, data=services.CommunityInput(name="Nowhere"))


def test_it_refuses_a_region_without_country(cast):
    with pytest.raises(ValidationError) as error:
        services.community_save(
            actor=cast.sup_dakar, office=cast.dakar, data=services.CommunityInput(name="X", region="Thiès")
        )
    assert "country" in error.value.error_dict


def test_it_refuses_writes_from_other_offices_and_me(cast, place):
    data = services.CommunityInput(name="Pikine", country="SN")
    for user in (cast.sup_bamako, cast.me_hq, cast.admin, cast.partner_dakar):
        with pytest.raises(PermissionDenied):
            services.community_save(actor=user, community=place.community, data=data)


def test_case_manager_of_a_sub_office_cannot_edit_the_parent_office_community(cast, place):
    with pytest.raises(PermissionDenied):
        services.community_save(
            actor=cast.cm_tamba, community=place.community, data=services.CommunityInput(name="P", country="SN")
        )


def test_a_new_profile_becomes_current_and_the_old_one_stays(cast, place):
    services.profile_create(
        actor=cast.cm_dakar,
        community=place.community,
        data=services.ProfileInput(profiled_on=date(2026, 3, 1), ratings=all_ratings(Rating.PARTLY)),
    )
    profiles = selectors.profiles_of(place.community)
    assert [p.profiled_on for p in profiles] == [date(2026, 3, 1), date(2026, 1, 10)]
    assert selectors.rating_counts(profiles[0]) == {"met": 0, "partly": 7, "not_met": 0}
    assert selectors.rating_counts(profiles[1])["met"] == 7


def test_a_profile_needs_all_seven_criteria(cast, place):
    ratings = all_ratings()
    del ratings[7]
    with pytest.raises(ValidationError):
        services.profile_create(
            actor=cast.sup_dakar,
            community=place.community,
            data=services.ProfileInput(profiled_on=date(2026, 3, 1), ratings=ratings),
        )


def test_it_refuses_a_programme_not_running_in_the_office(cast, place):
    data = services.ProjectInput(
        programme=cast.programme, title="Kati garden", approach="collective", dimension="social"
    )
    with pytest.raises(ValidationError) as error:
        services.project_save(actor=cast.sup_bamako, community=place.bamako, data=data)
    assert "programme" in error.value.error_dict


def test_it_refuses_employment_on_a_social_project(cast, place):
    data = services.ProjectInput(
        programme=cast.programme, title="Well", approach="collective", dimension="social", employment="employment"
    )
    with pytest.raises(ValidationError):
        services.project_save(actor=cast.sup_dakar, project=place.project, data=data)


def test_it_adds_a_returnee_only_from_the_actor_caseload(cast, place):
    dakar_case = cast.case(cast.dakar)
    bamako_case = cast.case(cast.bamako, given="Seydou", family="Keita")
    participant = services.returnee_add(
        actor=cast.cm_dakar, project=place.project, case_number=dakar_case.number.lower()
    )
    assert participant.case == dakar_case
    event = AuditEvent.objects.get(event_type="community.participant_added", case=dakar_case)
    assert event.changes["kind"] == "returnee"
    with pytest.raises(ValidationError):
        services.returnee_add(actor=cast.cm_dakar, project=place.project, case_number=bamako_case.number)
    with pytest.raises(ValidationError):
        services.returnee_add(actor=cast.cm_dakar, project=place.project, case_number=dakar_case.number)


def test_it_counts_returnees_and_residents_by_sex_and_age(cast, place):
    case = cast.case(cast.dakar, sex="female", birth=date(2004, 1, 1))
    services.returnee_add(actor=cast.sup_dakar, project=place.project, case_number=case.number)
    services.resident_add(actor=cast.sup_dakar, project=place.project, label="A. S.", sex="female", age_group="35-59")
    services.resident_add(actor=cast.sup_dakar, project=place.project, label="M. B.", sex="male", age_group="60+")
    counts = selectors.participant_counts(selectors.participants_of(place.project))
    assert (counts.returnees, counts.residents, counts.ratio) == (1, 2, "1:2")
    assert counts.by_sex["female"] == {"returnees": 1, "residents": 1}
    assert counts.by_age["60+"] == {"returnees": 0, "residents": 1}


def test_removing_a_participant_is_audited_without_the_resident_name(cast, place):
    resident = services.resident_add(actor=cast.sup_dakar, project=place.project, label="Fatou Sow")
    services.participant_remove(actor=cast.cm_dakar, participant=resident)
    event = AuditEvent.objects.get(event_type="community.participant_removed")
    assert "Fatou" not in str(event.changes)
    assert not place.project.participants.exists()


def test_return_volume_counts_matching_cases_in_the_user_scope(cast, place):
    matching = cast.case(cast.dakar, given="Ousmane")
    matching.return_region, matching.return_district = "dakar", "PIKINE"
    matching.save(update_fields=["return_region", "return_district"])
    cast.case(cast.dakar, given="Ibou")  # no region: does not match
    volume = selectors.return_volume(cast.sup_dakar, place.community)
    assert (volume.total, volume.last_12_months) == (1, 1)
    assert selectors.return_volume(cast.sup_dakar, place.tamba) is None
