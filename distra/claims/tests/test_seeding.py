"""Demo claims: every state of the workflow, from the real services, with past timestamps."""

import pytest
from django.utils import timezone

from distra.claims.choices import ClaimStatus
from distra.claims.models import Claim, ClaimCreditNote
from distra.claims.seeding import demo_claims
from distra.claims.selectors import settlement_kpis

pytestmark = pytest.mark.django_db


def test_demo_claims_cover_every_state_and_settle_in_number_order(org, delivered):
    counts = demo_claims(seed=7, today=timezone.localdate())
    assert set(counts) == set(ClaimStatus.values)
    assert Claim.objects.filter(kind="scheme", status=ClaimStatus.UNDER_REVIEW, distributor__code="D-ONE").exists()  # its 2nd by code
    notes = list(ClaimCreditNote.objects.order_by("sequence").values_list("sequence", "issued_on"))
    assert [n for n, _ in notes] == list(range(1, len(notes) + 1))
    assert [d for _, d in notes] == sorted(d for _, d in notes)
    overall, _ = settlement_kpis(user=org.users["brand"])
    assert overall.stats.settled == len(notes) > 0
    assert overall.stats.median_days > 1
    for claim in Claim.objects.exclude(status=ClaimStatus.DRAFT):
        assert claim.submitted_at <= timezone.now()
        assert claim.settled_at is None or claim.submitted_at <= claim.settled_at
