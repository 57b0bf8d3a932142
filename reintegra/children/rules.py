"""The handbook's rule (children.md §1): a child returns only if return was determined to be in their
best interests. Registered into `cases.services.TRANSFER_CHECKS` by ChildrenConfig.ready()."""

from django.utils.translation import gettext as _

from reintegra.children.models import Solution
from reintegra.children.selectors import latest_case_determination


def is_return_transfer(case, to_office) -> bool:
    """Host → origin: from an office outside the country of return to an office in it."""
    origin = case.return_country
    return bool(origin) and case.office.country != origin and to_office.country == origin


def return_needs_determination(case, to_office) -> str | None:
    if not case.is_child or not is_return_transfer(case, to_office):
        return None
    determination = latest_case_determination(case)
    if determination is None or determination.decision != Solution.RETURN:
        return _(
            "A child's case can be transferred to the country of return only after a best-interests "
            "determination decided return and reintegration."
        )
    return None
