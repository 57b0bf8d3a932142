"""Demo best-interests procedures (docs/children.md) on child cases of Dakar.

Called by `seed_demo` after the returnees; safe to call again (does nothing when a procedure exists
in the demo offices). Every write goes through `reintegra.children.services` (and the cases services
for the fallback child), as the child-protection specialist cp.dakar, so each step is audited.

What it makes, on the open child cases of Dakar that arrived first (a child case is registered when
the demo has none, e.g. a small demo):
- a first child, unaccompanied: assessment, a process plan of three steps (the home visit done) and a
  determination deciding return and reintegration in the family, by a panel of two;
- a second child, separated (living with an aunt): assessment and a process plan of three steps
  (the first done), no determination yet.
Dates are relative to the day of the seed and never before the child's arrival.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from reintegra.cases import services as case_services
from reintegra.cases.models import (
    Case,
    ConsentMethod,
    ConsentPurpose,
    ConsentStatus,
    Relationship,
    ReturnType,
    Sex,
    Stage,
)
from reintegra.cases.services import PersonInput, ReturnInput
from reintegra.children import services
from reintegra.children.models import CareSituation, Procedure, Rating, Risk, Solution, Step
from reintegra.children.services import CHILD_AGE_LIMIT, AssessmentInput, DeterminationInput, PanelMember, StepInput
from reintegra.demo.data import HOST_IN

INTERVIEWER = "Mariama Badji (spécialiste protection de l'enfance) et Cheikh Ndour (travailleur social, AEMO)"
PANEL = [
    PanelMember(name="Mariama Badji", function="Spécialiste protection de l'enfance, OIM Dakar"),
    PanelMember(name="Ndèye Fatou Sène", function="Cheffe du service AEMO de Dakar (Justice)"),
]


@dataclass(frozen=True)
class Story:
    assessment: dict
    steps: tuple[tuple[str, str], ...]  # (what, who); the first is done
    determination: dict | None = None


STORIES = [
    Story(
        assessment={
            "care_situation": CareSituation.UNACCOMPANIED,
            "acceptance": Rating.MIXED,
            "acceptance_notes": (
                "La mère souhaite le retour de l'enfant ; l'oncle qui avait financé le départ reste réservé. "
                "Les camarades du quartier l'accueillent bien."
            ),
            "attends_school": False,
            "education_notes": "A quitté l'école après le CM2 ; souhaite un apprentissage en mécanique.",
            "health_access": Rating.GOOD,
            "mhpss_access": True,
            "health_notes": "Cauchemars fréquents depuis le séjour {host_in} ; suivi par le psychologue du district.",
            "has_disability": False,
            "risks": [Risk.CHILD_LABOUR, Risk.SMUGGLING],
            "risks_notes": (
                "A travaillé sur un chantier {host_in} pour payer le passage ; le passeur a gardé ses papiers."
            ),
            "child_views": (
                "Veut rentrer chez sa mère à {district} et apprendre la mécanique. Ne veut pas repartir pour "
                "l'instant, mais dit que des amis « attendent une nouvelle occasion »."
            ),
            "maturity_weighing": (
                "À {age} ans, l'enfant parle de ses projets de façon claire et cohérente : son avis a beaucoup "
                "pesé. L'influence des pairs a été discutée avec l'enfant et la mère a été entendue séparément."
            ),
        },
        steps=(
            ("Visite à domicile et évaluation du milieu familial à {district}", "Travailleur social AEMO"),
            ("Médiation familiale avec la mère et l'oncle", "Spécialiste protection de l'enfance"),
            ("Inscription en apprentissage de mécanique et suivi psychosocial", "Travailleur social AEMO"),
        ),
        determination={
            "return_considered": True,
            "return_notes": (
                "La mère est disponible et le foyer jugé sûr après la visite ; un garage du quartier accepte "
                "un apprenti à {district}."
            ),
            "local_considered": True,
            "local_notes": (
                "Placement au Centre Ginddi à Dakar envisagé ; écarté, l'enfant ayant une famille prête à l'accueillir."
            ),
            "decision": Solution.RETURN,
            "reasons": (
                "Le retour en famille, souhaité par l'enfant, sert son intérêt supérieur : foyer sûr, accès à "
                "une formation et au suivi psychosocial. Visite mensuelle de l'AEMO pendant six mois."
            ),
        },
    ),
    Story(
        assessment={
            "care_situation": CareSituation.SEPARATED,
            "acceptance": Rating.GOOD,
            "acceptance_notes": "Vit chez une tante à Dakar depuis son arrivée ; les parents sont à {district}.",
            "attends_school": True,
            "education_notes": "A repris les cours dans un collège du quartier de la tante.",
            "health_access": Rating.GOOD,
            "mhpss_access": False,
            "health_notes": "En bonne santé ; pas de besoin de soutien psychologique exprimé.",
            "has_disability": False,
            "risks": [Risk.TRAFFICKING],
            "risks_notes": (
                "Un intermédiaire avait promis à l'enfant un emploi {host_in} ; signalement transmis à la "
                "Cellule nationale de lutte contre la traite des personnes."
            ),
            "child_views": "Veut rester chez sa tante jusqu'à la fin de l'année scolaire, puis retrouver ses parents.",
            "maturity_weighing": (
                "À {age} ans, l'enfant comprend les options ; finir l'année est un souhait raisonnable et retenu. "
                "Ses propos ont été vérifiés auprès de la tante et d'un enseignant."
            ),
        },
        steps=(
            ("Entretien avec la tante et vérification des conditions d'accueil", "Travailleur social AEMO"),
            ("Recherche et prise de contact avec les parents à {district}", "Spécialiste protection de l'enfance"),
            ("Réunion de famille pour préparer la détermination", "Spécialiste protection de l'enfance"),
        ),
    ),
]


def _child_cases(world, today: date) -> list[Case]:
    """The open child cases of Dakar that arrived first and are still under 18."""
    rows = (
        Case.objects.filter(office=world.dakar, is_child=True)
        .exclude(stage=Stage.CLOSED)
        .select_related("person", "office")
        .order_by("arrival_date", "id")
    )
    rows = [c for c in rows if (c.person.age_on(today) or 0) <= CHILD_AGE_LIMIT]
    return rows[: len(STORIES)]


def _register_child(world, today: date) -> Case:
    """Ousmane, 16, back from Morocco without his parents; his mother is in the household."""
    registrar, arrival = world.users["cm.dakar"], today - timedelta(days=40)
    case = case_services.returnee_register(
        actor=registrar,
        office=world.dakar,
        person=PersonInput(
            given_names="Ousmane",
            family_name="Baldé",
            sex=Sex.MALE,
            birth_date=date(today.year - 16, 1, 1),
            birth_date_estimated=True,
            nationality="SN",
            languages="pulaar, wolof",
        ),
        details=ReturnInput(
            return_type=ReturnType.ASSISTED_VOLUNTARY,
            return_country="SN",
            programme=world.programme_sn,
            host_country="MA",
            arrival_date=arrival,
            arrival_point="Aéroport international Blaise Diagne (AIBD)",
            return_region="Kolda",
            return_district="Kolda",
            return_locality="Quartier Sikilo",
        ),
    )
    case_services.household_member_add(
        actor=registrar,
        case=case,
        member=PersonInput(
            given_names="Kadiatou",
            family_name="Baldé",
            sex=Sex.FEMALE,
            birth_date=date(today.year - 41, 1, 1),
            birth_date_estimated=True,
            nationality="SN",
        ),
        relationship=Relationship.PARENT,
    )
    case_services.consent_record(
        actor=registrar,
        case=case,
        purpose=ConsentPurpose.PROCESSING,
        status=ConsentStatus.GIVEN,
        decided_on=arrival + timedelta(days=1),
        method=ConsentMethod.VERBAL_WITNESSED,
        witness_name="Kadiatou Baldé (mère)",
    )
    return case_services.case_assign(actor=world.users["sup.dakar"], case=case, assignee=world.users["cp.dakar"])


def _text(template: str, case: Case, age: int | None) -> str:
    return template.format(
        district=case.return_district or "sa commune",
        host_in=HOST_IN.get(case.host_country, "en exil"),
        age=age if age is not None else "son âge",
    )


def _procedure(actor, case: Case, story: Story, today: date) -> bool:
    """One child's procedure; True when a determination was recorded."""
    start = max(case.arrival_date or today, today - timedelta(days=30))
    assessed = min(start + timedelta(days=3), today)
    age = case.person.age_on(assessed)
    values = {k: _text(v, case, age) if isinstance(v, str) else v for k, v in story.assessment.items()}
    data = AssessmentInput(interviewer=INTERVIEWER, assessed_on=assessed, **values)
    services.assessment_save(actor=actor, case=case, data=data)
    dues = [assessed + timedelta(days=10), today + timedelta(days=14), today + timedelta(days=40)]
    for index, ((what, who), due) in enumerate(zip(story.steps, dues, strict=True)):
        step = services.step_add(
            actor=actor, case=case, data=StepInput(what=_text(what, case, age), who=who, due_on=due)
        )
        if index == 0:
            done = min(start + timedelta(days=8), today)
            services.step_set_state(actor=actor, case=case, step=step, state=Step.State.DONE, done_on=done)
    if story.determination is None:
        return False
    values = {k: _text(v, case, age) if isinstance(v, str) else v for k, v in story.determination.items()}
    determined = min(start + timedelta(days=20), today)
    data = DeterminationInput(determined_on=determined, panel=list(PANEL), **values)
    services.determination_record(actor=actor, case=case, data=data)
    return True


def seed_children(world, *, today: date | None = None) -> str:
    """Best-interests procedures on Dakar child cases; a one-line summary."""
    if Procedure.objects.filter(case__office__in=world.offices).exists():
        return "already present, nothing added"
    today = today or timezone.localdate()
    cases = _child_cases(world, today) or [_register_child(world, today)]
    actor = world.users["cp.dakar"]
    determined = sum(_procedure(actor, case, story, today) for case, story in zip(cases, STORIES, strict=False))
    numbers = ", ".join(case.number for case in cases)
    noun = "child case" if len(cases) == 1 else "child cases"
    return f"{len(cases)} {noun} ({numbers}), {determined} determination deciding return"
