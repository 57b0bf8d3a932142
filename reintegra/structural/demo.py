"""Demo structural level (docs/structural.md) for the Dakar office.

Called by `seed_demo` after the returnees; safe to call again (does nothing when the demo offices
already have stakeholders). Every write goes through `reintegra.structural.services`, as the
programme manager pm.dakar, so each one is audited. Bamako gets nothing: no demo user edits its
structural records (its only staff are a case manager, the administrator and M&E).

What it makes, dates relative to the day of the seed:
- six stakeholders in all three engagement tiers: DGASE and ANPEJ "manage closely"; ARD Tambacounda,
  ONG Jappo Liggeey (the directory's partner organisation) and the CNP "communicate"; a diaspora
  association "inform"; ARD Tambacounda is due for review;
- three discussion log entries (DGASE, ARD Tambacounda, Jappo Liggeey);
- a signed MoU with the DGASE and a signed LTA with Jappo Liggeey expiring within 60 days;
- the training of ANPEJ counsellors;
- the Comité technique de réintégration, chaired by the DGASE, with two meetings.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from reintegra.demo.directory import PARTNER_ORGANISATION
from reintegra.structural import services
from reintegra.structural.models import (
    Agreement,
    CapacityActivity,
    CoordinationBody,
    Degree,
    Level,
    Stakeholder,
    Tier,
)
from reintegra.structural.services import AgreementInput, BodyInput, CapacityInput, StakeholderInput

T = Stakeholder.Type
H, M, L = Degree.HIGH, Degree.MEDIUM, Degree.LOW


@dataclass(frozen=True)
class Actor:
    key: str
    name: str
    type: str
    level: str
    interest: str
    influence: str
    contact: tuple[str, str]
    concerns: str
    expectations: str
    review_in: int  # days from the seed day; negative: review due


ACTORS = [
    Actor(
        "dgase",
        "Direction générale d'appui aux Sénégalais de l'extérieur (DGASE)",
        T.NATIONAL_AUTHORITY,
        Level.NATIONAL,
        H,
        H,
        ("Abdoulaye Diop", "Directeur de l'appui à la réinsertion"),
        "Coordination des acteurs ; visibilité de l'État auprès des retournés.",
        "Statistiques régulières des retours ; appui au Comité technique de réintégration.",
        90,
    ),
    Actor(
        "anpej",
        "Agence nationale pour la promotion de l'emploi des jeunes (ANPEJ)",
        T.NATIONAL_AUTHORITY,
        Level.NATIONAL,
        H,
        M,
        ("Seynabou Faye", "Cheffe du guichet emploi de Pikine"),
        "Conseillers peu formés à l'accueil des migrants de retour.",
        "Orientation des retournés vers ses programmes de placement et de financement.",
        60,
    ),
    Actor(
        "ard",
        "Agence régionale de développement (ARD) de Tambacounda",
        T.LOCAL_AUTHORITY,
        Level.REGIONAL,
        M,
        M,
        ("Pape Sidy Cissé", "Chargé de la planification"),
        "Inscrire la réintégration dans le plan de développement régional.",
        "Données par commune pour cibler les projets communautaires.",
        -5,
    ),
    Actor(
        "ngo",
        PARTNER_ORGANISATION,
        T.SERVICE_PROVIDER,
        Level.LOCAL,
        M,
        L,
        ("Khady Fall", "Coordinatrice des programmes"),
        "Délais de paiement des prestations.",
        "Renouvellement de l'accord à long terme ; plus de retournés orientés vers ses formations.",
        120,
    ),
    Actor(
        "cnp",
        "Conseil national du patronat du Sénégal (CNP)",
        T.PRIVATE_SECTOR,
        Level.NATIONAL,
        L,
        M,
        ("Mamadou Gaye", "Chargé des relations avec les entreprises membres"),
        "Niveau de qualification des retournés.",
        "Candidats présélectionnés pour les stages en entreprise.",
        150,
    ),
    Actor(
        "diaspora",
        "Association des ressortissants de Tambacounda en Espagne",
        T.DIASPORA,
        Level.INTERNATIONAL,
        L,
        L,
        ("Oumar Sy", "Président"),
        "",
        "Être informée des projets communautaires qu'elle pourrait cofinancer.",
        180,
    ),
]

# (stakeholder, days ago, summary, outputs, outputs due in days or None)
DISCUSSIONS = [
    (
        "dgase",
        40,
        "Point sur le protocole d'accord et la préparation du Comité technique de réintégration.",
        "Transmettre le bilan trimestriel des retours par région.",
        14,
    ),
    (
        "ard",
        130,
        "Présentation du programme de réintégration au comité régional de développement.",
        "Partager la liste des communes de retour de la région.",
        None,
    ),
    (
        "ngo",
        20,
        "Revue des prestations d'accompagnement en micro-entreprise avant l'échéance de l'accord.",
        "Proposition de renouvellement avec un barème révisé.",
        10,
    ),
]


def _stakeholders(actor, office, today: date) -> dict[str, Stakeholder]:
    made = {}
    for spec in ACTORS:
        data = StakeholderInput(
            name=spec.name,
            type=spec.type,
            level=spec.level,
            interest=spec.interest,
            influence=spec.influence,
            contact_person=spec.contact[0],
            contact_function=spec.contact[1],
            concerns=spec.concerns,
            expectations=spec.expectations,
            next_review=today + timedelta(days=spec.review_in),
        )
        made[spec.key] = services.stakeholder_save(actor=actor, office=office, data=data)
    return made


def _discussions(actor, who: dict[str, Stakeholder], today: date) -> int:
    for key, ago, summary, outputs, due_in in DISCUSSIONS:
        due = today + timedelta(days=due_in) if due_in is not None else None
        services.discussion_add(
            actor=actor,
            stakeholder=who[key],
            held_on=today - timedelta(days=ago),
            summary=summary,
            outputs=outputs,
            outputs_due=due,
        )
    return len(DISCUSSIONS)


def _agreements(actor, office, who: dict[str, Stakeholder], today: date) -> list[Agreement]:
    mou = AgreementInput(
        kind=Agreement.Kind.MOU,
        title="Protocole d'accord OIM – DGASE sur la réintégration des migrants de retour",
        parties=[who["dgase"]],
        scope="Coordination de l'accueil, de l'orientation et du suivi des Sénégalais de retour.",
        valid_from=today - timedelta(days=200),
        valid_to=today + timedelta(days=530),
        data_access="Statistiques agrégées des retours par région ; aucune donnée nominative.",
        status=Agreement.Status.SIGNED,
    )
    lta = AgreementInput(
        kind=Agreement.Kind.LTA,
        title="Accord à long terme : accompagnement à la création de micro-entreprises",
        parties=[who["ngo"]],
        scope="Formation en gestion et suivi des micro-entreprises des retournés orientés par l'OIM.",
        valid_from=today - timedelta(days=330),
        valid_to=today + timedelta(days=35),
        cost_terms="Forfait de 150 000 XOF par retourné accompagné ; facturation trimestrielle.",
        data_access="Champs partagés des orientations (nom, téléphone, besoin), avec le consentement du retourné.",
        status=Agreement.Status.SIGNED,
    )
    return [services.agreement_save(actor=actor, office=office, data=data) for data in (mou, lta)]


def _capacity(actor, office, who: dict[str, Stakeholder], today: date) -> CapacityActivity:
    data = CapacityInput(
        institution=who["anpej"],
        level=CapacityActivity.Level.NATIONAL,
        target=CapacityActivity.Target.TANGIBLE,
        activity="Formation des conseillers de l'ANPEJ à l'accueil et à l'orientation des migrants de retour",
        start_date=today - timedelta(days=60),
        end_date=today - timedelta(days=58),
        participants=18,
        results="18 conseillers formés ; fiche d'orientation commune adoptée.",
    )
    return services.capacity_save(actor=actor, office=office, data=data)


def _body(actor, office, who: dict[str, Stakeholder], today: date) -> CoordinationBody:
    data = BodyInput(
        name="Comité technique de réintégration",
        kind=CoordinationBody.Kind.WORKING_GROUP,
        chair=who["dgase"],
        members=[who[key] for key in ("dgase", "anpej", "ard", "ngo", "cnp")],
        purpose="Coordonner l'offre de services aux retournés et suivre les orientations entre partenaires.",
    )
    body = services.body_save(actor=actor, office=office, data=data)
    meetings = [
        (
            75,
            "DGASE, ANPEJ, ARD Tambacounda, ONG Jappo Liggeey, OIM",
            "Adoption du mandat du comité ; réunion tous les deux mois ; l'ANPEJ désigne un point focal.",
        ),
        (
            14,
            "DGASE, ANPEJ, ARD Tambacounda, CNP, ONG Jappo Liggeey, OIM",
            "Le CNP proposera des stages en entreprise ; l'ARD partage la carte des communes de retour.",
        ),
    ]
    for ago, attendees, decisions in meetings:
        services.meeting_add(
            actor=actor, body=body, held_on=today - timedelta(days=ago), attendees=attendees, decisions=decisions
        )
    return body


def seed_structural(world, *, today: date | None = None) -> str:
    """The Dakar stakeholder register, agreements, a training and a coordination body; a one-line summary."""
    if Stakeholder.objects.filter(office__in=world.offices).exists():
        return "already present, nothing added"
    today = today or timezone.localdate()
    actor, office = world.users["pm.dakar"], world.dakar
    who = _stakeholders(actor, office, today)
    discussions = _discussions(actor, who, today)
    agreements = _agreements(actor, office, who, today)
    _capacity(actor, office, who, today)
    body = _body(actor, office, who, today)
    tiers = [s.tier for s in who.values()]
    counts = ", ".join(f"{tiers.count(tier)} {tier.value.replace('_', ' ')}" for tier in Tier)
    due = sum(s.review_due(today) for s in who.values())
    expiring = sum(a.expiring_soon(today) for a in agreements)
    return (
        f"{len(who)} stakeholders in Dakar ({counts}; {due} due for review), {discussions} discussions, "
        f"{len(agreements)} agreements ({expiring} expiring within 60 days), 1 capacity-building activity, "
        f"{body.name} with {body.meetings.count()} meetings"
    )
