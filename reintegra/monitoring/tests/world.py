"""Set-up shared by the monitoring stories: programme cases with arrival dates, consents, responses, rules."""

from datetime import date

from reintegra.cases.models import Case, ConsentMethod, ConsentPurpose, ConsentStatus, Stage
from reintegra.cases.services import consent_record
from reintegra.instruments.models import Response
from reintegra.instruments.selectors import current_version
from reintegra.monitoring.models import MonitoringRule
from reintegra.monitoring.selectors import default_instrument


def programme_case(
    cast, office=None, *, arrival=date(2026, 1, 10), stage=Stage.IMPLEMENTATION, monitoring=True, **kwargs
) -> Case:
    """A case of the Senegal programme; monitoring consent given unless `monitoring` is False or a status."""
    office = office or cast.dakar
    case = cast.case(office, **kwargs)
    Case.objects.filter(pk=case.pk).update(programme=cast.programme, arrival_date=arrival, stage=stage)
    case.refresh_from_db()
    if monitoring is True:
        monitor(cast, case, ConsentStatus.GIVEN)
    elif monitoring:
        monitor(cast, case, ConsentStatus.GIVEN)
        monitor(cast, case, monitoring)
    return case


def monitor(cast, case, status, on=date(2026, 1, 6)):
    actor = cast.sup_dakar if case.office_id in (cast.dakar.pk, cast.tamba.pk) else cast.sup_bamako
    return consent_record(
        actor=actor,
        case=case,
        purpose=ConsentPurpose.MONITORING,
        status=status,
        decided_on=on,
        method=ConsentMethod.VERBAL_WITNESSED,
        witness_name="Fatou Sarr",
    )


def respond(cast, case, occasion, number=0, *, on=date(2026, 2, 1), status=Response.Status.SUBMITTED, code="rss"):
    return Response.objects.create(
        case=case,
        instrument_version=current_version(code),
        occasion=occasion,
        occasion_number=number,
        interview_date=on,
        status=status,
        created_by=cast.cm_dakar,
    )


def rule(cast, occasion="follow_up", number=1, **fields) -> MonitoringRule:
    defaults = {
        "kind": MonitoringRule.Kind.TIMED,
        "anchor": MonitoringRule.Anchor.ARRIVAL,
        "offset": 6,
        "unit": MonitoringRule.Unit.MONTHS,
        "window_before": 14,
        "window_after": 30,
    }
    if fields.get("kind") == MonitoringRule.Kind.BEFORE_PLAN:
        defaults |= {"anchor": "", "offset": 0}
    return MonitoringRule.objects.create(
        programme=cast.programme,
        instrument=default_instrument(),
        occasion=occasion,
        occasion_number=number if occasion == "follow_up" else 0,
        created_by=cast.pm_dakar,
        **(defaults | fields),
    )
