"""The "Assessments" tab of the case file: responses with their flags, and the form to start one."""

from django.utils.translation import get_language

from reintegra.cases.models import Stage
from reintegra.instruments.case_scores import score_card
from reintegra.instruments.forms import StartForm
from reintegra.instruments.models import Flag
from reintegra.instruments.selectors import case_responses, may_see_answers, user_access


def assessments_tab(request, case, identify) -> dict:
    access = user_access(request.user)
    responses = case_responses(case)
    suggested = []
    for response in responses:
        response.answers_visible = may_see_answers(access, response)
        response.visible_flags = list(response.flags.all()) if response.answers_visible else []
        suggested += [f for f in response.visible_flags if f.status == Flag.Status.SUGGESTED]
    writable = access.may_work_on(case.office_id) and case.stage != Stage.CLOSED
    language = (get_language() or "en")[:2]
    return {
        "responses": responses,
        "suggested_flags": suggested,
        "start_form": StartForm() if writable else None,
        "language": language,
        **score_card(access, case, responses, language),
    }
