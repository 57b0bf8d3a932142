"""Who may do what with referrals.

- Staff who see a case see its referrals (through `cases_for`); the package as sent (names...) only
  where they may identify (`access.may_identify`), like the case file.
- The referring office works on them (`access.may_work_on`): sends, marks "no response", cancels.
- Partner users (a PartnerProfile and the partner role, see `reintegra.directory.access`) see only
  the referrals addressed to their organisation, only the package, and answer them.
- Only a user flagged as a mental-health professional may send without the sharing consent.
"""

from reintegra.accounts.access import access_for
from reintegra.directory.access import directory_access


def partner_organisation_id(user) -> int | None:
    """The organisation a partner user answers for; None for everyone else (staff included)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return directory_access(user).partner_organisation_id


def may_refer(user, case) -> bool:
    return access_for(user).may_work_on(case.office_id)


def may_read_package(user, referral) -> bool:
    """The package holds identities: the referring side where it may identify, or the addressed partner."""
    if partner_organisation_id(user) == referral.organisation_id:
        return True
    return access_for(user).may_identify(referral.case.office_id)


def may_override_consent(user) -> bool:
    return bool(getattr(user, "is_mental_health_professional", False) and user.is_active)
