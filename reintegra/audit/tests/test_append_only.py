"""Nobody changes or deletes the audit trail, not even through the ORM."""

import pytest

from reintegra.audit.models import AuditEvent
from reintegra.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(cast):
    return audit_record(
        actor=cast.admin, event_type=AuditEvent.Type.USER_UPDATED, subject=cast.cm_dakar, office=cast.dakar
    )


def test_events_cannot_be_updated_in_bulk(event):
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(event_type=AuditEvent.Type.EXPORT)
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(changes={})


def test_events_cannot_be_deleted(event):
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_saved_event_cannot_be_saved_again(event):
    event.changes = {"forged": True}
    with pytest.raises(PermissionError):
        event.save()
    event.refresh_from_db()
    assert event.changes == {}
