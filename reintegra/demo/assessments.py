"""Demo assessments: rapid screenings, RSS baselines and follow-ups, skills and first counselling.

Recorded through `reintegra.instruments.services.response_record`, so every response is validated
against its form, flags and their tasks are raised and the RSS is scored with the default
(provisional) profile on submission, exactly as in the application. A returnee's answers come
from a latent level per RSS dimension (0 bad … 1 good) plus noise; follow-ups move that level,
mostly upwards, sometimes down. A random generator of its own keeps the rest of the demo as it was.
"""

import logging
import random
from dataclasses import dataclass
from datetime import date, timedelta

from reintegra.accounts.models import User
from reintegra.cases.models import Case, ConsentPurpose, Relationship, Sex, Stage
from reintegra.cases.selectors import consent_given
from reintegra.instruments import services
from reintegra.instruments.models import InstrumentVersion, Occasion

logger = logging.getLogger(__name__)

# RSS questions with their options from best to worst (handbook rss.md; the shipped form's names).
BEST_FIRST = {
    "sat5": ["very_satisfied", "satisfied", "neutral", "dissatisfied", "very_dissatisfied"],
    "never_best": ["never", "rarely", "sometimes", "often", "very_often"],
    "often_best": ["very_often", "often", "sometimes", "rarely", "never"],
    "quality5": ["very_good", "good", "fair", "poor", "very_poor"],
    "agree5": ["strongly_agree", "agree", "neutral", "disagree", "strongly_disagree"],
    "safe5": ["very_safe", "safe", "neither", "unsafe", "very_unsafe"],
    "yes_best": ["yes", "no"],
    "no_best": ["no", "yes"],
    "debt": ["no_debt", "no", "yes"],
}
RSS_ITEMS = {
    "economic": {
        "e1_economic_satisfaction": "sat5",
        "e2_meals_reduced": "never_best",
        "e3_can_borrow": "yes_best",
        "e4a_borrow_frequency": "never_best",
        "e4b_debt_exceeds_spending": "debt",
        "e5_access_employment": "quality5",
        "e6_has_income": "yes_best",
        "e7_productive_assets": "yes_best",
    },
    "social": {
        "s1_access_housing": "quality5",
        "s2_housing_standard": "quality5",
        "s3_access_education": "quality5",
        "s5_access_justice": "quality5",
        "s6b_access_documents": "quality5",
        "s7_access_water": "quality5",
        "s8_access_health": "quality5",
    },
    "psychosocial": {
        "p1_social_events": "often_best",
        "p2_support_network": "quality5",
        "p3_belonging": "agree5",
        "p4_feels_safe": "safe5",
        "p5_family_tension": "never_best",
        "p6_discrimination": "no_best",
        "p7_anger": "never_best",
        "p7_sadness": "never_best",
        "p7_fear": "never_best",
        "p7_stress": "never_best",
        "p7_loneliness": "never_best",
        "p7_low_self_esteem": "never_best",
        "p7_concentration": "never_best",
    },
}
DIMENSIONS = tuple(RSS_ITEMS)
# Items answered better than the dimension's level on average (most returnees feel safe; severe
# distress is less common than general difficulties).
ITEM_BIAS = {"p4_feels_safe": 0.3, "p6_discrimination": 0.15} | {
    f"p7_{sign}": 0.12
    for sign in ("anger", "sadness", "fear", "stress", "loneliness", "low_self_esteem", "concentration")
}
DECLINES_PSYCHOSOCIAL = 0.03  # share of interviews where the returnee prefers not to answer that section
DISTRESS = [name for name in RSS_ITEMS["psychosocial"] if name.startswith("p7_")]

SKILLS = ["masonry", "tailoring", "driving", "mechanics", "farming", "sales", "hairdressing", "welding", "cooking"]
SECTORS = ["construction", "textile", "transport", "repair", "agriculture", "trade", "beauty", "hospitality"]
OCCUPATIONS = {
    "construction": "Maçon",
    "textile": "Tailleur",
    "transport": "Chauffeur",
    "repair": "Mécanicien",
    "agriculture": "Ouvrier agricole",
    "trade": "Vendeur",
    "beauty": "Coiffeur",
    "hospitality": "Aide-cuisinier",
}
GOALS = [
    "Ouvrir un atelier de couture dans mon quartier.",
    "Trouver un emploi stable de chauffeur.",
    "Reprendre l'élevage de moutons avec ma famille.",
    "Créer un petit commerce de produits alimentaires.",
    "Suivre une formation en électricité puis travailler à mon compte.",
    "Rembourser mes dettes et aider mes parents.",
]
ASPIRATIONS = {
    "textile": "Atelier de couture avec deux machines",
    "transport": "Moto-taxi puis petit transport de marchandises",
    "agriculture": "Maraîchage sur un demi-hectare",
    "trade": "Boutique de quartier",
    "repair": "Atelier de réparation de motos",
    "construction": "Entreprise de maçonnerie avec des jeunes du quartier",
}

# Shares of cases (by the stage they reached) that get each assessment.
SCREENING_SHARE = 0.85
BASELINE_SHARE = {Stage.ASSESSMENT: 0.5, Stage.PLANNING: 0.85, Stage.IMPLEMENTATION: 0.9, Stage.MONITORING: 0.9}
LATER_STAGES = (Stage.IMPLEMENTATION, Stage.MONITORING)
STAGE_ORDER = [Stage.INTAKE, Stage.ASSESSMENT, Stage.PLANNING, Stage.IMPLEMENTATION, Stage.MONITORING]


@dataclass
class Returnee:
    """What the answers depend on: the latent levels and the household."""

    levels: dict[str, float]
    female: bool
    minor: bool
    has_document: bool
    children: int
    wants_support: float  # chance of answering yes to P8


def clip(value: float) -> float:
    return min(1.0, max(0.0, value))


class DemoAssessments:
    def __init__(self, *, seed: int, today: date):
        self.rng = random.Random(seed)
        self.today = today
        self.versions = {
            v.instrument.code: v for v in InstrumentVersion.objects.filter(is_current=True).select_related("instrument")
        }
        self.counts: dict[str, int] = {}

    # --- answers --------------------------------------------------------------------------------

    def _pick(self, scale: str, goodness: float) -> str:
        """An option of `scale` for a latent goodness (0..1) blurred by noise; a few don't know / no answer."""
        roll = self.rng.random()
        if roll < 0.02:
            return "dont_know"
        if roll < 0.03:
            return "no_answer"
        options = BEST_FIRST[scale]
        value = clip(goodness + self.rng.gauss(0, 0.17))
        if len(options) == 2:
            return options[0] if self.rng.random() < value else options[1]
        index = round((1 - value) * (len(options) - 1))
        return options[index]

    def rss_answers(self, who: Returnee, *, follow_up: bool) -> dict:
        answers = {}
        for dimension, items in RSS_ITEMS.items():
            level = who.levels[dimension]
            for name, scale in items.items():
                answers[name] = self._pick(scale, level + ITEM_BIAS.get(name, 0))
        if self.rng.random() < DECLINES_PSYCHOSOCIAL:  # the score shows a gap, explained on the case file
            answers.update(dict.fromkeys(RSS_ITEMS["psychosocial"], "no_answer"))
        if answers["e4b_debt_exceeds_spending"] == "no_debt" and self.rng.random() < 0.5:
            answers["e4b_debt_exceeds_spending"] = "no"
        answers["e8_looking_for_work"] = "no" if answers["e6_has_income"] == "yes" else "yes"
        if who.children:
            answers["s4_children_in_school"] = "yes" if self.rng.random() < 0.6 + who.levels["social"] / 2 else "no"
        else:
            answers["s4_children_in_school"] = "no_school_age_children"
        answers["s6a_has_id_document"] = "yes" if who.has_document or follow_up or self.rng.random() < 0.5 else "no"
        answers["p8_wants_psych_support"] = "yes" if self.rng.random() < who.wants_support else "no"
        answers["p9_able_to_stay"] = "yes" if self.rng.random() < 0.3 + who.levels["psychosocial"] * 0.7 else "no"
        return answers

    def returnee(self, *, female: bool, minor: bool, has_document: bool, children: int) -> Returnee:
        r = self.rng
        levels = {
            "economic": r.uniform(0.1, 0.55),
            "social": r.uniform(0.3, 0.7),
            "psychosocial": r.uniform(0.2, 0.7),
        }
        wants = 0.45 if levels["psychosocial"] < 0.35 else 0.12
        return Returnee(levels, female, minor, has_document, children, wants)

    def progress(self, who: Returnee) -> None:
        """Six months later: mostly better (assistance, work), sometimes worse."""
        r = self.rng
        worse = r.random() < 0.2
        for dimension in DIMENSIONS:
            change = -r.uniform(0.05, 0.2) if worse else r.uniform(0.0, 0.25)
            if dimension == "economic" and not worse:
                change += 0.05
            who.levels[dimension] = clip(who.levels[dimension] + change)
        who.wants_support = 0.05 if not worse else 0.3

    def screening_answers(self, who: Returnee) -> dict:
        r = self.rng

        def yes(share: float) -> str:
            return "yes" if r.random() < share else "no"

        answers = {
            "h1_urgent_medical": yes(0.07),
            "h2_chronic_illness": yes(0.1),
            "h3_disability": yes(0.04),
            "pregnancy": yes(0.1) if who.female and not who.minor else "no",
            "m1_distress": yes(0.25 if who.levels["psychosocial"] < 0.35 else 0.08),
            "m2_observed_signs": r.choice([["withdrawn"], ["crying"], ["agitated"]]) if r.random() < 0.12 else ["none"],
            "m3_wants_support": "yes" if r.random() < who.wants_support / 2 else "no",
            "pr1_feels_unsafe": yes(0.06),
            "pr2_threats": yes(0.04),
            "pr3_debt": yes(0.3),
            "pr4_violence": yes(0.03),
            "c1_is_child": "yes" if who.minor else "no",
            "c2_children_household": "yes" if who.children else "no",
            "urgent_referral_made": "no",
        }
        exploited = r.random() < 0.06
        for name in ("t1_forced_work", "t2_unpaid", "t3_documents_kept", "t4_not_free", "t5_deceived"):
            answers[name] = "yes" if exploited and r.random() < 0.5 else "no"
        if answers["h1_urgent_medical"] == "yes":
            answers["h1_details"] = r.choice(["Plaie infectée à la jambe", "Forte fièvre depuis trois jours"])
            answers["urgent_referral_made"] = "yes"
            answers["urgent_referral_details"] = "Orienté vers le centre de santé le jour même."
        if answers["h2_chronic_illness"] == "yes":
            answers["h2_has_treatment"] = r.choice(["yes", "no"])
        if answers["h3_disability"] == "yes":
            answers["h3_disability_types"] = [r.choice(["walking", "seeing", "hearing"])]
        if answers["pregnancy"] == "yes":
            answers["pregnancy_months"] = r.randint(2, 8)
            answers["pregnancy_care"] = r.choice(["yes", "no"])
        if answers["pr2_threats"] == "yes":
            answers["pr2_threat_sources"] = [r.choice(["creditor", "community", "family"])]
        if answers["pr3_debt"] == "yes":
            answers["pr3_debt_coercion"] = "yes" if r.random() < 0.12 else "no"
            answers["pr3_creditor"] = r.choice(["family_friends", "moneylender", "smuggler_recruiter"])
        if who.minor:
            answers["c1_care_situation"] = r.choice(["with_parents", "with_parents", "separated"])
        if who.children:
            answers["c2_children_number"] = who.children
            answers["c2_children_concern"] = "yes" if r.random() < 0.1 else "no"
        return answers

    def counselling_answers(self) -> dict:
        r = self.rng
        concerns = r.sample(["money_debt", "work", "housing", "family_reaction", "stigma", "documents"], k=2)
        return {
            "consent_info_given": ["programme_purpose", "voluntary", "confidentiality", "data_use", "withdraw"],
            "consent_info_understood": "yes",
            "preferred_language": r.choice(["french", "wolof", "pulaar", "bambara"]),
            "interpreter_needed": "no",
            "preferred_contact": r.choice(["phone_call", "text_message", "office"]),
            "main_goal": r.choice(GOALS),
            "goal_areas": r.sample(["work_income", "business", "training", "housing", "family", "debt"], k=2),
            "motivations": r.sample(["support_family", "stability", "independence", "repay_debt", "respect"], k=2),
            "stay_intention": r.choices(["stay", "undecided", "leave_again"], weights=[70, 25, 5])[0],
            "concerns": concerns,
            "urgent_need": "no",
            "expectations": "Un appui pour démarrer une activité et un suivi régulier.",
            "limits_explained": "yes",
            "expectations_gap": "no",
            "next_steps": ["assessments", "rss_baseline", "plan"],
        }

    def skills_answers(self) -> dict:
        r = self.rng
        sector = r.choice(SECTORS)
        pathway = r.choice(["entrepreneur", "entrepreneur", "wage_worker", "training", "cooperative"])
        answers = {
            "edu_level": r.choice(["none", "religious", "primary", "lower_secondary", "vocational"]),
            "literacy": r.choice(["easily", "with_difficulty", "no"]),
            "numeracy": r.choice(["easily", "with_difficulty"]),
            "languages": r.sample(["french", "wolof", "pulaar", "bambara", "arabic"], k=2),
            "has_worked": "yes",
            "jobs": [
                {
                    "job_occupation": OCCUPATIONS[sector],
                    "job_sector": sector,
                    "job_where": r.choice(["origin", "transit", "destination"]),
                    "job_status": r.choice(["daily_worker", "employee", "self_employed"]),
                    "job_years": round(r.uniform(0.5, 6), 1),
                }
            ],
            "skills": r.sample(SKILLS, k=2),
            "has_certificates": "no",
            "business_experience": "no",
            "own_contribution": r.choice(["yes", "no"]),
            "aspiration": ASPIRATIONS.get(sector, "Travailler à mon compte dans mon quartier"),
            "aspiration_sector": sector,
            "preferred_pathway": pathway,
            "barriers": r.sample(["no_capital", "debt", "no_premises", "skills_gap"], k=2),
            "recommended_pathway": pathway,
        }
        if pathway in ("entrepreneur", "cooperative"):
            answers["business_commitment"] = r.choice(["very_committed", "committed"])
            answers["commitment_assessed"] = r.choice(["committed", "very_committed", "unsure"])
        return answers

    # --- recording ------------------------------------------------------------------------------

    def _record(self, actor: User, case: Case, code: str, answers: dict, day: date, **meta) -> None:
        version = self.versions.get(code)
        if version is None or day > self.today:
            return
        services.response_record(actor=actor, case=case, version=version, answers=answers, interview_date=day, **meta)
        self.counts[code] = self.counts.get(code, 0) + 1

    def _day(self, start: date, low: int, high: int) -> date:
        return min(self.today, start + timedelta(days=self.rng.randint(low, high)))

    def for_case(self, actor: User, case: Case, plan, reached: str) -> None:
        """The assessments a case has had by the stage it reached (called before it is closed)."""
        if STAGE_ORDER.index(reached) < STAGE_ORDER.index(Stage.ASSESSMENT):
            return
        r = self.rng
        arrival = plan.details.arrival_date
        who = self.returnee(
            female=plan.person.sex == Sex.FEMALE,
            minor=plan.child_specialist is not None or (self.today - plan.person.birth_date).days < 18 * 365,
            has_document=bool(plan.person.documents),
            children=sum(1 for relationship, _m in plan.household if relationship == Relationship.CHILD),
        )
        if r.random() < 0.3:
            self._record(
                actor,
                case,
                "counselling_intake",
                self.counselling_answers(),
                self._day(arrival, 0, 4),
                occasion=Occasion.SCREENING,
            )
        if r.random() < SCREENING_SHARE:
            self._record(
                actor,
                case,
                "rapid_screening",
                self.screening_answers(who),
                self._day(arrival, 1, 7),
                occasion=Occasion.SCREENING,
            )
        if r.random() >= BASELINE_SHARE.get(reached, 0):
            return
        baseline = self._day(arrival, 10, 40)
        self._record(actor, case, "rss", self.rss_answers(who, follow_up=False), baseline, occasion=Occasion.BASELINE)
        if STAGE_ORDER.index(reached) >= STAGE_ORDER.index(Stage.PLANNING) and r.random() < 0.3:
            self._record(
                actor, case, "skills", self.skills_answers(), self._day(baseline, 1, 20), occasion=Occasion.SCREENING
            )
        if reached not in LATER_STAGES or not consent_given(case, ConsentPurpose.MONITORING):
            return
        for number, months in ((1, 6), (2, 12)):
            day = baseline + timedelta(days=30 * months + r.randint(-6, 10))
            if day > self.today:
                break
            self.progress(who)
            self._record(
                actor,
                case,
                "rss",
                self.rss_answers(who, follow_up=True),
                day,
                occasion=Occasion.FOLLOW_UP,
                occasion_number=number,
                mode=r.choice(["in_person", "in_person", "phone"]),
            )

    def story(self, actor: User, case: Case, arrival: date) -> None:
        """The issue's story: screening with distress, a baseline wishing psychological support, a better follow-up."""
        who = Returnee(
            {"economic": 0.25, "social": 0.5, "psychosocial": 0.3},
            female=True,
            minor=False,
            has_document=True,
            children=1,
            wants_support=1.0,
        )
        screening = self.screening_answers(who) | {
            "m1_distress": "yes",
            "m3_wants_support": "yes",
            "h1_urgent_medical": "no",
        }
        screening.pop("h1_details", None)
        screening.pop("urgent_referral_details", None)
        screening["urgent_referral_made"] = "no"
        self._record(
            actor, case, "rapid_screening", screening, arrival + timedelta(days=2), occasion=Occasion.SCREENING
        )
        baseline = arrival + timedelta(days=12)
        answers = self.rss_answers(who, follow_up=False) | {
            "p8_wants_psych_support": "yes",
            "p4_feels_safe": "safe",
            "p2_support_network": "poor",
            "p7_sadness": "often",
            "p7_stress": "very_often",
            "p7_loneliness": "often",
            "s4_children_in_school": "yes",
        }
        self._record(actor, case, "rss", answers, baseline, occasion=Occasion.BASELINE)
        who.levels = {"economic": 0.55, "social": 0.65, "psychosocial": 0.6}
        who.wants_support = 0.0
        follow_up = self.rss_answers(who, follow_up=True) | dict.fromkeys(DISTRESS, "rarely")
        follow_up |= {"s4_children_in_school": "yes", "p4_feels_safe": "safe", "p8_wants_psych_support": "no"}
        follow_up |= {"p7_sadness": "sometimes", "p7_stress": "sometimes"}
        self._record(
            actor,
            case,
            "rss",
            follow_up,
            baseline + timedelta(days=183),
            occasion=Occasion.FOLLOW_UP,
            occasion_number=1,
        )
