"""The "Referrals" tab of the case file: the case's referrals and what may be referred next."""

from django.utils import timezone

from reintegra.cases.models import ConsentPurpose, Stage
from reintegra.cases.selectors import consent_given
from reintegra.referrals.access import may_override_consent, may_refer
from reintegra.referrals.selectors import case_referrals, referral_activities


def referrals_tab(request, case, identify) -> dict:
    referrals = case_referrals(case)
    today = timezone.localdate()
    for referral in referrals:
        referral.overdue = referral.is_overdue(today)
    may_send = may_refer(request.user, case) and case.stage != Stage.CLOSED
    open_lineages = {r.activity.lineage for r in referrals if r.activity_id and r.is_open}
    return {
        "referrals": referrals,
        "may_send_referral": may_send,
        "referral_activities": [a for a in referral_activities(case) if a.lineage not in open_lineages]
        if may_send
        else [],
        "sharing_consent": consent_given(case, ConsentPurpose.SHARING),
        "may_override": may_override_consent(request.user),
    }
