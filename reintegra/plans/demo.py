"""Demo plans and delivery (issue 4): exchange rates, plans at each status, activities, payments
with handover certificates, revisions, late plans, and the story of Aminata Sow.

Called by `seed_demo` after the returnees, the directory and the referrals demo; safe to call
again (does nothing when the demo offices already have plans). Every write goes through
`reintegra.plans.services` (and the directory and referrals services for Aminata's story), so each
step has its audit event. A random generator of its own (seed + 3) leaves the rest of the demo as it
was. Only timestamps are moved back afterwards (creation, submission, approval, referral steps):
the services stamp "now", and the demo's stories happened weeks or months ago.

What it makes:
- exchange rates of both programmes (XOF): EUR at 655.957 (the fixed parity), USD at 610 then
  600; entered by pm.dakar for Senegal and by the administrator for Mali (pm.dakar manages Dakar
  only);
- Aminata Sow (cm.dakar): a plan over the per-returnee cap, approved by sup.dakar and signed, with
  a tailoring micro-business (900 EUR in kind), a vocational course and psychosocial counselling
  referred to ONG Jappo Liggeey (partner.dakar answers), rent and school support, purchases with
  handover certificates and her confirmations;
- a second Dakar case of cm.dakar whose plan awaits sup.dakar's approval;
- plans in planning, implementation and monitoring: draft (one returned by the supervisor),
  awaiting approval, approved, agreed, two revisions (one agreed, one a draft), activities of
  each modality, delivered, in progress, planned or cancelled, payments in XOF, EUR and USD;
  planning cases without a plan (late), and one with a delay exception.
"""

import logging
import random
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify

from reintegra.cases.models import Case, Stage
from reintegra.directory import services as directory_services
from reintegra.directory.models import Organisation, Service, ServiceCategory
from reintegra.directory.services import AreaInput, ServiceInput
from reintegra.instruments.models import Occasion
from reintegra.plans import services
from reintegra.plans.budget import RateTable, cents
from reintegra.plans.models import Activity, ActivityType, AgreementMethod, Delivery, Disbursement, Modality, Plan
from reintegra.plans.services import ActivityInput, DisbursementInput, PlanInput
from reintegra.referrals import services as referral_services
from reintegra.referrals.models import Referral, ReferralEvent, Status
from reintegra.scoring.models import Score

logger = logging.getLogger(__name__)

EUR_RATE = Decimal("655.957")
USD_RATES = [(Decimal("610.00"), None), (Decimal("600.00"), 90)]  # (rate, valid from N days ago; None: start)
PARTNER_ORGANISATION = "ONG Jappo Liggeey"
PARTNER_TRAINING = "Formation en coupe, couture et confection"
WITNESSES = ["Ndèye Diouf (assistante sociale)", "Mamadou Ba (agent de l'OIM)", "Oumou Keïta (animatrice)"]


# ------------------------------------------------------------------ a tiny valid PDF


def _pdf_text(line: str) -> bytes:
    raw = line.encode("cp1252", "replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def tiny_pdf(*lines: str) -> bytes:
    """A valid one-page PDF (Helvetica, WinAnsi) printing `lines`: demo certificates and signed plans."""
    stream = b"BT /F1 12 Tf 16 TL 56 780 Td " + b" T* ".join(b"(%s) Tj" % _pdf_text(x) for x in lines) + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, start)
    return bytes(out)


# ------------------------------------------------------------------ what plans are made of


@dataclass(frozen=True)
class Item:
    """One activity of a demo plan."""

    type: str  # ActivityType code
    modality: str
    cost: str
    currency: str
    description: str
    delivery: str = Delivery.DIRECT
    category: str = ""  # directory category of the provider, for a referral
    supplier: str = ""  # who is paid (direct delivery)
    dimension: str = ""  # empty: the type's


@dataclass(frozen=True)
class Pathway:
    goals: str
    economic: str
    social: str
    psychosocial: str
    items: tuple[Item, ...]


M, R = Modality, Delivery.REFERRAL
PATHWAYS = [
    Pathway(
        "Ouvrir une boutique de produits alimentaires dans le quartier pour nourrir la famille et ne plus "
        "dépendre des emprunts.",
        "Sans revenu régulier ; a tenu un commerce avant le départ.",
        "Logé chez un frère ; deux enfants scolarisés.",
        "Tensions familiales liées à l'échec de la migration.",
        (
            Item("micro_business", M.IN_KIND, "650000", "XOF", "Stock initial, étagères et balance",
                 supplier="Grossiste Touba Sandaga"),
            Item("business_development", M.SERVICE, "35000", "XOF", "Formation en gestion et tenue de caisse",
                 delivery=R, category="business_development"),
            Item("psychosocial_family", M.SERVICE, "0", "XOF", "Médiation familiale sur les attentes liées au retour",
                 supplier="Équipe psychosociale de l'OIM"),
        ),
    ),
    Pathway(
        "Travailler comme conducteur de moto-taxi à son compte, puis acheter une deuxième moto.",
        "Sait conduire ; pas de permis ni de capital.",
        "Carte d'identité perdue pendant le voyage.",
        "Bon réseau d'amis ; souhaite rester au pays.",
        (
            Item("income_generating", M.IN_KIND, "850", "EUR", "Moto neuve, casque et assurance de la première année",
                 supplier="Concession Motos Colobane"),
            Item("legal_documentation", M.SERVICE, "25000", "XOF", "Carte d'identité et permis de conduire",
                 delivery=R, category="legal_documentation"),
            Item("immediate_cash", M.CASH, "60000", "XOF", "Aide en espèces pour les premiers besoins du foyer"),
        ),
    ),
    Pathway(
        "Apprendre l'électricité du bâtiment et trouver un emploi stable dans une entreprise.",
        "Petits travaux journaliers ; aucune qualification reconnue.",
        "Vit chez ses parents ; pas de difficulté de logement.",
        "Motivé, mais inquiet du regard du quartier.",
        (
            Item("vocational_training", M.SERVICE, "300000", "XOF", "Formation qualifiante de six mois",
                 delivery=R, category="tvet"),
            Item("job_placement", M.SERVICE, "0", "XOF", "Inscription comme demandeur d'emploi, ateliers CV",
                 delivery=R, category="job_placement"),
            Item("basic_needs", M.VOUCHER, "90000", "XOF", "Bons alimentaires pendant la formation (trois mois)",
                 supplier="Boutique partenaire du quartier"),
        ),
    ),
    Pathway(
        "Reprendre le maraîchage sur le terrain familial et vendre au marché hebdomadaire.",
        "Terrain familial disponible ; pas d'équipement d'irrigation.",
        "Accès difficile aux soins dans le village.",
        "Soutenu par la famille ; souhaite rester.",
        (
            Item("income_generating", M.IN_KIND, "480000", "XOF", "Motopompe, semences, grillage et outillage",
                 supplier="Quincaillerie agricole du marché central"),
            Item("other_economic", M.IN_KIND, "320", "USD", "Kit d'irrigation solaire (panneau et pompe)",
                 supplier="SolarTech Afrique"),
            Item("medical", M.SERVICE, "40000", "XOF", "Bilan de santé et traitement", delivery=R, category="health"),
        ),
    ),
    Pathway(
        "Ouvrir un atelier de réparation de motos avec un apprenti.",
        "Mécanicien expérimenté ; doit louer un local.",
        "Le loyer du local et du logement pèse sur le budget.",
        "Nuits difficiles depuis le retour ; demande à parler à quelqu'un.",
        (
            Item("micro_business", M.IN_KIND, "1100", "EUR", "Poste à souder, compresseur et outillage",
                 supplier="Établissements Sow Outillage"),
            Item("housing", M.CASH, "120000", "XOF", "Caution et premier loyer"),
            Item("psychosocial_individual", M.SERVICE, "0", "XOF", "Entretiens individuels", delivery=R,
                 category="mhpss"),
        ),
    ),
    Pathway(
        "Monter une unité de transformation de céréales avec trois autres personnes de retour du quartier.",
        "Projet collectif préparé avec un groupement.",
        "Enfants à rescolariser.",
        "Le projet collectif l'aide à retrouver sa place dans le quartier.",
        (
            Item("collective_project", M.IN_KIND, "700000", "XOF", "Part du moulin à céréales et du local partagé",
                 supplier="GIE Bokk Jom"),
            Item("debt_counselling", M.SERVICE, "0", "XOF", "Éducation financière et compte d'épargne",
                 delivery=R, category="financial_services"),
            Item("education", M.VOUCHER, "75000", "XOF", "Fournitures et frais scolaires des enfants",
                 supplier="Librairie du quartier"),
        ),
    ),
]  # fmt: skip
EXTRA = Item(
    "other_economic",
    M.IN_KIND,
    "0",
    "XOF",
    "Fonds de roulement et équipement complémentaire demandés par le bénéficiaire",
    supplier="À préciser avec le bénéficiaire",
)
RETURN_NOTE = "Le total dépasse le plafond : ramenez l'équipement complémentaire à l'indispensable ou justifiez-le."
APPROVAL_NOTES = [
    "Dépassement accepté : le fonds de roulement conditionne la viabilité de l'activité.",
    "Accord, au vu du devis comparatif joint au dossier.",
]
REVISION_REASON = (
    "Le local prévu a été repris par son propriétaire : l'activité continue sur un étal au marché et le "
    "reliquat finance un accompagnement à la gestion."
)
DRAFT_REVISION_REASON = "Le bénéficiaire souhaite ajouter une formation ; à valider avec lui la semaine prochaine."
DELAY_REASON = "Parti à Kolda pour un deuil familial ; l'entretien de planification est reporté à son retour."
# Outcomes of the planning-stage cases, in turn (Bamako has no supervisor in the demo: see _outcome).
PLANNING_OUTCOMES = ["awaiting", "draft", "approved", "returned", "none", "approved", "draft", "none"]
KIND = {
    M.IN_KIND: Disbursement.Kind.PURCHASE,
    M.SERVICE: Disbursement.Kind.PURCHASE,
    M.CASH: Disbursement.Kind.CASH_TRANSFER,
    M.VOUCHER: Disbursement.Kind.VOUCHER,
}


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


# Aminata Sow's plan (the story). Total 1,520,361.30 XOF: over the 1,500,000 cap.
AMINATA_PLAN = {
    "goals": "Aminata veut ouvrir son atelier de couture à Thiaroye pour faire vivre son fils Moussa et ne plus "
    "dépendre de sa tante. Elle cousait déjà au Maroc et veut se perfectionner. Elle souhaite aussi de l'aide pour "
    "retrouver le sommeil et la confiance en elle.",
    "summary_economic": "Sans revenu depuis le retour ; sait coudre ; ni machine ni local.",
    "summary_social": "Vit chez sa tante à Thiaroye Gare avec Moussa, scolarisé ; loyer partagé difficile à payer.",
    "summary_psychosocial": "Tristesse, stress et isolement (RSS de référence) ; demande un soutien psychologique.",
}
AMINATA_ITEMS = {
    "business": Item("micro_business", M.IN_KIND, "900", "EUR",
                     "Atelier de couture : machine industrielle, surjeteuse, tissus, table de coupe",
                     supplier="Fournisseurs de Dakar (voir les achats)"),
    "course": Item("vocational_training", M.SERVICE, "500000", "XOF", "Formation de six mois en coupe et couture",
                   delivery=R),
    "counselling": Item("psychosocial_individual", M.SERVICE, "160000", "XOF", "Huit entretiens individuels",
                        delivery=R),
    "rent": Item("housing", M.CASH, "150000", "XOF", "Aide au loyer pendant trois mois (50 000 FCFA par mois)"),
    "school": Item("education", M.VOUCHER, "120000", "XOF", "Frais de scolarité et fournitures de Moussa",
                   supplier="École élémentaire de Thiaroye Gare"),
}  # fmt: skip
AMINATA_APPROVAL = (
    "Dépassement limité accepté : la formation et le soutien psychosocial conditionnent la réussite de l'atelier."
)
# (activity, amount, currency, days after the agreement (None: three days ago), supplier, items, certificate, confirmed)
AMINATA_PAYMENTS = [
    ("rent", "50000", "XOF", 5, "", "Loyer du premier mois", False, True),
    ("rent", "50000", "XOF", 35, "", "Loyer du deuxième mois", False, True),
    ("rent", "50000", "XOF", 65, "", "Loyer du troisième mois", False, True),
    ("school", "120000", "XOF", 10, "", "", True, True),
    ("business", "420", "EUR", 20, "Singer Afrique de l'Ouest", "Machine industrielle et surjeteuse", True, True),
    ("business", "145000", "XOF", 24, "Mercerie Diop, marché HLM", "Tissus, fils, ciseaux et mannequin", True, True),
    ("course", "250000", "XOF", 30, PARTNER_ORGANISATION, "Frais de formation, premier versement", True, True),
    ("counselling", "160000", "XOF", 95, PARTNER_ORGANISATION, "Huit entretiens individuels", True, True),
    ("business", "68500", "XOF", None, "Menuiserie de Thiaroye", "Table de coupe et étagères", True, False),
]
AMINATA_DELIVERED = ["rent", "school", "counselling"]
# Referrals answered by partner.dakar: need, then (move, note, days after the agreement; None: five days ago).
AMINATA_REFERRALS = {
    "counselling": (
        "Soutien psychologique demandé : tristesse, stress et sommeil perturbé depuis le retour.",
        [
            ("send", "", 1),
            ("accept", "Premier entretien fixé jeudi.", 3),
            ("update", "Quatre entretiens sur huit ; bonne participation.", 40),
            ("complete", "Huit entretiens suivis ; le sommeil s'améliore ; invitée au groupe de parole.", 95),
        ],
    ),
    "course": (
        "Formation en coupe et couture pour ouvrir un atelier à Thiaroye ; a déjà cousu au Maroc.",
        [
            ("send", "", 1),
            ("accept", "Inscrite à la session d'octobre.", 4),
            ("update", "Assidue ; module de coupe validé.", 90),
            ("update", "Stage en atelier en cours ; examen final dans trois semaines.", None),
        ],
    ),
}


# ------------------------------------------------------------------ the loader


class DemoPlans:
    def __init__(self, world, *, seed: int, today: date | None = None):
        self.world = world
        self.rng = random.Random(seed + 3)
        self.today = today or timezone.localdate()
        self.types = {t.code: t for t in ActivityType.objects.all()}
        self.cm = {
            world.dakar.pk: world.users["cm.dakar"],
            world.tamba.pk: world.users["cm.tamba"],
            world.bamako.pk: world.users["cm.bamako"],
        }
        self.supervisor = world.users["sup.dakar"]
        self.counts: Counter = Counter()
        self.services: dict[tuple[str, str], list[Service]] = {}
        self.rates: dict[int, RateTable] = {}
        self.baselines: dict[int, tuple] = {}
        self.awaiting_case: Case | None = None

    # --- set-up ---------------------------------------------------------------------------------

    def enter_rates(self) -> None:
        """EUR and USD for both programmes, as finance staff would (no live rates)."""
        start = date(self.today.year - 3, 1, 1)
        for programme, actor in (
            (self.world.programme_sn, self.world.users["pm.dakar"]),
            (self.world.programme_ml, self.world.users["admin"]),
        ):
            if programme.exchange_rates.exists():
                continue
            services.exchange_rate_enter(
                actor=actor, programme=programme, currency="EUR", rate=EUR_RATE, valid_from=start
            )
            for rate, days in USD_RATES:
                valid_from = start if days is None else self.today - timedelta(days=days)
                services.exchange_rate_enter(
                    actor=actor, programme=programme, currency="USD", rate=rate, valid_from=valid_from
                )
        for programme in (self.world.programme_sn, self.world.programme_ml):
            self.rates[programme.pk] = RateTable(programme)

    def partner_training(self) -> Service | None:
        """ONG Jappo Liggeey's tailoring course (added to the directory, through its services, if missing)."""
        organisation = Organisation.objects.filter(name=PARTNER_ORGANISATION).first()
        if organisation is None:
            return None
        existing = organisation.services.filter(name=PARTNER_TRAINING).first()
        if existing is not None:
            return existing
        return directory_services.service_create(
            actor=self.world.users["admin"],
            organisation=organisation,
            data=ServiceInput(
                name=PARTNER_TRAINING,
                categories=list(ServiceCategory.objects.filter(code="tvet")),
                areas=[AreaInput("SN", "Dakar", "Pikine"), AreaInput("SN", "Dakar", "Guédiawaye")],
                description="Six mois en atelier : coupe, couture, confection et gestion d'un petit atelier ; "
                "stage et attestation de fin de formation.",
                contact_person="Mme Awa Diagne (responsable de la formation)",
                opening_hours="Lundi–samedi, 9 h–16 h",
                languages="français, wolof",
                cost=Service.Cost.SUBSIDISED,
                cost_note="Frais de formation pris en charge par le programme de réintégration.",
                response_days=10,
                first_contact_data="Nom, téléphone, besoin exprimé et consentement au partage des données.",
            ),
        )

    def load_services(self) -> None:
        rows = Service.objects.filter(active=True, organisation__active=True).select_related("organisation")
        for service in rows.prefetch_related("categories").order_by("pk"):
            for category in service.categories.all():
                self.services.setdefault((service.organisation.country, category.code), []).append(service)

    def load_baselines(self, cases: list[Case]) -> None:
        scores = Score.objects.filter(case__in=cases, response__occasion=Occasion.BASELINE).order_by("pk")
        for case_id, *values in scores.values_list("case_id", "economic", "social", "psychosocial"):
            self.baselines[case_id] = tuple(values)

    # --- plans ----------------------------------------------------------------------------------

    def _targets(self, case: Case, gains=(0.2, 0.12, 0.15)) -> dict:
        baseline = self.baselines.get(case.pk, (None, None, None))
        targets = {}
        for name, value, gain in zip(("economic", "social", "psychosocial"), baseline, gains, strict=True):
            level = 0.45 if value is None else value
            targets[f"target_{name}"] = Decimal(str(round(min(0.95, level + gain), 2)))
        return targets

    def _provider(self, case: Case, item: Item) -> tuple[str, Service | None, str]:
        """(delivery, directory service, provider name) for an item in this case's country."""
        if item.delivery != R:
            return Delivery.DIRECT, None, item.supplier
        candidates = self.services.get((case.office.country, item.category))
        if not candidates:
            return Delivery.DIRECT, None, "Prestataire local"
        return R, self.rng.choice(candidates), ""

    def _add(self, actor, plan: Plan, item: Item, *, service: Service | None = None) -> Activity:
        delivery, found, supplier = (R, service, "") if service else self._provider(plan.case, item)
        start = plan.plan_date + timedelta(days=self.rng.randint(3, 20))
        activity = services.activity_add(
            actor=actor,
            plan=plan,
            data=ActivityInput(
                type=self.types[item.type],
                modality=item.modality,
                estimated_cost=Decimal(item.cost),
                currency=item.currency,
                dimension=item.dimension,
                description=item.description,
                delivery=delivery,
                provider_service=found,
                provider_name=supplier,
                target_start=start,
                target_end=start + timedelta(days=self.rng.randint(20, 150)),
                responsible=actor,
            ),
        )
        self.counts["activities"] += 1
        return activity

    def _over_cap(self, case: Case, items: list[Item], on: date) -> Item:
        """The extra item that takes the plan just over the programme's per-returnee cap."""
        rates = self.rates[case.programme_id]
        total = sum(rates.convert(Decimal(i.cost), i.currency, on) for i in items)
        extra = case.programme.per_returnee_cap - total + Decimal(self.rng.randint(10, 50) * 5000)
        return replace(EXTRA, cost=str(max(cents(extra), Decimal("50000"))))

    def new_plan(
        self, actor, case: Case, plan_date: date, *, over_cap: bool = False, lean: bool = False
    ) -> tuple[Plan, list[Activity]]:
        """Version 1 with a pathway's activities (`lean`: often only the first two, to keep the seed fast)."""
        pathway = PATHWAYS[2] if case.is_child else self.rng.choice(PATHWAYS)  # children: training
        plan = services.plan_create(
            actor=actor,
            case=case,
            data=PlanInput(
                plan_date=plan_date,
                goals=pathway.goals,
                summary_economic=pathway.economic,
                summary_social=pathway.social,
                summary_psychosocial=pathway.psychosocial,
                **self._targets(case),
            ),
        )
        items = list(pathway.items[:2] if lean and self.rng.random() < 0.6 else pathway.items)
        if over_cap:
            items.append(self._over_cap(case, items, plan_date))
        return plan, [self._add(actor, plan, item) for item in items]

    def submit(self, actor, plan: Plan, on: date, *, approve_on: date | None = None) -> Plan:
        """Submit (approved at once within the cap); over the cap, sup.dakar approves on `approve_on` if given."""
        plan = services.plan_submit(actor=actor, plan=plan)
        stamps = {"created_at": at(plan.plan_date, 9), "submitted_at": at(on, 15)}
        if plan.status == Plan.Status.APPROVED:
            stamps["approved_at"] = stamps["submitted_at"]
        elif approve_on is not None:
            note = self.rng.choice(APPROVAL_NOTES)
            plan = services.plan_approve(actor=self.supervisor, plan=plan, note=note)
            stamps["approved_at"] = at(approve_on, 11)
        Plan.objects.filter(pk=plan.pk).update(**stamps)
        return plan

    def agree(self, actor, plan: Plan, on: date, *, signed: bool | None = None) -> Plan:
        signed = self.rng.random() < 0.4 if signed is None else signed
        document = None
        if signed:
            content = tiny_pdf(
                "Plan de réintégration signé / Signed reintegration plan",
                f"Dossier {plan.case.number}, version {plan.version}",
                f"Signé le {on:%d/%m/%Y} par le bénéficiaire et le gestionnaire de cas.",
            )
            document = ContentFile(content, name=f"plan-signe-{slugify(plan.case.number)}-v{plan.version}.pdf")
        return services.plan_record_agreement(
            actor=actor,
            plan=plan,
            agreed_on=on,
            method=AgreementMethod.SIGNED if signed else AgreementMethod.VERBAL_WITNESSED,
            document=document,
            witness="" if signed else self.rng.choice(WITNESSES),
        )

    # --- delivery -------------------------------------------------------------------------------

    def _day(self, start: date, low: int, high: int) -> date:
        return min(self.today, start + timedelta(days=self.rng.randint(low, high)))

    def pay(
        self,
        actor,
        activity: Activity,
        amount: Decimal,
        currency: str,
        on: date,
        *,
        supplier: str = "",
        description: str = "",
        certificate: bool | None = None,
        confirmed: bool | None = None,
    ) -> Disbursement:
        kind = KIND[activity.modality]
        supplier = supplier or activity.provider_name or str(getattr(activity.provider_service, "organisation", ""))
        description = description or activity.description
        if certificate is None:
            certificate = kind != Disbursement.Kind.CASH_TRANSFER and self.rng.random() < 0.75
        if confirmed is None:
            confirmed = self.rng.random() < 0.85
        confirmed_on = min(self.today, on + timedelta(days=self.rng.randint(0, 2))) if confirmed else None
        number = self.counts["payments"] + 1
        document = None
        if certificate:
            content = tiny_pdf(
                "Certificat de remise / Handover certificate",
                f"Dossier {activity.plan.case.number}",
                f"Date : {on:%d/%m/%Y}",
                f"Objet : {description}",
                f"Montant : {amount} {currency}",
                f"Fournisseur : {supplier}",
                "Signatures : bénéficiaire, fournisseur, gestionnaire de cas",
            )
            document = ContentFile(content, name=f"certificat-remise-{number}.pdf")
        row = services.disbursement_record(
            actor=actor,
            activity=activity,
            data=DisbursementInput(
                paid_on=on, amount=amount, currency=currency, kind=kind, supplier=supplier, description=description
            ),
            certificate=document,
            confirmed_on=confirmed_on,
        )
        self.counts["payments"] += 1
        self.counts["certificates"] += bool(document)
        return row

    def _pay_share(self, actor, activity: Activity, share: Decimal, on: date) -> None:
        amount, currency = cents(activity.estimated_cost * share), activity.currency
        if currency == "EUR" and self.rng.random() < 0.3:  # a local supplier invoicing in francs CFA
            amount, currency = (amount * EUR_RATE / 100).quantize(Decimal("1")) * 100, "XOF"
        if amount > 0:
            self.pay(actor, activity, amount, currency, on)

    def deliver(self, actor, activities: list[Activity], start: date, *, full: bool) -> None:
        """Payments and statuses: all delivered (monitoring) or part of the way (implementation)."""
        r = self.rng
        for index, activity in enumerate(activities):
            roll = r.random()
            if index and roll < 0.06:
                services.activity_set_status(actor=actor, activity=activity, status=Activity.Status.CANCELLED)
                continue
            if full or (index == 0 and roll < 0.4) or roll < 0.3:
                if activity.modality == M.IN_KIND and r.random() < 0.25:
                    self._pay_share(actor, activity, Decimal("0.6"), self._day(start, 3, 30))
                    self._pay_share(actor, activity, Decimal("0.4"), self._day(start, 35, 70))
                else:
                    self._pay_share(actor, activity, Decimal(1), self._day(start, 3, 45))
                services.activity_set_status(actor=actor, activity=activity, status=Activity.Status.DELIVERED)
            elif index == 0 or roll < 0.75:
                self._pay_share(actor, activity, Decimal("0.5"), self._day(start, 3, 40))
                services.activity_set_status(actor=actor, activity=activity, status=Activity.Status.IN_PROGRESS)

    # --- one case -------------------------------------------------------------------------------

    def _plan_day(self, case: Case, low: int = 14, high: int = 35) -> date:
        return self._day(case.arrival_date, low, high)

    def planning(self, actor, case: Case, outcome: str) -> None:
        if outcome == "none":
            return
        if outcome == "exception":
            services.plan_delay_exception_record(
                actor=actor, case=case, reason=DELAY_REASON, until=self.today + timedelta(days=self.rng.randint(7, 21))
            )
            self.counts["delay exceptions"] += 1
            return
        day = self._plan_day(case)
        plan, _activities = self.new_plan(actor, case, day, over_cap=outcome in ("awaiting", "returned"))
        if outcome == "draft":
            Plan.objects.filter(pk=plan.pk).update(created_at=at(day, 9))
            return
        submitted = self._day(day, 0, 3)
        plan = self.submit(
            actor, plan, submitted, approve_on=self._day(submitted, 1, 4) if outcome == "approved" else None
        )
        if outcome == "returned":
            services.plan_return(actor=self.supervisor, plan=plan, note=RETURN_NOTE)

    def under_way(self, actor, case: Case, *, full: bool, revise: str = "") -> None:
        """A plan approved (over the cap: by the supervisor) and usually agreed, then delivered."""
        day = self._plan_day(case)
        supervised = case.office.country == "SN" and self.rng.random() < 0.25
        plan, activities = self.new_plan(actor, case, day, over_cap=supervised, lean=full)
        approved = self._day(day, 1, 5)
        plan = self.submit(actor, plan, self._day(day, 0, 1), approve_on=approved if supervised else None)
        start = approved
        if full or revise or self.rng.random() < 0.85:
            start = self._day(approved, 0, 4)
            plan = self.agree(actor, plan, start)
        self.deliver(actor, activities, start, full=full)
        if revise:
            self.revise(actor, plan, start, agree=revise == "agreed")
        elif not full:
            self.refer(actor, case, activities)

    def revise(self, actor, plan: Plan, start: date, *, agree: bool) -> None:
        """Version 2: one unfinished activity cancelled, business support added; v1 stays readable."""
        if not agree:
            services.plan_revise(actor=actor, plan=plan, reason=DRAFT_REVISION_REASON)
            self.counts["revisions"] += 1
            return
        revision = services.plan_revise(actor=actor, plan=plan, reason=REVISION_REASON)
        self.counts["revisions"] += 1
        day = self._day(start, 75, 100)
        revision = services.plan_update(
            actor=actor,
            plan=revision,
            data=PlanInput(plan_date=day, **{name: getattr(revision, name) for name in services.PLAN_FIELDS[1:]}),
        )
        copies = list(revision.activities.select_related("type"))
        for activity in copies:
            activity.plan = revision
        unfinished = [a for a in copies if a.status in (Activity.Status.PLANNED, Activity.Status.IN_PROGRESS)]
        if unfinished:
            services.activity_set_status(actor=actor, activity=unfinished[0], status=Activity.Status.CANCELLED)
        added = self._add(actor, revision, PATHWAYS[0].items[1])
        revision = self.submit(actor, revision, day, approve_on=self._day(day, 1, 3))
        if revision.status == Plan.Status.APPROVED:
            revision = self.agree(actor, revision, self._day(day, 0, 3), signed=True)
            added.plan = revision
            services.activity_set_status(actor=actor, activity=added, status=Activity.Status.IN_PROGRESS)

    def refer(self, actor, case: Case, activities: list[Activity]) -> None:
        """A few referral activities still planned are sent to their provider now (awaiting an answer)."""
        if self.counts["referrals"] >= 6 or case.office.country != "SN":
            return
        for activity in activities:
            if activity.is_referral and activity.status == Activity.Status.PLANNED:
                try:
                    referral_services.referral_send(
                        actor=actor,
                        case=case,
                        data=referral_services.ReferralInput(
                            service=activity.provider_service,
                            need_summary=activity.description,
                            shared_fields=["name", "phone", "need_summary"],
                            activity=activity,
                        ),
                    )
                except ValidationError as error:  # e.g. a consent withdrawn in the demo history
                    logger.info("Demo referral skipped for %s: %s", case.number, error)
                    continue
                self.counts["referrals"] += 1

    # --- the stories ----------------------------------------------------------------------------

    def story_aminata(self, case: Case, training: Service | None) -> None:
        """The issue's story, for cm.dakar: over the cap, approved by sup.dakar, signed, delivered in part."""
        actor = self.world.users["cm.dakar"]
        day = case.arrival_date + timedelta(days=20)
        plan = services.plan_create(
            actor=actor,
            case=case,
            data=PlanInput(plan_date=day, **AMINATA_PLAN, **self._targets(case, (0.3, 0.15, 0.3))),
        )
        mhpss = self.services.get(("SN", "mhpss"), [])
        providers = {
            "course": training,
            "counselling": next((s for s in mhpss if s.organisation.name == PARTNER_ORGANISATION), None),
        }
        activities = {}
        for key, item in AMINATA_ITEMS.items():
            if item.delivery != R or providers[key] is not None:
                activities[key] = self._add(actor, plan, item, service=providers.get(key))
        plan = services.plan_submit(actor=actor, plan=plan)
        plan = services.plan_approve(actor=self.supervisor, plan=plan, note=AMINATA_APPROVAL)
        Plan.objects.filter(pk=plan.pk).update(
            created_at=at(day, 9), submitted_at=at(day, 16), approved_at=at(day + timedelta(days=1), 11)
        )
        agreed = day + timedelta(days=3)
        self.agree(actor, plan, agreed, signed=True)
        for key, amount, currency, days, supplier, what, certificate, confirmed in AMINATA_PAYMENTS:
            if key in activities:
                on = self.today - timedelta(days=3) if days is None else agreed + timedelta(days=days)
                self.pay(
                    actor,
                    activities[key],
                    Decimal(amount),
                    currency,
                    on,
                    supplier=supplier,
                    description=what,
                    certificate=certificate,
                    confirmed=confirmed,
                )
        for key in AMINATA_DELIVERED:
            if key in activities:
                services.activity_set_status(actor=actor, activity=activities[key], status=Activity.Status.DELIVERED)
        for key, (need, steps) in AMINATA_REFERRALS.items():
            if key in activities:
                self.answered_referral(actor, case, activities[key], need, steps, agreed)

    def answered_referral(self, actor, case: Case, activity: Activity, need: str, steps, agreed: date) -> None:
        """Send a referral, let partner.dakar answer it, then put each step on the story's date."""
        partner = self.world.users["partner.dakar"]
        referral = self._send(actor, case, activity, ["name", "phone", "need_summary", "age", "languages"], need)
        moments = []
        for move, note, days in steps:
            moments.append(at(self.today - timedelta(days=5) if days is None else agreed + timedelta(days=days), 11))
            if move == "accept":
                referral_services.referral_accept(actor=partner, referral=referral, note=note)
            elif move == "update":
                referral_services.referral_update(actor=partner, referral=referral, note=note)
            elif move == "complete":
                referral_services.referral_complete(actor=partner, referral=referral, feedback=note)
        self._redate(referral, moments)

    def _send(self, actor, case: Case, activity: Activity, shared: list[str], need: str) -> Referral:
        referral = referral_services.referral_send(
            actor=actor,
            case=case,
            data=referral_services.ReferralInput(
                service=activity.provider_service, need_summary=need, shared_fields=shared, activity=activity
            ),
        )
        self.counts["referrals"] += 1
        return referral

    @staticmethod
    def _redate(referral: Referral, moments: list[datetime]) -> None:
        """Put the referral's steps back on the story's dates (the services stamp them now)."""
        events = list(referral.events.order_by("id"))
        stamps = {}
        for event, moment in zip(events, moments, strict=True):
            ReferralEvent.objects.filter(pk=event.pk).update(at=moment)
            field = {
                Status.SENT: "sent_at",
                Status.ACCEPTED: "accepted_at",
                Status.IN_PROGRESS: "started_at",
                Status.COMPLETED: "completed_at",
            }[event.status]
            stamps.setdefault(field, moment)
        due = referral_services.response_due_for(referral.service, moments[0].date())
        Referral.objects.filter(pk=referral.pk).update(**stamps, last_event_at=moments[-1], response_due=due)

    def story_awaiting(self, case: Case) -> None:
        """A second case of cm.dakar: a plan over the cap, submitted two days ago, awaiting sup.dakar."""
        actor = self.world.users["cm.dakar"]
        plan, _activities = self.new_plan(actor, case, self._plan_day(case), over_cap=True)
        self.submit(actor, plan, self.today - timedelta(days=2))
        self.awaiting_case = case

    # --- the whole demo -------------------------------------------------------------------------

    def cases(self) -> list[Case]:
        return list(
            Case.objects.filter(
                office__in=self.world.offices,
                stage__in=[Stage.PLANNING, Stage.IMPLEMENTATION, Stage.MONITORING],
                arrival_date__isnull=False,
                programme__isnull=False,
            )
            .select_related("office", "programme", "person", "assigned_to")
            .order_by("pk")
        )

    @staticmethod
    def planning_outcomes(cases: list[Case]) -> dict[int, str]:
        """What happened to each planning-stage case's plan; the last Dakar one has a delay exception."""
        outcomes = {}
        for index, case in enumerate(cases):
            outcome = PLANNING_OUTCOMES[index % len(PLANNING_OUTCOMES)]
            if case.office.country != "SN" and outcome in ("awaiting", "returned"):
                outcome = "draft"  # nobody supervises Bamako in the demo: its plans stay within the cap
            outcomes[case.pk] = outcome
        dakar = [c for c in cases if c.office.code == "DKR" and not c.is_child]
        if dakar:
            outcomes[dakar[-1].pk] = "exception"
        return outcomes

    def run(self) -> str:
        self.enter_rates()
        training = self.partner_training()
        self.load_services()
        cases = self.cases()
        self.load_baselines(cases)
        aminata = next((c for c in cases if (c.person.given_names, c.person.family_name) == ("Aminata", "Sow")), None)
        if aminata is not None:
            self.story_aminata(aminata, training)
        cm_dakar = self.world.users["cm.dakar"]
        second = next(
            (
                c
                for c in cases
                if c.stage == Stage.PLANNING and c.office == self.world.dakar and c.assigned_to == cm_dakar
            ),
            None,
        )
        if second is not None:
            self.story_awaiting(second)
        others = [c for c in cases if c not in (aminata, second)]
        outcomes = self.planning_outcomes([c for c in others if c.stage == Stage.PLANNING])
        revised = set()
        for case in others:
            actor = case.assigned_to or self.cm[case.office_id]  # children: cp.dakar in Dakar
            if case.stage == Stage.PLANNING:
                self.planning(actor, case, outcomes[case.pk])
                continue
            revise = ""
            if case.office.country == "SN" and not case.is_child:  # the first Senegal case of each stage
                revise = {Stage.MONITORING: "agreed", Stage.IMPLEMENTATION: "draft"}[case.stage]
                revise = "" if revise in revised else revise
                revised.add(revise)
            self.under_way(actor, case, full=case.stage == Stage.MONITORING, revise=revise)
        return self.summary()

    def summary(self) -> str:
        statuses = Counter(Plan.objects.filter(case__office__in=self.world.offices).values_list("status", flat=True))
        shown = ", ".join(f"{count} {status.replace('_', ' ')}" for status, count in sorted(statuses.items()))
        text = (
            f"{sum(statuses.values())} plan versions ({shown}), {self.counts['activities']} activities, "
            f"{self.counts['payments']} payments ({self.counts['certificates']} with a handover certificate), "
            f"{self.counts['referrals']} referrals from plans, delay exceptions: {self.counts['delay exceptions']}"
        )
        if self.awaiting_case is not None:
            text += f"; {self.awaiting_case.number} awaits sup.dakar's approval"
        return text


def seed_plans(world, *, seed: int, today: date | None = None) -> str:
    """Plans and delivery for the demo cases; a one-line summary ("nothing added" when plans exist)."""
    if Plan.objects.filter(case__office__in=world.offices).exists():
        return "already present, nothing added"
    return DemoPlans(world, seed=seed, today=today).run()
