"""Demo returnees, created through the services so that every step has its audit event.

A fixed random seed makes the demo reproducible; dates are relative to the day of the seed
(arrivals in the past, some tasks overdue), so the demo looks alive whenever it is loaded.
"""

import logging
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from reintegra.accounts.models import Office, User
from reintegra.cases import services
from reintegra.cases.models import (
    Case,
    CaseNote,
    ClosureReason,
    ConsentMethod,
    ConsentPurpose,
    ConsentStatus,
    IdentityDocument,
    Relationship,
    ReturnType,
    Sex,
    Stage,
    Task,
)
from reintegra.cases.services import DocumentInput, PersonInput, ReturnInput
from reintegra.demo import data
from reintegra.demo.assessments import DemoAssessments
from reintegra.demo.world import World

logger = logging.getLogger(__name__)

STAGE_WEIGHTS = {
    Stage.INTAKE: 14,
    Stage.ASSESSMENT: 14,
    Stage.PLANNING: 14,
    Stage.IMPLEMENTATION: 20,
    Stage.MONITORING: 16,
    Stage.CLOSED: 22,
}
OPEN_STAGES = [Stage.INTAKE, Stage.ASSESSMENT, Stage.PLANNING, Stage.IMPLEMENTATION, Stage.MONITORING]
# Days since arrival, by the stage the case has reached.
ARRIVED_DAYS_AGO = {
    Stage.INTAKE: (2, 25),
    Stage.ASSESSMENT: (10, 60),
    Stage.PLANNING: (30, 110),
    Stage.IMPLEMENTATION: (60, 250),
    Stage.MONITORING: (180, 420),
    Stage.CLOSED: (250, 700),
}
# Closure reason -> (weight, stage reached before closing, note explored with the returnee).
CLOSURES = {
    ClosureReason.SUPPORT_COMPLETED: (50, Stage.MONITORING, ""),
    ClosureReason.LOST_CONTACT: (
        15,
        Stage.IMPLEMENTATION,
        "Injoignable depuis deux mois malgré cinq appels et une visite.",
    ),
    ClosureReason.REMIGRATED: (10, Stage.PLANNING, "A quitté le pays ; la famille indique un départ vers le Maroc."),
    ClosureReason.WITHDREW: (8, Stage.ASSESSMENT, "Préfère se débrouiller seul ; les options ont été expliquées."),
    ClosureReason.LEFT_AREA: (5, Stage.IMPLEMENTATION, "S'est installé dans une autre région sans suivi possible."),
    ClosureReason.NOT_SUITABLE: (3, Stage.ASSESSMENT, "Ne souhaite plus d'assistance après l'évaluation."),
    ClosureReason.DEATH: (2, Stage.IMPLEMENTATION, ""),
    ClosureReason.FUNDING_ENDED: (
        4,
        Stage.PLANNING,
        "Le financement du volet individuel a pris fin ; orienté ailleurs.",
    ),
    ClosureReason.SECURITY: (3, Stage.PLANNING, "Zone de retour devenue inaccessible pour raisons de sécurité."),
}
SIGNED_FORM = b"%PDF-1.4\n% Formulaire de consentement signe (document de demonstration)\n%%EOF\n"


@dataclass
class Plan:
    """What one synthetic returnee will go through."""

    office: Office
    stage: str
    person: PersonInput
    details: ReturnInput
    assigned_to: User | None
    child_specialist: User | None = None
    closure: str = ""
    refuses_processing: bool = False
    household: list[tuple[str, PersonInput]] = field(default_factory=list)


class DemoReturnees:
    def __init__(self, world: World, *, seed: int, today: date | None = None):
        self.world = world
        self.rng = random.Random(seed)
        self.today = today or timezone.localdate()
        self.cm = {
            world.dakar.pk: world.users["cm.dakar"],
            world.tamba.pk: world.users["cm.tamba"],
            world.bamako.pk: world.users["cm.bamako"],
        }
        self.supervisor = world.users["sup.dakar"]
        self.counts: dict[str, int] = {}
        # Its own random generator: adding assessments leaves the rest of the demo as it was.
        self.assessments = DemoAssessments(seed=seed + 1, today=self.today)

    # --- people ---------------------------------------------------------------------------

    def _phone(self, nationality: str) -> str:
        pattern = self.rng.choice(data.PHONE_FORMATS[nationality])
        r = self.rng
        return pattern.format(
            a=r.choice("07865"),
            b=f"{r.randint(100, 999)}",
            c=f"{r.randint(10, 99)}",
            d=f"{r.randint(10, 99)}",
            e=r.choice("76"),
            f=f"{r.randint(10, 99)}",
        )

    def _document(self, nationality: str) -> DocumentInput:
        r = self.rng
        kind = r.choices(
            [
                IdentityDocument.Kind.PASSPORT,
                IdentityDocument.Kind.NATIONAL_ID,
                IdentityDocument.Kind.LAISSEZ_PASSER,
                IdentityDocument.Kind.CONSULAR_CARD,
            ],
            weights=[40, 30, 25, 5],
        )[0]
        if kind == IdentityDocument.Kind.PASSPORT:
            number = f"{r.choice('AB')}{r.randint(0, 9_999_999):08d}"
        elif kind == IdentityDocument.Kind.NATIONAL_ID:
            number = f"{r.choice('12')} {r.randint(100, 999)} {r.randint(1970, 2008)} {r.randint(0, 99999):05d}"
        elif kind == IdentityDocument.Kind.LAISSEZ_PASSER:
            number = f"LP-{self.today.year - r.randint(0, 1)}-{r.randint(1, 99999):06d}"
        else:
            number = f"CC {r.randint(10000, 99999)}"
        return DocumentInput(kind=kind, number=number, issuing_country=nationality)

    def _name(self, sex: str, nationality: str, *, avoid_story: bool = True) -> tuple[str, str, str]:
        """Given name, family name and other spellings (sometimes empty)."""
        r = self.rng
        givens = data.MALE_NAMES if sex == Sex.MALE else data.FEMALE_NAMES
        pool = nationality if r.random() < 0.85 else r.choice(list(data.FAMILY_NAMES))
        while True:
            given, family = r.choice(givens), r.choice(data.FAMILY_NAMES[pool])
            # The near-duplicate of the demo story (Mamadou Diallo) is made on purpose, once.
            if not (avoid_story and given[0] == "Mamadou" and family[0] in ("Diallo", "Jallow")):
                break
        alternatives = []
        if len(given) > 1 and r.random() < 0.3:
            alternatives.append(f"{r.choice(given[1:])} {family[0]}")
        if len(family) > 1 and r.random() < 0.3:
            alternatives.append(f"{given[0]} {r.choice(family[1:])}")
        return given[0], family[0], ", ".join(alternatives)

    def _birth(self, age_low: int, age_high: int) -> tuple[date, bool]:
        years = self.rng.randint(age_low, age_high)
        if self.rng.random() < 0.1:  # estimated: only the year is known
            return date(self.today.year - years, 1, 1), True
        return self.today - timedelta(days=years * 365 + self.rng.randint(0, 364)), False

    def _person(self, office: Office, *, minor: bool) -> PersonInput:
        r = self.rng
        nationality = office.country if r.random() < 0.95 else ("GM" if office.country == "SN" else "GN")
        sex = Sex.MALE if r.random() < 0.84 else Sex.FEMALE
        given, family, alternatives = self._name(sex, nationality)
        birth, estimated = self._birth(15, 17) if minor else self._birth(19, 42)
        phones = [self._phone(nationality)] if r.random() < 0.9 else []
        if phones and r.random() < 0.2:
            phones.append(self._phone(nationality))
        documents = [self._document(nationality)] if r.random() < 0.75 else []
        return PersonInput(
            given_names=given,
            family_name=family,
            alternative_names=alternatives,
            sex=sex,
            birth_date=birth,
            birth_date_estimated=estimated,
            nationality=nationality,
            languages=r.choice(data.LANGUAGES[nationality]),
            phones=phones,
            documents=documents,
        )

    def _household(self, returnee: PersonInput) -> list[tuple[str, PersonInput]]:
        r = self.rng
        age = self.today.year - returnee.birth_date.year
        members = []
        if age >= 23 and r.random() < 0.45:
            spouse_sex = Sex.FEMALE if returnee.sex == Sex.MALE else Sex.MALE
            given, family, _alt = self._name(spouse_sex, returnee.nationality)
            birth, estimated = self._birth(max(18, age - 12), age)
            members.append(
                (
                    Relationship.SPOUSE,
                    PersonInput(
                        given_names=given,
                        family_name=family,
                        sex=spouse_sex,
                        birth_date=birth,
                        birth_date_estimated=estimated,
                        nationality=returnee.nationality,
                    ),
                )
            )
            for _i in range(r.choice([0, 1, 1, 2, 2, 3, 4])):
                child_sex = r.choice([Sex.FEMALE, Sex.MALE])
                child_given, _f, _a = self._name(child_sex, returnee.nationality)
                child_birth, _e = self._birth(0, min(15, age - 18))
                members.append(
                    (
                        Relationship.CHILD,
                        PersonInput(
                            given_names=child_given,
                            family_name=returnee.family_name if returnee.sex == Sex.MALE else family,
                            sex=child_sex,
                            birth_date=child_birth,
                            nationality=returnee.nationality,
                        ),
                    )
                )
        elif r.random() < 0.25:
            given, _f, _a = self._name(Sex.FEMALE, returnee.nationality)
            birth, _e = self._birth(age + 18, age + 35)
            members.append(
                (
                    Relationship.PARENT,
                    PersonInput(
                        given_names=given,
                        family_name=returnee.family_name,
                        sex=Sex.FEMALE,
                        birth_date=birth,
                        birth_date_estimated=True,
                        nationality=returnee.nationality,
                    ),
                )
            )
        return members

    # --- cases ----------------------------------------------------------------------------

    def _details(self, office: Office, stage: str) -> ReturnInput:
        r = self.rng
        low, high = ARRIVED_DAYS_AGO[stage]
        arrival = self.today - timedelta(days=r.randint(low, high))
        return_type = r.choices(list(ReturnType), weights=[82, 8, 7, 3])[0]
        place = r.choice(data.PLACES[office.code])
        points = data.ARRIVAL_POINTS[office.country]
        if return_type == ReturnType.INTERNAL_DISPLACEMENT:
            host, point = "", ""
        else:
            host = r.choices(list(data.HOST_COUNTRIES), weights=list(data.HOST_COUNTRIES.values()))[0]
            if return_type == ReturnType.FORCED:
                host = r.choice(["DE", "FR", "ES", "IT", "MA", "DZ"])
            point = points.get(host) or (points["land"] if host in data.LAND_HOSTS else points["air"])
        programme = self.world.programme_ml if office.country == "ML" else self.world.programme_sn
        return ReturnInput(
            return_type=return_type,
            return_country=office.country,
            programme=programme,
            host_country=host,
            arrival_date=arrival,
            arrival_point=point,
            return_region=place.region,
            return_district=r.choice(place.districts),
            return_locality=f"Quartier {r.choice(data.QUARTERS)}, maison n° {r.randint(1, 250)}",
        )

    def plans(self, count: int) -> list[Plan]:
        """Deterministic plans: offices and stages in proportion, shuffled."""
        r = self.rng
        offices = [self.world.dakar] * 50 + [self.world.tamba] * 22 + [self.world.bamako] * 28
        stages = [s for s, w in STAGE_WEIGHTS.items() for _i in range(round(w * count / 100) + 1)][:count]
        while len(stages) < count:
            stages.append(Stage.IMPLEMENTATION)
        r.shuffle(stages)
        reasons = list(CLOSURES)
        weights = [w for w, _s, _n in CLOSURES.values()]
        result = []
        for stage in stages:
            office = r.choice(offices)
            minor = r.random() < 0.05
            person = self._person(office, minor=minor)
            plan = Plan(
                office=office,
                stage=stage,
                person=person,
                details=self._details(office, stage),
                assigned_to=None if r.random() < 0.12 else self.cm[office.pk],
            )
            if minor and office == self.world.dakar:
                plan.assigned_to, plan.child_specialist = None, self.world.users["cp.dakar"]
            elif minor:
                plan.assigned_to = self.cm[office.pk]  # children are never left unassigned
            if stage == Stage.CLOSED:
                plan.closure = r.choices(reasons, weights=weights)[0]
            plan.refuses_processing = stage == Stage.INTAKE and r.random() < 0.1
            plan.household = [] if minor else self._household(person)
            result.append(plan)
        return result

    def _date_between(self, start: date, end: date) -> date:
        end = min(end, self.today)
        if end <= start:
            return min(start, self.today)
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    def _consent(self, actor: User, case: Case, purpose: str, status: str, on: date) -> None:
        r = self.rng
        signed = status == ConsentStatus.GIVEN and r.random() < 0.3
        services.consent_record(
            actor=actor,
            case=case,
            purpose=purpose,
            status=status,
            decided_on=on,
            method=ConsentMethod.SIGNED_FORM if signed else ConsentMethod.VERBAL_WITNESSED,
            witness_name="" if signed else r.choice(data.WITNESSES),
            document=ContentFile(SIGNED_FORM, name="consentement.pdf") if signed else None,
        )

    def _note(self, actor: User, case: Case, templates: list[str], plan: Plan, on: date) -> None:
        r = self.rng
        text = r.choice(templates).format(
            e="e" if plan.person.sex == Sex.FEMALE else "",
            host_from=data.HOST_FROM[plan.details.host_country],
            host_in=data.HOST_IN[plan.details.host_country],
            district=plan.details.return_district or "la commune",
            sector=r.choice(data.SECTORS),
            debt=f"{r.randint(4, 30) * 100_000:,}".replace(",", " "),
        )
        kind = CaseNote.Kind.COUNSELLING if r.random() < 0.7 else CaseNote.Kind.CONTACT
        services.note_add(actor=actor, case=case, text=text, session_date=on, kind=kind)

    def _tasks(self, actor: User, case: Case) -> None:
        r = self.rng
        for _i in range(r.choice([1, 1, 2])):
            overdue = r.random() < 0.35
            due = self.today + timedelta(days=-r.randint(1, 20) if overdue else r.randint(1, 30))
            task = services.task_create(actor=actor, case=case, title=r.choice(data.TASKS_OPEN), due_date=due)
            if not overdue and r.random() < 0.2:
                services.task_set_status(actor=actor, task=task, status=Task.Status.DONE)

    def _advance(self, actor: User, case: Case, plan: Plan, target: str) -> Case:
        arrival = plan.details.arrival_date
        notes = {
            Stage.ASSESSMENT: data.NOTES_ASSESSMENT,
            Stage.PLANNING: data.NOTES_PLANNING,
            Stage.IMPLEMENTATION: data.NOTES_FOLLOW_UP,
            Stage.MONITORING: data.NOTES_FOLLOW_UP,
        }
        for stage in OPEN_STAGES[1 : OPEN_STAGES.index(target) + 1]:
            case = services.case_change_stage(actor=actor, case=case, to_stage=stage)
            if self.rng.random() < 0.7:
                self._note(actor, case, notes[stage], plan, self._date_between(arrival, self.today))
        return case

    def create(self, plan: Plan) -> Case:
        actor = self.cm[plan.office.pk]
        case = services.returnee_register(
            actor=actor, office=plan.office, person=plan.person, details=plan.details, assigned_to=plan.assigned_to
        )
        for relationship, member in plan.household:
            services.household_member_add(actor=actor, case=case, member=member, relationship=relationship)
        if plan.child_specialist:
            case = services.case_assign(actor=self.supervisor, case=case, assignee=plan.child_specialist)
        arrival = plan.details.arrival_date
        consent_day = self._date_between(arrival, arrival + timedelta(days=3))
        self._note(actor, case, data.NOTES_INTAKE, plan, consent_day)
        if plan.refuses_processing:
            self._consent(actor, case, ConsentPurpose.PROCESSING, ConsentStatus.REFUSED, consent_day)
            return case
        self._consent(actor, case, ConsentPurpose.PROCESSING, ConsentStatus.GIVEN, consent_day)
        reached = CLOSURES[plan.closure][1] if plan.closure else plan.stage
        if OPEN_STAGES.index(reached) >= OPEN_STAGES.index(Stage.PLANNING):
            self._consent(actor, case, ConsentPurpose.SHARING, ConsentStatus.GIVEN, consent_day)
        if self.rng.random() < 0.8:
            self._consent(actor, case, ConsentPurpose.MONITORING, ConsentStatus.GIVEN, consent_day)
            if self.rng.random() < 0.06:
                withdrawn_on = self._date_between(consent_day, self.today)
                self._consent(actor, case, ConsentPurpose.MONITORING, ConsentStatus.WITHDRAWN, withdrawn_on)
        case = self._advance(actor, case, plan, reached)
        self._tasks(actor, case)
        self.assessments.for_case(actor, case, plan, reached)
        if plan.closure:
            if plan.closure == ClosureReason.LOST_CONTACT:
                self._note(actor, case, data.NOTES_LOST, plan, self._date_between(arrival, self.today))
            case = services.case_close(
                actor=actor,
                case=case,
                reason=plan.closure,
                note=CLOSURES[plan.closure][2],
                remigration_intention=True if plan.closure == ClosureReason.REMIGRATED else None,
            )
        return case

    # --- the story ------------------------------------------------------------------------

    def story_mamadou(self) -> Case:
        """The existing Mamadou Diallo, born 12/03/1994, who re-migrated: registering
        "Mamadu Dialo, born 1994" in Dakar must warn that he may already be known."""
        world, actor = self.world, self.world.users["cm.dakar"]
        plan = Plan(
            office=world.dakar,
            stage=Stage.CLOSED,
            person=PersonInput(
                given_names="Mamadou",
                family_name="Diallo",
                alternative_names="Mamadu Jallow",
                sex=Sex.MALE,
                birth_date=date(1994, 3, 12),
                nationality="SN",
                languages="pulaar, wolof, français",
                phones=["+221 77 412 36 58"],
                documents=[
                    DocumentInput(kind=IdentityDocument.Kind.PASSPORT, number="A01983452", issuing_country="SN")
                ],
            ),
            details=ReturnInput(
                return_type=ReturnType.ASSISTED_VOLUNTARY,
                return_country="SN",
                programme=world.programme_sn,
                host_country="LY",
                arrival_date=self.today - timedelta(days=560),
                arrival_point=data.ARRIVAL_POINTS["SN"]["air"],
                return_region="Dakar",
                return_district="Pikine",
                return_locality="Quartier Thiaroye, maison n° 41",
            ),
            assigned_to=actor,
            closure=ClosureReason.REMIGRATED,
        )
        return self.create(plan)

    def story_awa(self) -> Case:
        """The assessments story (issue 3): Aminata, followed by Awa Ndiaye (cm.dakar) in Dakar.

        Screening with signs of distress, an RSS baseline where she wishes psychological support
        (a suggested MHPSS referral), and a follow-up six months later that shows progress.
        Fixed values only: the shared random sequence of the other returnees is not touched.
        """
        world, actor = self.world, self.world.users["cm.dakar"]
        arrival = self.today - timedelta(days=230)
        case = services.returnee_register(
            actor=actor,
            office=world.dakar,
            person=PersonInput(
                given_names="Aminata",
                family_name="Sow",
                sex=Sex.FEMALE,
                birth_date=date(1997, 6, 14),
                nationality="SN",
                languages="wolof, français",
                phones=["+221 77 305 12 44"],
                documents=[
                    DocumentInput(
                        kind=IdentityDocument.Kind.NATIONAL_ID, number="2 755 1997 01234", issuing_country="SN"
                    )
                ],
            ),
            details=ReturnInput(
                return_type=ReturnType.ASSISTED_VOLUNTARY,
                return_country="SN",
                programme=world.programme_sn,
                host_country="MA",
                arrival_date=arrival,
                arrival_point=data.ARRIVAL_POINTS["SN"]["air"],
                return_region="Dakar",
                return_district="Pikine",
                return_locality="Quartier Thiaroye Gare, maison n° 17",
            ),
            assigned_to=actor,
        )
        services.household_member_add(
            actor=actor,
            case=case,
            member=PersonInput(
                given_names="Moussa", family_name="Sow", sex=Sex.MALE, birth_date=date(2017, 2, 3), nationality="SN"
            ),
            relationship=Relationship.CHILD,
        )
        consent_day = arrival + timedelta(days=1)
        for purpose in (ConsentPurpose.PROCESSING, ConsentPurpose.SHARING, ConsentPurpose.MONITORING):
            services.consent_record(
                actor=actor,
                case=case,
                purpose=purpose,
                status=ConsentStatus.GIVEN,
                decided_on=consent_day,
                method=ConsentMethod.VERBAL_WITNESSED,
                witness_name=data.WITNESSES[0],
            )
        services.note_add(
            actor=actor,
            case=case,
            text=(
                "Première séance : Aminata souhaite reprendre la couture et parle de nuits difficiles "
                "depuis son retour."
            ),
            session_date=consent_day,
            kind=CaseNote.Kind.COUNSELLING,
        )
        for stage in OPEN_STAGES[1:]:
            case = services.case_change_stage(actor=actor, case=case, to_stage=stage)
        self.assessments.story(actor, case, arrival)
        return case

    def story_reopened(self) -> None:
        """One case closed for lost contact, then reopened by the supervisor."""
        case = (
            Case.objects.filter(office=self.world.dakar, closure_reason=ClosureReason.LOST_CONTACT)
            .order_by("id")
            .first()
        )
        if case is not None:
            services.case_reopen(
                actor=self.supervisor, case=case, reason="Le bénéficiaire a repris contact et souhaite poursuivre."
            )

    def run(self, count: int) -> int:
        self.story_mamadou()
        stories = 1
        if count > 1:
            self.story_awa()
            stories = 2
        plans = self.plans(max(0, count - stories))
        for plan in plans:
            self.create(plan)
        self.story_reopened()
        return stories + len(plans)
