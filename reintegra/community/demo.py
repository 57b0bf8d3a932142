"""Demo communities (docs/community.md): Pikine (Dakar) and the commune of Tambacounda.

Called by `seed_demo` after the returnees; safe to call again (does nothing when the demo offices
already have communities). Every write goes through `reintegra.community.services`, so each one is
audited: cm.dakar works on Pikine, cm.tamba on Tambacounda. Their places are those of demo returnees,
so the community pages show a return volume.

What it makes:
- Pikine: a profile (A.2 texts, the seven criteria rated) and a new community-based economic project
  (a cereal processing unit) with three returnees of cm.dakar (Aminata Sow first) and two residents;
- Tambacounda: a profile and a collective returnee project, psychosocial (a support group), with up
  to four returnees of the commune (or of the region when the commune has too few).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import models
from django.utils import timezone

from reintegra.cases.models import Sex, Stage
from reintegra.cases.selectors import cases_for
from reintegra.community import services
from reintegra.community.models import AgeGroup, Approach, Community, CommunityProject, Employment
from reintegra.community.services import CommunityInput, ProfileInput, ProjectInput


@dataclass(frozen=True)
class Demo:
    actor: str
    office: str  # World attribute
    place: CommunityInput
    profile: dict
    ratings: dict  # criterion -> (rating, note)
    project: dict
    returnees: int
    residents: list = field(default_factory=list)  # (label, sex, age group)


DEMOS = [
    Demo(
        actor="cm.dakar",
        office="dakar",
        place=CommunityInput(
            name="Pikine",
            country="SN",
            region="Dakar",
            district="Pikine",
            description="Commune de la banlieue de Dakar, de Thiaroye à Pikine Nord.",
        ),
        profile={
            "needs_resources": (
                "Commune très peuplée ; forte demande d'emploi des jeunes, loyers élevés, inondations en saison "
                "des pluies. Marchés de Thiaroye et de Pikine, ateliers de couture et de transformation. Les retours "
                "de Libye et du Maroc pèsent sur les familles qui avaient financé le départ."
            ),
            "drivers": (
                "Chômage des jeunes, dettes familiales, pression sociale autour de la réussite des émigrés, "
                "déclin de la pêche artisanale à Thiaroye-sur-Mer."
            ),
            "barriers": (
                "Dettes du voyage, regard porté sur ceux qui « reviennent les mains vides », accès difficile au "
                "crédit, coût des locaux commerciaux."
            ),
            "resilience": (
                "Solidarité familiale et religieuse (dahiras), tontines de femmes, associations sportives et "
                "culturelles (ASC) très actives."
            ),
            "initiatives": (
                "Groupements de promotion féminine en transformation de céréales locales ; programme municipal "
                "d'emploi des jeunes ; maison des jeunes de Pikine."
            ),
        },
        ratings={
            1: ("met", "Retours réguliers vers Pikine et Guédiawaye."),
            2: ("partly", "Plusieurs retournés formés en couture ou en commerce ; d'autres sans qualification."),
            3: ("met", "La mairie et les groupements de femmes demandent un projet commun."),
            4: ("met", "Routes, électricité, marchés."),
            5: ("partly", "Centres de santé saturés ; écoles surchargées."),
            6: ("partly", "Zone stable ; emplois surtout informels."),
            7: ("met", "ASC, groupements de femmes et ONG présents."),
        },
        project={
            "title": "Unité de transformation de céréales locales à Thiaroye",
            "approach": Approach.COMMUNITY_BASED,
            "dimension": "economic",
            "sector": "Agroalimentaire",
            "employment": Employment.SELF_EMPLOYMENT,
            "value_chain": "Mil et maïs : farines, arraw et couscous",
            "partners": "Mairie de Pikine ; GPF And Jëf de Thiaroye ; ONG Jappo Liggeey (formation en gestion)",
            "budget": Decimal("9500000.00"),
            "local_ownership": (
                "Le GPF And Jëf gère l'unité ; le comité de gestion compte des retournés et des résidentes."
            ),
            "description": "Décortiqueuse, moulin et séchoir partagés ; vente sur les marchés de Pikine et Thiaroye.",
            "status": CommunityProject.Status.IN_PROGRESS,
        },
        returnees=3,
        residents=[("Fatou D.", Sex.FEMALE, AgeGroup.ADULT), ("Ibou S.", Sex.MALE, AgeGroup.YOUTH)],
    ),
    Demo(
        actor="cm.tamba",
        office="tamba",
        place=CommunityInput(
            name="Commune de Tambacounda",
            country="SN",
            region="Tambacounda",
            district="Tambacounda",
            description="Chef-lieu de région, sur le corridor Dakar–Bamako.",
        ),
        profile={
            "needs_resources": (
                "Ville carrefour de l'est du Sénégal : agriculture, commerce, gare routière. Peu d'emplois "
                "formels ; soins de santé mentale quasi absents hors de l'hôpital régional."
            ),
            "drivers": (
                "Tradition ancienne de migration, faibles revenus agricoles, départs vers l'Europe par le Niger "
                "et la Libye, attrait des sites d'orpaillage."
            ),
            "barriers": (
                "Honte du retour sans ressources, violences subies en transit, isolement des retournés, "
                "éloignement des services spécialisés de Dakar."
            ),
            "resilience": (
                "Familles élargies, associations de ressortissants, chefs religieux et coutumiers écoutés, "
                "radios communautaires."
            ),
            "initiatives": (
                "Relais communautaires en santé mentale de la région médicale ; association de retournés en cours "
                "de création ; projets agricoles de la diaspora."
            ),
        },
        ratings={
            1: ("partly", "Retours réguliers mais dispersés dans la région."),
            2: ("partly", "Profils variés : agriculteurs, commerçants, quelques artisans."),
            3: ("met", "Les retournés demandent un lieu d'échange ; les imams soutiennent l'idée."),
            4: ("partly", "Bonne desserte routière ; électricité irrégulière."),
            5: ("not_met", "Un seul psychologue pour la région."),
            6: ("partly", "Zone stable ; économie agricole saisonnière."),
            7: ("partly", "Associations actives mais peu structurées."),
        },
        project={
            "title": "Groupe de parole des retournés de Tambacounda",
            "approach": Approach.COLLECTIVE,
            "dimension": "psychosocial",
            "sector": "Soutien psychosocial",
            "partners": "Hôpital régional de Tambacounda (psychologue) ; radio communautaire",
            "budget": Decimal("2400000.00"),
            "local_ownership": "Deux retournés formés animent les séances avec l'appui du psychologue de l'hôpital.",
            "description": (
                "Séances mensuelles de parole et activités sportives ; orientation vers des soins au besoin."
            ),
            "status": CommunityProject.Status.IN_PROGRESS,
        },
        returnees=4,
    ),
]


def _returnees(actor, place: CommunityInput, count: int) -> list[str]:
    """Case numbers of open adult cases the actor sees: the community's place first, then its region."""
    closeness = models.Case(
        models.When(return_district__iexact=place.district, then=models.Value(0)),
        default=models.Value(1),
        output_field=models.IntegerField(),
    )
    rows = (
        cases_for(actor)
        .filter(return_country=place.country, return_region__iexact=place.region, is_child=False)
        .exclude(stage__in=[Stage.CLOSED, Stage.INTAKE])
        .annotate(closeness=closeness)
        .order_by("closeness", "id")
        .values_list("number", flat=True)
    )
    return list(rows[:count])


def _seed_one(world, demo: Demo, today: date) -> int:
    actor = world.users[demo.actor]
    community = services.community_save(actor=actor, office=getattr(world, demo.office), data=demo.place)
    services.profile_create(
        actor=actor,
        community=community,
        data=ProfileInput(profiled_on=today - timedelta(days=75), ratings=demo.ratings, **demo.profile),
    )
    data = ProjectInput(
        programme=world.programme_sn,
        start_date=today - timedelta(days=45),
        end_date=today + timedelta(days=300),
        **demo.project,
    )
    project = services.project_save(actor=actor, community=community, data=data)
    numbers = _returnees(actor, demo.place, demo.returnees)
    for number in numbers:
        services.returnee_add(actor=actor, project=project, case_number=number)
    for label, sex, age_group in demo.residents:
        services.resident_add(actor=actor, project=project, label=label, sex=sex, age_group=age_group)
    return len(numbers) + len(demo.residents)


def seed_community(world, *, today: date | None = None) -> str:
    """Two communities with a profile and a project each; a one-line summary."""
    if Community.objects.filter(office__in=world.offices).exists():
        return "already present, nothing added"
    today = today or timezone.localdate()
    participants = sum(_seed_one(world, demo, today) for demo in DEMOS)
    names = ", ".join(demo.place.name for demo in DEMOS)
    return f"{len(DEMOS)} communities ({names}) with a profile and a project each, {participants} participants"
