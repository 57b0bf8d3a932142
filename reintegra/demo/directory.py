"""The demo service directory: providers in Senegal and Mali, their services and agreements.

Created through the directory services (each write audited) by the demo administrator.
Idempotent per organisation: an organisation already in the directory (same name) is left as it
is, with its services and agreements, so a second run changes nothing. Names of public bodies
follow the real institutions' kinds; every contact person, phone number and address is fictitious
(e-mail addresses use the reserved `.example` domain).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from reintegra.directory import services
from reintegra.directory.models import Agreement, Organisation, PartnerProfile, Service, ServiceCategory
from reintegra.directory.services import AgreementInput, AreaInput, OrganisationInput, ServiceInput

PARTNER_ORGANISATION = "ONG Jappo Liggeey"


@dataclass
class DemoService:
    name: str
    categories: list[str]
    areas: list[str]  # "SN", "SN/Dakar" or "SN/Dakar/Pikine"
    description: str = ""
    eligibility: str = ""
    accessibility: str = ""
    contact_person: str = ""
    opening_hours: str = "Lundi–vendredi, 8 h 30–17 h"
    languages: str = "français, wolof"
    cost: str = Service.Cost.FREE
    cost_note: str = ""
    response_days: int | None = None
    first_contact_data: str = ""


@dataclass
class DemoAgreement:
    kind: str
    reference: str
    start_days: int  # start = today + start_days (negative: in the past)
    end_days: int | None  # end = today + end_days; None: open-ended
    response_days: int | None = None
    notes: str = ""


@dataclass
class DemoOrganisation:
    name: str
    acronym: str
    kind: str
    country: str
    office: str  # office code managing the entry
    phone: str
    address: str
    email: str = ""
    services: list[DemoService] = field(default_factory=list)
    agreements: list[DemoAgreement] = field(default_factory=list)


K = Organisation.Kind
REFERRAL_DATA = "Nom, téléphone, commune de résidence, besoin exprimé et consentement au partage des données."

ORGANISATIONS = [
    DemoOrganisation(
        "Agence nationale pour la promotion de l'emploi des jeunes",
        "ANPEJ",
        K.GOVERNMENT,
        "SN",
        "DKR",
        "+221 33 800 00 11",
        "Guichet emploi, Pikine, Dakar",
        "guichet@anpej.example",
        services=[
            DemoService(
                "Orientation et placement en emploi",
                ["job_placement"],
                ["SN/Dakar", "SN/Thiès", "SN/Tambacounda"],
                "Inscription au fichier des demandeurs d'emploi, ateliers CV et entretien, mise en relation avec "
                "des employeurs.",
                eligibility="Jeunes de 18 à 40 ans résidant au Sénégal.",
                contact_person="Mme Ndèye Fall (conseillère emploi)",
                response_days=10,
                first_contact_data=REFERRAL_DATA,
            ),
        ],
        agreements=[
            DemoAgreement(
                Agreement.Kind.MOU,
                "MoU-OIM-ANPEJ-2024",
                -700,
                35,
                notes="Protocole d'accord sur l'orientation des migrants de retour ; renouvellement à discuter.",
            )
        ],
    ),
    DemoOrganisation(
        "Centre de formation professionnelle de Pikine",
        "CFP Pikine",
        K.GOVERNMENT,
        "SN",
        "DKR",
        "+221 33 800 00 12",
        "Route des Niayes, Pikine",
        services=[
            DemoService(
                "Formations qualifiantes courtes (mécanique, électricité, couture, froid)",
                ["tvet"],
                ["SN/Dakar/Pikine", "SN/Dakar/Guédiawaye", "SN/Dakar/Keur Massar"],
                "Sessions de trois à six mois avec stage en entreprise et attestation de fin de formation.",
                eligibility="Savoir lire et écrire en français ou en wolof ; 16 ans et plus.",
                cost=Service.Cost.SUBSIDISED,
                cost_note="Frais d'inscription de 10 000 FCFA, pris en charge par le programme.",
                response_days=21,
            ),
        ],
    ),
    DemoOrganisation(
        "Centre régional de formation professionnelle de Tambacounda",
        "CRFP Tamba",
        K.GOVERNMENT,
        "SN",
        "DKR",
        "+221 33 800 00 13",
        "Quartier Médina, Tambacounda",
        services=[
            DemoService(
                "Formation agricole et maraîchage",
                ["tvet"],
                ["SN/Tambacounda", "SN/Kédougou"],
                "Techniques de maraîchage, petit élevage et gestion d'exploitation.",
                languages="français, pulaar, mandinka",
                response_days=30,
            ),
        ],
    ),
    DemoOrganisation(
        "Teranga Finance, caisse d'épargne et de crédit",
        "Teranga Finance",
        K.PRIVATE,
        "SN",
        "DKR",
        "+221 33 800 00 14",
        "Avenue Blaise Diagne, Dakar",
        "credit@teranga-finance.example",
        services=[
            DemoService(
                "Microcrédit pour micro-entreprises",
                ["financial_services", "business_development"],
                ["SN/Dakar", "SN/Tambacounda"],
                "Crédits de 100 000 à 1 500 000 FCFA, ouverture de compte et éducation financière.",
                eligibility="Pièce d'identité valide ; plan d'affaires validé.",
                cost=Service.Cost.PAID,
                cost_note="Taux selon le barème de la caisse.",
                response_days=14,
            ),
        ],
        agreements=[
            DemoAgreement(
                Agreement.Kind.LTA,
                "LTA-2023-017",
                -800,
                -40,
                response_days=7,
                notes="Accord-cadre échu ; nouvel appel d'offres en préparation.",
            )
        ],
    ),
    DemoOrganisation(
        "Mutuelle d'épargne et de crédit des femmes de Thiaroye",
        "MEC Femmes Thiaroye",
        K.COMMUNITY,
        "SN",
        "DKR",
        "+221 33 800 00 15",
        "Thiaroye-sur-Mer, Pikine",
        services=[
            DemoService(
                "Tontines et crédit solidaire pour femmes",
                ["financial_services"],
                ["SN/Dakar/Pikine"],
                "Groupes d'épargne, crédit solidaire et accompagnement des activités génératrices de revenus.",
                eligibility="Femmes résidant dans la commune.",
                response_days=7,
            ),
        ],
    ),
    DemoOrganisation(
        PARTNER_ORGANISATION,
        "Jappo Liggeey",
        K.NGO,
        "SN",
        "DKR",
        "+221 33 800 00 16",
        "Cité Fadia, Guédiawaye",
        "contact@jappoliggeey.example",
        services=[
            DemoService(
                "Accompagnement à la création de micro-entreprises",
                ["business_development"],
                ["SN/Dakar/Pikine", "SN/Dakar/Guédiawaye", "SN/Tambacounda"],
                "Formation à la gestion, élaboration du plan d'affaires, suivi mensuel pendant douze mois.",
                contact_person="M. Cheikh Sarr (chargé d'accompagnement)",
                response_days=10,
                first_contact_data=REFERRAL_DATA,
            ),
            DemoService(
                "Soutien psychosocial et groupes de parole",
                ["counselling", "mhpss"],
                ["SN/Dakar", "SN/Tambacounda"],
                "Entretiens individuels et groupes de parole animés par des psychologues et des pairs.",
                accessibility="Locaux de plain-pied ; visites à domicile possibles.",
                contact_person="Mme Khady Fall (psychologue)",
                response_days=7,
                first_contact_data="Besoin exprimé, signes de détresse observés, consentement au partage.",
            ),
        ],
        agreements=[
            DemoAgreement(
                Agreement.Kind.LTA,
                "LTA-2025-004",
                -200,
                530,
                response_days=5,
                notes="Accord à long terme : accompagnement économique et soutien psychosocial.",
            )
        ],
    ),
    DemoOrganisation(
        "Centre de santé de Thiaroye",
        "CS Thiaroye",
        K.GOVERNMENT,
        "SN",
        "DKR",
        "+221 33 800 00 17",
        "Thiaroye Gare, Pikine",
        services=[
            DemoService(
                "Consultations de médecine générale et santé mentale",
                ["health", "mhpss"],
                ["SN/Dakar/Pikine", "SN/Dakar/Keur Massar"],
                "Médecine générale, suivi prénatal, consultation de santé mentale le mardi.",
                opening_hours="Tous les jours, 8 h–18 h ; urgences 24 h/24",
                cost=Service.Cost.SUBSIDISED,
                cost_note="Ticket modérateur ; couverture maladie universelle acceptée.",
                response_days=2,
            ),
        ],
    ),
    DemoOrganisation(
        "Association sénégalaise d'aide psychosociale",
        "ASAP",
        K.NGO,
        "SN",
        "DKR",
        "+221 33 800 00 18",
        "Sicap Liberté 2, Dakar",
        services=[
            DemoService(
                "Prise en charge psychologique des personnes migrantes de retour",
                ["mhpss", "counselling"],
                ["SN/Dakar", "SN/Thiès"],
                "Évaluation, psychothérapie brève, orientation psychiatrique si nécessaire.",
                response_days=5,
            ),
        ],
    ),
    DemoOrganisation(
        "Maison de justice de Pikine",
        "",
        K.GOVERNMENT,
        "SN",
        "DKR",
        "+221 33 800 00 19",
        "Mairie de Pikine Nord",
        services=[
            DemoService(
                "Aide juridique et établissement des pièces d'état civil",
                ["legal_documentation", "justice_rights"],
                ["SN/Dakar/Pikine", "SN/Dakar/Guédiawaye"],
                "Conseil juridique gratuit, médiation, aide aux jugements d'autorisation d'inscription à l'état "
                "civil et aux cartes d'identité.",
                response_days=10,
            ),
        ],
    ),
    DemoOrganisation(
        "Fondation Habitat social Sénégal",
        "FHSS",
        K.NGO,
        "SN",
        "DKR",
        "+221 33 800 00 20",
        "Keur Massar",
        services=[
            DemoService(
                "Hébergement temporaire et aide au loyer",
                ["temporary_accommodation", "housing"],
                ["SN/Dakar"],
                "Hébergement d'urgence jusqu'à 30 jours, aide au premier loyer et à la caution.",
                eligibility="Personnes sans solution de logement à l'arrivée.",
                response_days=3,
            ),
        ],
    ),
    DemoOrganisation(
        "Agence nationale pour l'emploi",
        "ANPE Mali",
        K.GOVERNMENT,
        "ML",
        "BKO",
        "+223 20 00 00 21",
        "Quartier du Fleuve, Bamako",
        services=[
            DemoService(
                "Intermédiation et placement",
                ["job_placement"],
                ["ML/District de Bamako", "ML/Koulikoro", "ML/Kayes"],
                "Inscription, offres d'emploi, stages de qualification et appui à l'auto-emploi.",
                languages="français, bambara",
                response_days=10,
            ),
        ],
        agreements=[
            DemoAgreement(Agreement.Kind.MOU, "MoU-OIM-ANPE-ML-2025", -300, None, notes="Protocole sans échéance.")
        ],
    ),
    DemoOrganisation(
        "Centre de formation professionnelle Djoliba",
        "CFP Djoliba",
        K.PRIVATE,
        "ML",
        "BKO",
        "+223 20 00 00 22",
        "Commune IV, Bamako",
        services=[
            DemoService(
                "Formations en soudure, plomberie et installation solaire",
                ["tvet"],
                ["ML/District de Bamako"],
                "Formations de quatre mois avec kit de démarrage.",
                languages="français, bambara",
                cost=Service.Cost.SUBSIDISED,
                response_days=21,
            ),
        ],
    ),
    DemoOrganisation(
        "Caisse mutuelle Jigiya",
        "Jigiya",
        K.PRIVATE,
        "ML",
        "BKO",
        "+223 20 00 00 23",
        "Kati",
        services=[
            DemoService(
                "Crédit et épargne pour activités rurales",
                ["financial_services", "business_development"],
                ["ML/Koulikoro", "ML/District de Bamako", "ML/Kayes"],
                "Crédit agricole et commercial, épargne, formation en gestion simplifiée.",
                languages="français, bambara, soninké",
                cost=Service.Cost.PAID,
                response_days=14,
            ),
        ],
    ),
    DemoOrganisation(
        "Association malienne d'écoute et d'accompagnement psychosocial",
        "AMEAP",
        K.NGO,
        "ML",
        "BKO",
        "+223 20 00 00 24",
        "Hamdallaye ACI 2000, Bamako",
        services=[
            DemoService(
                "Écoute, soutien psychosocial et médiation familiale",
                ["mhpss", "counselling"],
                ["ML/District de Bamako", "ML/Kayes"],
                "Entretiens individuels, groupes de parole et médiation avec la famille.",
                languages="français, bambara, soninké",
                response_days=5,
            ),
        ],
    ),
    DemoOrganisation(
        "Clinique juridique Hakilisigi",
        "",
        K.NGO,
        "ML",
        "BKO",
        "+223 20 00 00 25",
        "Commune III, Bamako",
        services=[
            DemoService(
                "Assistance juridique et documents d'identité",
                ["legal_documentation"],
                ["ML/District de Bamako", "ML/Koulikoro"],
                "Actes de naissance, cartes NINA, passeports : constitution des dossiers et accompagnement.",
                languages="français, bambara",
                response_days=7,
            ),
        ],
    ),
]


def _areas(lines: list[str]) -> list[AreaInput]:
    return [AreaInput(*line.split("/")) for line in lines]


def _organisation(actor, spec: DemoOrganisation, offices: dict, categories: dict, today: date) -> Organisation:
    organisation = services.organisation_create(
        actor=actor,
        data=OrganisationInput(
            name=spec.name,
            acronym=spec.acronym,
            kind=spec.kind,
            country=spec.country,
            phone=spec.phone,
            email=spec.email,
            address=spec.address,
            office=offices[spec.office],
        ),
    )
    for item in spec.services:
        services.service_create(
            actor=actor,
            organisation=organisation,
            data=ServiceInput(
                name=item.name,
                categories=[categories[code] for code in item.categories],
                areas=_areas(item.areas),
                description=item.description,
                eligibility=item.eligibility,
                accessibility=item.accessibility,
                contact_person=item.contact_person,
                opening_hours=item.opening_hours,
                languages=item.languages,
                cost=item.cost,
                cost_note=item.cost_note,
                response_days=item.response_days,
                first_contact_data=item.first_contact_data,
            ),
        )
    for agreement in spec.agreements:
        services.agreement_create(
            actor=actor,
            organisation=organisation,
            data=AgreementInput(
                kind=agreement.kind,
                reference=agreement.reference,
                start_date=today + timedelta(days=agreement.start_days),
                end_date=None if agreement.end_days is None else today + timedelta(days=agreement.end_days),
                response_days=agreement.response_days,
                notes=agreement.notes,
            ),
        )
    return organisation


def seed_directory(world, today: date) -> int:
    """Add the demo organisations that are not in the directory yet; link partner.dakar to its NGO."""
    actor = world.users["admin"]
    offices = {"DKR": world.dakar, "TBA": world.tamba, "BKO": world.bamako}
    categories = {c.code: c for c in ServiceCategory.objects.all()}
    present = {name.lower() for name in Organisation.objects.values_list("name", flat=True)}
    created = 0
    for spec in ORGANISATIONS:
        if spec.name.lower() not in present:
            _organisation(actor, spec, offices, categories, today)
            created += 1
    partner = world.users["partner.dakar"]
    if not PartnerProfile.objects.filter(user=partner).exists():
        services.partner_profile_set(
            actor=actor, user=partner, organisation=Organisation.objects.get(name=PARTNER_ORGANISATION)
        )
    return created
