"""Demo referrals: one in each status, from Dakar cases to partner.dakar's organisation.

Called by the demo loader after the returnees and the directory exist (see `seed_demo`); safe to
call again (does nothing when referrals exist). Everything goes through the services; only the
dates of the two late examples are moved back afterwards, since the demo cannot wait for a deadline.
"""

from datetime import timedelta

from django.utils import timezone

from reintegra.cases.models import Case, ConsentMethod, ConsentPurpose, ConsentStatus, Stage
from reintegra.cases.services import consent_record
from reintegra.directory.models import PartnerProfile
from reintegra.referrals import services
from reintegra.referrals.models import Referral, ReferralEvent, Status

NEEDS = [
    "Formation en couture pour ouvrir un atelier à Pikine.",
    "Accompagnement psychosocial après un retour difficile.",
    "Appui à la recherche d'emploi dans la mécanique.",
    "Formation en gestion d'une petite entreprise.",
    "Soutien psychosocial individuel, sommeil perturbé depuis le retour.",
    "Orientation vers un apprentissage en électricité.",
    "Appui au montage d'un dossier de microcrédit.",
    "Écoute et conseil pour la famille.",
]
# (final status, notes of the partner's steps)
STORIES = [
    (Status.SENT, []),
    ("late", []),
    (Status.ACCEPTED, ["Rendez-vous fixé mardi prochain."]),
    (Status.DECLINED, ["La session de formation est complète jusqu'en juin."]),
    (Status.IN_PROGRESS, ["Premier entretien fait.", "Inscrite à la session d'avril."]),
    (Status.COMPLETED, ["Accueillie.", "Formation suivie à 90 %.", "Formation terminée, attestation remise."]),
    (Status.NO_RESPONSE, []),
    (Status.CANCELLED, []),
]


def _backdate(referral: Referral, days: int) -> None:
    """Move a fresh referral's dates back (demo only): its deadline has passed."""
    sent_at = referral.sent_at - timedelta(days=days)
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=sent_at, last_event_at=sent_at, response_due=timezone.localdate() - timedelta(days=2)
    )
    ReferralEvent.objects.filter(referral=referral).update(at=sent_at)
    referral.refresh_from_db()


def _walk(referral: Referral, status: str, notes: list[str], partner, office_user) -> None:
    if status == "late":
        _backdate(referral, 20)
    elif status == Status.NO_RESPONSE:
        _backdate(referral, 20)
        services.referral_mark_no_response(actor=office_user, referral=referral, note="Trois appels sans réponse.")
    elif status == Status.CANCELLED:
        services.referral_cancel(actor=office_user, referral=referral, reason="Le bénéficiaire a déménagé à Thiès.")
    elif status == Status.DECLINED:
        services.referral_decline(actor=partner, referral=referral, reason=notes[0])
    elif status != Status.SENT:
        services.referral_accept(actor=partner, referral=referral, note=notes[0])
        for note in notes[1:-1] if status == Status.COMPLETED else notes[1:]:
            services.referral_update(actor=partner, referral=referral, note=note)
        if status == Status.COMPLETED:
            services.referral_complete(actor=partner, referral=referral, feedback=notes[-1])


def seed_referrals(world) -> int:
    """Referrals in each status; returns how many were created (0 when some exist already)."""
    if Referral.objects.exists():
        return 0
    partner = world.users["partner.dakar"]
    profile = PartnerProfile.objects.filter(user=partner).select_related("organisation").first()
    office_user = world.users["sup.dakar"]
    if profile is None:
        return 0
    provided = list(profile.organisation.services.filter(active=True).order_by("pk"))
    cases = list(
        Case.objects.filter(office=world.dakar, is_child=False, stage__in=[Stage.PLANNING, Stage.IMPLEMENTATION])
        .filter(consents__purpose=ConsentPurpose.PROCESSING, consents__status=ConsentStatus.GIVEN)
        .distinct()
        .order_by("pk")[: len(STORIES)]
    )
    if not provided or not cases:
        return 0
    today = timezone.localdate()
    for index, (case, (status, notes)) in enumerate(zip(cases, STORIES, strict=False)):
        consent_record(
            actor=office_user,
            case=case,
            purpose=ConsentPurpose.SHARING,
            status=ConsentStatus.GIVEN,
            decided_on=today - timedelta(days=30),
            method=ConsentMethod.VERBAL_WITNESSED,
            witness_name="Ndèye Diouf",
        )
        referral = services.referral_send(
            actor=office_user,
            case=case,
            data=services.ReferralInput(
                service=provided[index % len(provided)],
                need_summary=NEEDS[index % len(NEEDS)],
                shared_fields=["name", "phone", "need_summary", "age", "place"],
            ),
        )
        _walk(referral, status, notes, partner, office_user)
    return min(len(cases), len(STORIES))
