"""A Dakar community with a profile and a project; a Bamako community; a Tamba one."""

from dataclasses import dataclass
from datetime import date

import pytest

from reintegra.community import services
from reintegra.community.models import Criterion, Rating


def all_ratings(rating=Rating.MET) -> dict:
    return dict.fromkeys(Criterion.values, (rating, ""))


@dataclass
class Place:
    community: object
    project: object
    bamako: object
    tamba: object


@pytest.fixture
def place(cast) -> Place:
    community = services.community_save(
        actor=cast.sup_dakar,
        office=cast.dakar,
        data=services.CommunityInput(name="Pikine", country="SN", region="Dakar", district="Pikine"),
    )
    services.profile_create(
        actor=cast.sup_dakar,
        community=community,
        data=services.ProfileInput(profiled_on=date(2026, 1, 10), ratings=all_ratings(), drivers="Youth unemployment"),
    )
    project = services.project_save(
        actor=cast.sup_dakar,
        community=community,
        data=services.ProjectInput(
            programme=cast.programme, title="Fish drying cooperative", approach="community_based", dimension="economic"
        ),
    )
    bamako = services.community_save(
        actor=cast.sup_bamako, office=cast.bamako, data=services.CommunityInput(name="Kati", country="ML")
    )
    tamba = services.community_save(
        actor=cast.cm_tamba, office=cast.tamba, data=services.CommunityInput(name="Gouloumbou", social_group="Herders")
    )
    return Place(community=community, project=project, bamako=bamako, tamba=tamba)
