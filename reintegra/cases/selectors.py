"""Scoped reads of case data. Views and API endpoints read cases only through these."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from rapidfuzz import fuzz

from reintegra.accounts.access import Access, access_for
from reintegra.cases.models import (
    Case,
    Consent,
    ConsentPurpose,
    ConsentStatus,
    IdentityDocument,
    NameKey,
    Person,
    Phone,
    Stage,
    Task,
)
from reintegra.lib.names import name_keys, normalise_document, phone_tail, phonetic_name

CASE_NUMBER_HINT = "-"


def cases_for(user) -> QuerySet[Case]:
    """Every case the user may see (pseudonymised or not)."""
    return Case.objects.filter(access_for(user).case_filter())


def case_for(user, number: str) -> Case:
    """One case by number, or 404 when it does not exist or is outside the user's scope."""
    case = cases_for(user).select_related("person", "office", "programme", "assigned_to").filter(number=number).first()
    if case is None:
        raise Http404
    return case


def overdue_tasks_exist():
    return Exists(Task.objects.filter(case=OuterRef("pk"), status=Task.Status.OPEN, due_date__lt=timezone.localdate()))


def search_cases(qs: QuerySet[Case], access: Access, text: str) -> QuerySet[Case]:
    """Tolerant search: case number, phone (last 8 digits) or name (phonetic keys, all must match).

    Names and phones are searched only in offices where the user may see identities, so a
    pseudonymised role cannot find a person by name; it can search by pseudonym.
    """
    text = (text or "").strip()
    if not text:
        return qs
    if text.upper().startswith("P-"):
        return qs.filter(person__pseudonym=text.upper())
    if CASE_NUMBER_HINT in text and any(ch.isdigit() for ch in text):
        return qs.filter(number__icontains=text.upper())
    identified = qs.filter(office_id__in=access.identifying)
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 6 and len(digits) >= len(text.replace(" ", "").replace("+", "")) - 1:
        tail = phone_tail(digits)
        # Eight digits or more: an exact, indexed match on the stored tail; fewer: a suffix scan.
        phones = Phone.objects.filter(tail=tail) if len(tail) == 8 else Phone.objects.filter(tail__endswith=tail)
        return identified.filter(person__in=phones.values("person"))
    keys = name_keys(text)
    if not keys:
        return qs.none()
    for key in keys:
        identified = identified.filter(person__in=NameKey.objects.filter(key=key).values("person"))
    return identified


def caseload(
    user, *, stage: str = "", office_id: int | None = None, overdue: bool = False, text: str = "", mine: bool = False
) -> QuerySet[Case]:
    access = access_for(user)
    qs = cases_for(user)
    if stage:
        qs = qs.filter(stage=stage)
    elif not text:
        qs = qs.exclude(stage=Stage.CLOSED)
    if office_id:
        qs = qs.filter(office_id=office_id)
    if mine:
        qs = qs.filter(assigned_to=user)
    if overdue:
        # IN over the (status, due_date) index: cheaper than a correlated EXISTS per case row.
        late = Task.objects.filter(status=Task.Status.OPEN, due_date__lt=timezone.localdate()).values("case_id")
        qs = qs.filter(pk__in=late)
    qs = search_cases(qs, access, text)
    return (
        qs.select_related("person", "office", "assigned_to").annotate(has_overdue=overdue_tasks_exist()).order_by("-id")
    )


def current_consents(case: Case) -> dict[str, Consent | None]:
    """The consent decision in force per purpose (latest recorded), None when never asked."""
    latest: dict[str, Consent | None] = dict.fromkeys(ConsentPurpose.values)
    for consent in case.consents.select_related("recorded_by").order_by("purpose", "-id"):
        if latest.get(consent.purpose) is None:
            latest[consent.purpose] = consent
    return latest


def consent_given(case: Case, purpose: str) -> bool:
    consent = case.consents.filter(purpose=purpose).order_by("-id").first()
    return consent is not None and consent.status == ConsentStatus.GIVEN


def tasks_overdue_for(user, today: date | None = None) -> QuerySet[Task]:
    today = today or timezone.localdate()
    return (
        Task.objects.filter(case__in=cases_for(user).values("pk"), status=Task.Status.OPEN, due_date__lt=today)
        .filter(Q(assignee=user) | Q(assignee__isnull=True))
        .select_related("case", "case__person", "case__office", "assignee")
        .order_by("due_date", "id")
    )


@dataclass
class DuplicateCandidate:
    person: Person
    score: int
    reasons: list[str] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)


def duplicate_candidates(
    user,
    *,
    given_names: str,
    family_name: str,
    alternative_names: str = "",
    birth_date: date | None = None,
    phones: list[str] = (),
    documents: list[str] = (),
    limit: int = 10,
) -> list[DuplicateCandidate]:
    """Persons who may be the one being registered, best first.

    Looks only among persons with a case the user may identify (others stay invisible,
    DESIGN.md §3). Candidates come from indexed blocks (same document, same phone, a shared
    phonetic name key, same date of birth) and are ranked by a fuzzy name ratio plus
    agreement on date of birth.
    """
    from django.utils.translation import gettext as _

    access = access_for(user)
    visible_people = Case.objects.filter(access.case_filter(), office_id__in=access.identifying).values("person")
    doc_norms = [n for n in (normalise_document(d) for d in documents) if len(n) >= 4]
    tails = [t for t in (phone_tail(p) for p in phones) if len(t) >= 6]
    keys = name_keys(given_names, family_name, alternative_names)
    # Each block is one indexed lookup; OR-ing joins instead would defeat the indexes.
    blocks = []
    if doc_norms:
        blocks.append(IdentityDocument.objects.filter(normalised__in=doc_norms).values_list("person_id", flat=True))
    if tails:
        blocks.append(Phone.objects.filter(tail__in=tails).values_list("person_id", flat=True))
    if keys:
        by_key = NameKey.objects.filter(key__in=keys)
        if birth_date:
            by_key = by_key.filter(
                person__birth_date__gte=date(birth_date.year - 2, 1, 1),
                person__birth_date__lte=date(birth_date.year + 2, 12, 31),
            )
        blocks.append(by_key.values_list("person_id", flat=True))
    if birth_date:
        blocks.append(Person.objects.filter(birth_date=birth_date).values_list("pk", flat=True))
    candidate_ids: set[int] = set()
    for block in blocks:
        candidate_ids.update(block[:2000])
    people = (
        Person.objects.filter(pk__in=candidate_ids)
        .filter(pk__in=visible_people)
        .prefetch_related("phones", "documents")
    )
    wanted = phonetic_name(given_names, family_name)
    alternatives = [phonetic_name(a) for a in alternative_names.split(",") if a.strip()]
    results = []
    for person in people:
        reasons = []
        score = 0
        theirs = [person.phonetic_name] + [phonetic_name(a) for a in person.alternative_names.split(",") if a.strip()]
        name_score = max(fuzz.token_sort_ratio(a, b) for a in [wanted, *alternatives] for b in theirs)
        if name_score >= 80:
            reasons.append(_("similar name"))
        score += name_score * 0.6
        if birth_date and person.birth_date:
            if person.birth_date == birth_date:
                score += 30
                reasons.append(_("same date of birth"))
            elif person.birth_date.year == birth_date.year:
                score += 20
                reasons.append(_("same year of birth"))
            elif abs(person.birth_date.year - birth_date.year) <= 2:
                score += 8
        same_identifier = False
        if tails and any(p.tail in tails for p in person.phones.all()):
            score += 40
            same_identifier = True
            reasons.append(_("same phone number"))
        if doc_norms and any(d.normalised in doc_norms for d in person.documents.all()):
            score += 60
            same_identifier = True
            reasons.append(_("same document number"))
        if score >= 65 or name_score >= 85 or same_identifier:
            results.append(DuplicateCandidate(person=person, score=min(100, round(score)), reasons=reasons))
    results.sort(key=lambda c: -c.score)
    results = results[:limit]
    cases = cases_for(user).filter(person__in=[c.person for c in results]).select_related("office").order_by("-id")
    by_person: dict[int, list[Case]] = {}
    for case in cases:
        by_person.setdefault(case.person_id, []).append(case)
    for candidate in results:
        candidate.cases = by_person.get(candidate.person.pk, [])
    return results


def persons_for(user) -> QuerySet[Person]:
    """Persons the user may see: those with a visible case, and members of their households."""
    case_people = cases_for(user).values("person")
    households = Person.objects.filter(pk__in=case_people, household__isnull=False).values("household")
    return Person.objects.filter(Q(pk__in=case_people) | Q(household__in=households))
