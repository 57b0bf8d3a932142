"""The demo referrals: one in each status, to partner.dakar's organisation, idempotent."""

from types import SimpleNamespace

from reintegra.cases.models import Case, Stage
from reintegra.referrals.demo import seed_referrals
from reintegra.referrals.models import Referral, Status


def test_the_demo_has_a_referral_in_each_status(cast, world):
    Referral.objects.all().delete()
    for given in ("Fatou", "Moussa", "Ousmane", "Binta", "Lamine", "Coumba", "Demba", "Khady"):
        case = cast.case(cast.dakar, given=given, family="Ba")
        Case.objects.filter(pk=case.pk).update(stage=Stage.PLANNING)
    users = {"partner.dakar": cast.partner_dakar, "sup.dakar": cast.sup_dakar}
    demo_world = SimpleNamespace(users=users, dakar=cast.dakar)
    assert seed_referrals(demo_world) == 8
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    assert Referral.objects.filter(status=Status.SENT, response_due__lt=world.awa.opened_at.date()).exists()
    assert set(Referral.objects.values_list("organisation", flat=True)) == {world.directory.jappo.pk}
    assert seed_referrals(demo_world) == 0
