"""The "Best interests" tab of a child's case file: status and decision, with a link to the procedure."""

from reintegra.children.selectors import FULL, bip_level, current_determination, current_procedure


def may_see_tab(user, case) -> bool:
    return bip_level(user, case) is not None


def best_interests_tab(request, case, identify) -> dict:
    level = bip_level(request.user, case)
    procedure = current_procedure(case) if level else None
    return {
        "bip_full": level == FULL,
        "bip_procedure": procedure,
        "bip_determination": current_determination(procedure),
    }
