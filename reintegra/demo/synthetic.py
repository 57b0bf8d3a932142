"""Bulk synthetic cases for benchmarks (`manage.py seed_synthetic`).

No per-row services here: rows are built in memory and written with `bulk_create`, batch by
batch, one transaction each. The derived columns the services maintain are computed the same
way (Person.phonetic_name, NameKey rows, Phone.tail, IdentityDocument.normalised, is_child),
case numbers are reserved from CaseNumberSequence so they stay unique and readable, and the
timestamps are spread over the past years (opened, closed, recorded).
"""

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from django.db import transaction
from django.utils import timezone

from reintegra.accounts.models import Membership, Office, Role, User
from reintegra.cases.models import (
    CLOSURE_REASON_GROUPS,
    PSEUDONYM_ALPHABET,
    Case,
    CaseNote,
    CaseNumberSequence,
    ClosureReason,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    ConsentStatus,
    Household,
    IdentityDocument,
    NameKey,
    Person,
    Phone,
    Relationship,
    ReturnType,
    Sex,
    Stage,
    StageChange,
    Task,
)
from reintegra.demo import data
from reintegra.demo.world import World
from reintegra.lib.names import name_keys, normalise_document, phone_tail, phonetic_name

OFFICE_SHARES = {"DKR": 50, "TBA": 20, "BKO": 30}
CASE_MANAGERS_PER_OFFICE = {"DKR": 20, "TBA": 8, "BKO": 12}
STAGE_WEIGHTS = {
    Stage.INTAKE: 10,
    Stage.ASSESSMENT: 10,
    Stage.PLANNING: 10,
    Stage.IMPLEMENTATION: 20,
    Stage.MONITORING: 15,
    Stage.CLOSED: 35,
}
OPEN_ORDER = [Stage.INTAKE, Stage.ASSESSMENT, Stage.PLANNING, Stage.IMPLEMENTATION, Stage.MONITORING]
CLOSURE_WEIGHTS = {
    ClosureReason.SUPPORT_COMPLETED: 50,
    ClosureReason.CRITERIA_NO_LONGER_MET: 4,
    ClosureReason.LOST_CONTACT: 15,
    ClosureReason.REMIGRATED: 9,
    ClosureReason.WITHDREW: 7,
    ClosureReason.LEFT_AREA: 5,
    ClosureReason.NOT_SUITABLE: 3,
    ClosureReason.DEATH: 1,
    ClosureReason.FUNDING_ENDED: 4,
    ClosureReason.SECURITY: 2,
}
HISTORY_DAYS = 4 * 365  # cases opened over the last four years
# Timestamps the models fill in themselves; switched off while synthetic rows are written.
AUTO_TIMESTAMPS = [
    (Case, "opened_at"),
    (Case, "updated_at"),
    (StageChange, "at"),
    (Consent, "recorded_at"),
    (CaseNote, "created_at"),
    (Task, "created_at"),
]


@lru_cache(maxsize=50_000)
def derived_names(given: str, family: str, alternatives: str) -> tuple[str, tuple[str, ...]]:
    """Person.phonetic_name and the NameKey keys, exactly as the services compute them."""
    return phonetic_name(given, family), tuple(sorted(name_keys(given, family, alternatives)))


@contextmanager
def explicit_timestamps() -> Iterator[None]:
    saved = []
    for model, name in AUTO_TIMESTAMPS:
        f = model._meta.get_field(name)
        saved.append((f, f.auto_now, f.auto_now_add))
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def synthetic_case_managers(world: World) -> dict[int, list[User]]:
    """The demo case manager of each office plus synthetic colleagues (no usable password)."""
    result = {}
    demo_cm = {"DKR": "cm.dakar", "TBA": "cm.tamba", "BKO": "cm.bamako"}
    for office in world.offices:
        team = [world.users[demo_cm[office.code]]]
        for i in range(2, CASE_MANAGERS_PER_OFFICE[office.code] + 1):
            username = f"cm.{office.code.lower()}.{i:02d}"
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, first_name="Agent", last_name=f"{office.code} {i:02d}")
                user.set_unusable_password()
                user.save()
            Membership.objects.get_or_create(user=user, office=office, role=Role.CASE_MANAGER)
            team.append(user)
        result[office.pk] = team
    return result


@dataclass
class Batch:
    """Rows of one batch, linked by list position until the database gives ids."""

    households: list[Household] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    person_household: list[int] = field(default_factory=list)
    name_keys: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)
    phones: list[tuple[int, str]] = field(default_factory=list)
    documents: list[tuple[int, str, str, str]] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    case_person: list[int] = field(default_factory=list)


class SyntheticCases:
    def __init__(self, world: World, *, seed: int, now: datetime | None = None):
        self.world = world
        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)
        self.rng = random.Random(seed)
        self.teams = synthetic_case_managers(world)
        self.offices = [o for o in world.offices for _i in range(OFFICE_SHARES[o.code])]
        self.office_by_id = {o.pk: o for o in world.offices}
        self.stages = [s for s, w in STAGE_WEIGHTS.items() for _i in range(w)]
        self.reasons = list(CLOSURE_WEIGHTS)
        self.reason_weights = list(CLOSURE_WEIGHTS.values())
        self.pseudonyms = set(Person.objects.values_list("pseudonym", flat=True))
        self.hosts = list(data.HOST_COUNTRIES)
        self.host_weights = list(data.HOST_COUNTRIES.values())

    # --- people -----------------------------------------------------------------------------

    def _pseudonym(self) -> str:
        while True:
            value = "P-" + "".join(self.rng.choices(PSEUDONYM_ALPHABET, k=8))
            if value not in self.pseudonyms:
                self.pseudonyms.add(value)
                return value

    def _add_person(
        self, batch: Batch, household: int, *, sex: str, nationality: str, age: int, relationship: str, identified: bool
    ) -> int:
        r = self.rng
        givens = data.MALE_NAMES if sex == Sex.MALE else data.FEMALE_NAMES
        pool = nationality if r.random() < 0.85 else r.choice(list(data.FAMILY_NAMES))
        given, family = r.choice(givens), r.choice(data.FAMILY_NAMES[pool])
        alternatives = ""
        if identified and len(family) > 1 and r.random() < 0.35:
            alternatives = f"{r.choice(given)} {r.choice(family[1:])}"
        phonetic, keys = derived_names(given[0], family[0], alternatives)
        birth = self.today - timedelta(days=age * 365 + r.randint(0, 364))
        index = len(batch.persons)
        batch.persons.append(
            Person(
                pseudonym=self._pseudonym(),
                given_names=given[0],
                family_name=family[0],
                alternative_names=alternatives,
                sex=sex,
                birth_date=birth,
                nationality=nationality,
                languages=r.choice(data.LANGUAGES[nationality]),
                relationship=relationship,
                phonetic_name=phonetic,
            )
        )
        batch.person_household.append(household)
        batch.name_keys.append((index, keys))
        if identified:
            if r.random() < 0.9:
                prefix = {"SN": "+221 7", "ML": "+223 7", "GN": "+224 62", "GM": "+220 7"}[nationality]
                batch.phones.append((index, f"{prefix}{r.randint(0, 99_999_999):08d}"))
            if r.random() < 0.7:
                kind = r.choice(IdentityDocument.Kind.values[:3])
                batch.documents.append((index, kind, f"{r.choice('AB')}{r.randint(0, 99_999_999):08d}", nationality))
        return index

    # --- cases ------------------------------------------------------------------------------

    def _case(self, batch: Batch, office: Office) -> None:
        r = self.rng
        household = len(batch.households)
        batch.households.append(Household())
        nationality = office.country
        minor = r.random() < 0.04
        age = r.randint(15, 17) if minor else r.randint(19, 45)
        sex = Sex.MALE if r.random() < 0.84 else Sex.FEMALE
        returnee = self._add_person(
            batch,
            household,
            sex=sex,
            nationality=nationality,
            age=age,
            relationship=Relationship.RETURNEE,
            identified=True,
        )
        if not minor and r.random() < 0.3:
            other = Sex.FEMALE if sex == Sex.MALE else Sex.MALE
            self._add_person(
                batch,
                household,
                sex=other,
                nationality=nationality,
                age=max(18, age - r.randint(0, 8)),
                relationship=Relationship.SPOUSE,
                identified=False,
            )
            for _i in range(r.choice([0, 1, 2])):
                self._add_person(
                    batch,
                    household,
                    sex=r.choice([Sex.FEMALE, Sex.MALE]),
                    nationality=nationality,
                    age=r.randint(0, 12),
                    relationship=Relationship.CHILD,
                    identified=False,
                )
        stage = r.choice(self.stages)
        opened = self.now - timedelta(days=r.randint(0, HISTORY_DAYS), seconds=r.randint(0, 86_399))
        place = r.choice(data.PLACES[office.code])
        host = r.choices(self.hosts, weights=self.host_weights)[0]
        points = data.ARRIVAL_POINTS[office.country]
        team = self.teams[office.pk]
        assignee = None if r.random() < 0.08 else r.choice(team)
        case = Case(
            office_id=office.pk,
            programme_id=(self.world.programme_ml if office.country == "ML" else self.world.programme_sn).pk,
            stage=stage,
            assigned_to_id=assignee.pk if assignee else None,
            is_child=minor,
            return_type=r.choices(list(ReturnType), weights=[82, 8, 7, 3])[0],
            host_country=host,
            arrival_date=(opened - timedelta(days=r.randint(0, 10))).date(),
            arrival_point=points.get(host) or (points["land"] if host in data.LAND_HOSTS else points["air"]),
            return_country=office.country,
            return_region=place.region,
            return_district=r.choice(place.districts),
            return_locality=f"Quartier {r.choice(data.QUARTERS)}, maison n° {r.randint(1, 250)}",
            opened_at=opened,
            updated_at=opened,
        )
        if stage == Stage.CLOSED:
            reason = r.choices(self.reasons, weights=self.reason_weights)[0]
            case.closed_at = min(self.now, opened + timedelta(days=r.randint(30, 540)))
            case.closure_reason, case.closure_group = reason, CLOSURE_REASON_GROUPS[reason]
            case.stage_before_closure = r.choice(OPEN_ORDER[1:])
            case.remigration_intention = True if reason == ClosureReason.REMIGRATED else None
            case.updated_at = case.closed_at
        batch.cases.append(case)
        batch.case_person.append(returnee)

    def _numbers(self, cases: list[Case]) -> None:
        """Reserve a block of numbers per (office, year) and hand them out in order."""
        groups: dict[tuple[int, int], list[Case]] = {}
        for case in cases:
            groups.setdefault((case.office_id, case.opened_at.year), []).append(case)
        for (office_id, year), members in sorted(groups.items()):
            sequence, _c = CaseNumberSequence.objects.select_for_update().get_or_create(office_id=office_id, year=year)
            start = sequence.last_value
            sequence.last_value = start + len(members)
            sequence.save(update_fields=["last_value"])
            office = self.office_by_id[office_id]
            for offset, case in enumerate(members, start=1):
                case.number = f"{office.country}-{office.code}-{year}-{start + offset:06d}"

    # --- what happened in each case ------------------------------------------------------

    def _history(self, cases: list[Case]) -> tuple[list, list, list, list]:
        r = self.rng
        changes, consents, tasks, notes = [], [], [], []
        for case in cases:
            actor = case.assigned_to_id or self.teams[case.office_id][0].pk
            opened = case.opened_at
            changes.append(
                StageChange(case_id=case.pk, from_stage="", to_stage=Stage.INTAKE, actor_id=actor, at=opened)
            )
            day = opened.date()
            refused = case.stage == Stage.INTAKE and r.random() < 0.08
            consents.append(
                Consent(
                    case_id=case.pk,
                    purpose=ConsentPurpose.PROCESSING,
                    status=ConsentStatus.REFUSED if refused else ConsentStatus.GIVEN,
                    decided_on=day,
                    method=ConsentMethod.VERBAL_WITNESSED,
                    witness_name=r.choice(data.WITNESSES),
                    recorded_by_id=actor,
                    recorded_at=opened,
                )
            )
            if not refused and r.random() < 0.7:
                withdrawn = r.random() < 0.05
                consents.append(
                    Consent(
                        case_id=case.pk,
                        purpose=ConsentPurpose.MONITORING,
                        status=ConsentStatus.WITHDRAWN if withdrawn else ConsentStatus.GIVEN,
                        decided_on=day,
                        method=ConsentMethod.VERBAL_WITNESSED,
                        witness_name=r.choice(data.WITNESSES),
                        recorded_by_id=actor,
                        recorded_at=opened,
                    )
                )
            if case.stage != Stage.INTAKE:
                changes.append(
                    StageChange(
                        case_id=case.pk,
                        from_stage=case.stage_before_closure or Stage.INTAKE,
                        to_stage=case.stage,
                        actor_id=actor,
                        at=case.updated_at,
                    )
                )
            if r.random() < 0.5:
                text = r.choice(data.NOTES_PLANNING + data.NOTES_FOLLOW_UP).format(
                    e="",
                    host_from="d'exil",
                    host_in="en exil",
                    district=case.return_district,
                    sector=r.choice(data.SECTORS),
                    debt="500 000",
                )
                notes.append(
                    CaseNote(
                        case_id=case.pk,
                        session_date=min(self.today, day + timedelta(days=r.randint(0, 60))),
                        text=text,
                        author_id=actor,
                        created_at=opened,
                    )
                )
            if case.stage == Stage.CLOSED:
                continue
            overdue = r.random() < 0.3
            due = self.today + timedelta(days=-r.randint(1, 30) if overdue else r.randint(1, 45))
            tasks.append(
                Task(
                    case_id=case.pk,
                    title=r.choice(data.TASKS_OPEN),
                    due_date=due,
                    assignee_id=case.assigned_to_id,
                    created_by_id=actor,
                    created_at=opened,
                )
            )
        return changes, consents, tasks, notes

    # --- writing ------------------------------------------------------------------------------

    def write_batch(self, size: int) -> None:
        batch = Batch()
        for _i in range(size):
            self._case(batch, self.rng.choice(self.offices))
        with transaction.atomic(), explicit_timestamps():
            Household.objects.bulk_create(batch.households)
            for person, household in zip(batch.persons, batch.person_household, strict=True):
                person.household_id = batch.households[household].pk
            Person.objects.bulk_create(batch.persons)
            ids = [p.pk for p in batch.persons]
            NameKey.objects.bulk_create(
                [NameKey(person_id=ids[i], key=key) for i, keys in batch.name_keys for key in keys]
            )
            Phone.objects.bulk_create([Phone(person_id=ids[i], number=n, tail=phone_tail(n)) for i, n in batch.phones])
            IdentityDocument.objects.bulk_create(
                [
                    IdentityDocument(
                        person_id=ids[i],
                        kind=kind,
                        number=number,
                        normalised=normalise_document(number),
                        issuing_country=country,
                    )
                    for i, kind, number, country in batch.documents
                ]
            )
            for case, person in zip(batch.cases, batch.case_person, strict=True):
                case.person_id = ids[person]
            self._numbers(batch.cases)
            Case.objects.bulk_create(batch.cases)
            changes, consents, tasks, notes = self._history(batch.cases)
            StageChange.objects.bulk_create(changes)
            Consent.objects.bulk_create(consents)
            Task.objects.bulk_create(tasks)
            CaseNote.objects.bulk_create(notes)

    def run(self, count: int, batch_size: int, progress=None) -> None:
        done = 0
        while done < count:
            size = min(batch_size, count - done)
            self.write_batch(size)
            done += size
            if progress:
                progress(done)
