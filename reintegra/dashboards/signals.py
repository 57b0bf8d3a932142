"""Keep the facts current: writes to case data mark their case; the facts move when the transaction commits.

Signals are used here (not calls from each service) because the facts are a derived cache, like a
database index, not a business action: every path that saves a case, plan, activity, payment,
task, response or score through the ORM keeps them current without the services knowing about
dashboards. Bulk writes that bypass `save()` (`bulk_create`, `QuerySet.update`) are not seen: the
seeding commands run `refresh_facts` afterwards, and re-scoring or a change of the default
profile or of exchange rates marks the facts stale (the page says so) until `refresh_facts` runs.
Refreshing is idempotent (facts are recomputed from the data), so refreshing a case twice is harmless.
"""

import logging
import threading

from django.db import transaction
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)
_pending = threading.local()


def mark_case(case_id: int | None) -> None:
    if not case_id:
        return
    ids = getattr(_pending, "ids", None)
    if ids is None:
        ids = _pending.ids = set()
    ids.add(case_id)
    transaction.on_commit(flush)


def flush() -> None:
    """Refresh every marked case (later callbacks of the same transaction find nothing left)."""
    ids = getattr(_pending, "ids", None)
    if not ids:
        return
    _pending.ids = set()
    from reintegra.dashboards.facts import mark_stale, refresh_cases

    try:
        refresh_cases(ids)
    except Exception:  # a failed refresh must never fail the user's write, which is committed
        logger.exception("dashboard facts: refreshing cases %s failed", sorted(ids)[:20])
        mark_stale("refresh failed")


def _case(sender, instance, **kwargs) -> None:
    mark_case(instance.pk)


def _person(sender, instance, **kwargs) -> None:
    for case_id in instance.cases.values_list("pk", flat=True):
        mark_case(case_id)


def _by_case_id(sender, instance, **kwargs) -> None:
    mark_case(instance.case_id)


def _activity(sender, instance, **kwargs) -> None:
    from reintegra.plans.models import Plan

    mark_case(Plan.objects.filter(pk=instance.plan_id).values_list("case_id", flat=True).first())


def _disbursement(sender, instance, **kwargs) -> None:
    from reintegra.plans.models import Activity

    mark_case(Activity.objects.filter(pk=instance.activity_id).values_list("plan__case_id", flat=True).first())


def _stale(reason: str):
    def handler(sender, instance, **kwargs) -> None:
        from reintegra.dashboards.facts import mark_stale

        transaction.on_commit(lambda: mark_stale(reason))

    return handler


def _audit(sender, instance, created=False, **kwargs) -> None:
    from reintegra.audit.models import AuditEvent

    if created and instance.event_type in (AuditEvent.Type.PROFILE_DEFAULT_SET, AuditEvent.Type.SCORES_COMPUTED):
        _stale(instance.event_type)(sender, instance)


def connect() -> None:
    from reintegra.audit.models import AuditEvent
    from reintegra.cases.models import Case, Consent, Person, Task
    from reintegra.instruments.models import Response
    from reintegra.plans.models import Activity, Disbursement, ExchangeRate, Plan, PlanDelayException
    from reintegra.scoring.models import Score

    handlers = [
        (Case, _case),
        (Person, _person),
        (Plan, _by_case_id),
        (PlanDelayException, _by_case_id),
        (Task, _by_case_id),
        (Consent, _by_case_id),  # withdrawing monitoring consent cancels follow-up tasks with update()
        (Response, _by_case_id),
        (Score, _by_case_id),
        (Activity, _activity),
        (Disbursement, _disbursement),
        (ExchangeRate, _stale("exchange rates changed")),
    ]
    for model, handler in handlers:
        uid = f"dashboards-{model._meta.label_lower}"
        post_save.connect(handler, sender=model, dispatch_uid=uid + "-save", weak=False)
        post_delete.connect(handler, sender=model, dispatch_uid=uid + "-delete", weak=False)
    post_save.connect(_audit, sender=AuditEvent, dispatch_uid="dashboards-audit", weak=False)
