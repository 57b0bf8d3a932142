"""Every write at community level: keyword-only, atomic, validated, audited in the same transaction.

The HTML views call these and nothing else (the API is read-only).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from reintegra.accounts.models import Office, Programme, User
from reintegra.audit.models import AuditEvent
from reintegra.audit.services import audit_record, diff_fields, snapshot
from reintegra.community.access import require_editor
from reintegra.community.models import (
    Community,
    CommunityProfile,
    CommunityProject,
    Criterion,
    CriterionRating,
    Employment,
    Participant,
    Rating,
)
from reintegra.community.selectors import find_case

COMMUNITY_FIELDS = ["name", "country", "region", "district", "locality", "social_group", "description"]
PROFILE_TEXTS = ["needs_resources", "drivers", "barriers", "resilience", "initiatives"]
PROJECT_FIELDS = [
    "programme",
    "title",
    "approach",
    "dimension",
    "sector",
    "employment",
    "value_chain",
    "partners",
    "budget",
    "local_ownership",
    "description",
    "status",
    "start_date",
    "end_date",
]


@dataclass
class CommunityInput:
    name: str
    country: str = ""
    region: str = ""
    district: str = ""
    locality: str = ""
    social_group: str = ""
    description: str = ""


@dataclass
class ProfileInput:
    profiled_on: date
    ratings: dict[int, tuple[str, str]] = field(default_factory=dict)  # criterion -> (rating, note)
    needs_resources: str = ""
    drivers: str = ""
    barriers: str = ""
    resilience: str = ""
    initiatives: str = ""


@dataclass
class ProjectInput:
    programme: Programme
    title: str
    approach: str
    dimension: str
    status: str = CommunityProject.Status.PLANNED
    sector: str = ""
    employment: str = ""
    value_chain: str = ""
    partners: str = ""
    budget: Decimal | None = None
    local_ownership: str = ""
    description: str = ""
    start_date: date | None = None
    end_date: date | None = None


def _check_place(data: CommunityInput) -> None:
    if (data.region or data.district or data.locality) and not data.country:
        raise ValidationError({"country": _("Enter the country of this place.")})


@transaction.atomic
def community_save(
    *, actor: User, office: Office | None = None, community: Community | None = None, data: CommunityInput
) -> Community:
    """Create a community in `office`, or change `community`; audited as community.saved."""
    target = community or Community(office=office)
    require_editor(actor, target.office_id)
    _check_place(data)
    before = snapshot(target, COMMUNITY_FIELDS) if community else {}
    for name in COMMUNITY_FIELDS:
        setattr(target, name, getattr(data, name).strip() if name != "country" else data.country.strip().upper())
    target.full_clean()
    target.save()
    changes = diff_fields(target, before, COMMUNITY_FIELDS)
    if community and not changes:
        return target
    audit_record(
        actor=actor, event_type=AuditEvent.Type.COMMUNITY_SAVED, subject=target, office=target.office, changes=changes
    )
    return target


@transaction.atomic
def profile_create(*, actor: User, community: Community, data: ProfileInput) -> CommunityProfile:
    """A new dated profile; it becomes current, the older ones stay as they were."""
    require_editor(actor, community.office_id)
    missing = [c for c in Criterion.values if c not in data.ratings or data.ratings[c][0] not in Rating.values]
    if missing:
        raise ValidationError({NON_FIELD_ERRORS: _("Rate each of the seven criteria: met, partly met or not met.")})
    profile = CommunityProfile(community=community, profiled_on=data.profiled_on, recorded_by=actor)
    for name in PROFILE_TEXTS:
        setattr(profile, name, getattr(data, name).strip())
    profile.full_clean()
    profile.save()
    CriterionRating.objects.bulk_create(
        CriterionRating(profile=profile, criterion=c, rating=data.ratings[c][0], note=data.ratings[c][1].strip())
        for c in Criterion.values
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.COMMUNITY_PROFILE_SAVED,
        subject=profile,
        office=community.office,
        changes={"community": community.pk, "profiled_on": data.profiled_on},
    )
    return profile


def _check_project(community: Community, data: ProjectInput) -> None:
    errors = {}
    if not data.programme.offices.filter(pk=community.office_id).exists():
        errors["programme"] = _("This programme does not run in the community's office.")
    if data.employment and data.dimension != "economic":
        errors["employment"] = _("Employment or self-employment applies to economic projects only.")
    if data.employment and data.employment not in Employment.values:
        errors["employment"] = _("Choose employment, self-employment or both.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def project_save(
    *, actor: User, community: Community | None = None, project: CommunityProject | None = None, data: ProjectInput
) -> CommunityProject:
    """Create a project in `community`, or change `project`; audited as community.project_saved."""
    target = project or CommunityProject(community=community)
    require_editor(actor, target.community.office_id)
    _check_project(target.community, data)
    before = snapshot(target, PROJECT_FIELDS) if project else {}
    for name in PROJECT_FIELDS:
        value = getattr(data, name)
        setattr(target, name, value.strip() if isinstance(value, str) else value)
    target.full_clean()
    target.save()
    changes = diff_fields(target, before, PROJECT_FIELDS)
    if project and not changes:
        return target
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.COMMUNITY_PROJECT_SAVED,
        subject=target,
        office=target.community.office,
        changes=changes,
    )
    return target


@transaction.atomic
def returnee_add(*, actor: User, project: CommunityProject, case_number: str) -> Participant:
    """Add a returnee by case number, among the cases the actor may see."""
    require_editor(actor, project.community.office_id)
    case = find_case(actor, case_number)
    if case is None:
        raise ValidationError({"case_number": _("No case with this number is in your caseload.")})
    if project.participants.filter(case=case).exists():
        raise ValidationError({"case_number": _("This returnee already takes part in the project.")})
    participant = Participant.objects.create(project=project, case=case, added_by=actor)
    _audit_participant(actor, AuditEvent.Type.COMMUNITY_PARTICIPANT_ADDED, participant)
    return participant


@transaction.atomic
def returnee_join(*, actor: User, project: CommunityProject, case) -> Participant | None:
    """Make the case's returnee a participant of the project unless they already are (a plan activity of
    level community names the project). Returns the new participant, or None when nothing changed."""
    require_editor(actor, project.community.office_id)
    if find_case(actor, case.number) is None:
        raise ValidationError({"community_project": _("No case with this number is in your caseload.")})
    if project.participants.filter(case=case).exists():
        return None
    participant = Participant.objects.create(project=project, case=case, added_by=actor)
    _audit_participant(actor, AuditEvent.Type.COMMUNITY_PARTICIPANT_ADDED, participant, via="plan_activity")
    return participant


@transaction.atomic
def resident_add(
    *, actor: User, project: CommunityProject, label: str, sex: str = "", age_group: str = ""
) -> Participant:
    """Add a non-migrant resident as a light record without a case."""
    require_editor(actor, project.community.office_id)
    participant = Participant(project=project, label=label.strip(), sex=sex, age_group=age_group, added_by=actor)
    if not participant.label:
        raise ValidationError({"label": _("Enter the resident's name or initials.")})
    participant.full_clean()
    participant.save()
    _audit_participant(actor, AuditEvent.Type.COMMUNITY_PARTICIPANT_ADDED, participant)
    return participant


@transaction.atomic
def participant_remove(*, actor: User, participant: Participant) -> None:
    require_editor(actor, participant.project.community.office_id)
    _audit_participant(actor, AuditEvent.Type.COMMUNITY_PARTICIPANT_REMOVED, participant)
    participant.delete()


def _audit_participant(actor: User, event_type: str, participant: Participant, **extra) -> None:
    # Residents' names stay out of the audit trail, which M&E-style readers may consult by office.
    changes = {"project": participant.project_id, "kind": "returnee" if participant.is_returnee else "resident"}
    changes.update(extra)
    audit_record(
        actor=actor,
        event_type=event_type,
        subject=participant,
        office=participant.project.community.office,
        case=participant.case,
        changes=changes,
    )
