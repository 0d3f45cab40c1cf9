"""Claims under real concurrency (PostgreSQL, one connection per thread): parallel generation of
one period claims each line once; parallel adds of one invoice line race to one winner and
``already_claimed`` for the rest; parallel settlements number their credit notes without gaps."""

import threading
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections

from distra.claims import services
from distra.claims.models import Claim, ClaimCreditNote, ClaimLine
from distra.claims.tests.conftest import last_period
from distra.core.errors import Conflict

THREADS = 8
pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def run_parallel(work, items) -> tuple[list, list]:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and real concurrent writers")
    start, results, failed = threading.Barrier(len(items)), [], []

    def client(item) -> None:
        try:
            start.wait()
            results.append(work(item))
        except Exception as exc:  # noqa: BLE001 (collected and asserted)
            failed.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(item,)) for item in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, failed


def test_parallel_generation_claims_each_line_once(org, delivered):
    start, end = last_period()
    distributor = org.distributors["D-ONE"]
    results, failed = run_parallel(lambda _: services.claim_generate_period(distributor=distributor, start=start, end=end),
                                   range(THREADS))
    assert failed == []
    assert Claim.objects.count() == 1
    assert ClaimLine.objects.count() == 2
    assert sum(1 for claim in results if claim is not None) == 1


def test_parallel_adds_of_one_line_have_one_winner(org, delivered):
    start, _ = last_period()
    drafts = [Claim.objects.create(distributor=org.distributors["D-ONE"], kind="scheme", period_start=start,
                                   period_end=start + timedelta(days=i)) for i in range(THREADS)]
    line = delivered.lines.get(line_no=1)
    scheme_id = line.scheme_benefits.get().scheme_id
    results, failed = run_parallel(lambda draft: services.claim_line_add(by=org.users["dist_one"], claim=draft,
                                                                         invoice_line_id=line.invoice_line.pk, scheme_id=scheme_id), drafts)
    assert len(results) == 1
    assert [getattr(exc, "code", repr(exc)) for exc in failed] == ["already_claimed"] * (THREADS - 1)
    assert all(isinstance(exc, Conflict) for exc in failed)
    assert ClaimLine.objects.count() == 1


def test_parallel_settlements_number_credit_notes_without_gaps(org):
    claims = []
    for i in range(THREADS):
        claim = services.claim_manual_create(by=org.users["dist_one"], distributor=org.distributors["D-ONE"], reason="damage",
                                             description=f"Damage {i}", lines=[services.ManualLineIn("Packs", D("10") + i)])
        services.claim_attachment_add(by=org.users["dist_one"], claim=claim, upload=SimpleUploadedFile("e.pdf", b"%PDF-1.4\n%%EOF"))
        services.claim_submit(by=org.users["dist_one"], claim=claim)
        services.claim_review_start(by=org.users["brand"], claim=claim)
        claims.append(services.claim_review_finish(by=org.users["brand"], claim=claim, approve_rest=True))
    results, failed = run_parallel(lambda claim: services.claim_settle(by=org.users["brand"], claim=claim), claims)
    assert failed == []
    assert sorted(ClaimCreditNote.objects.values_list("sequence", flat=True)) == list(range(1, THREADS + 1))
    assert set(Claim.objects.values_list("status", flat=True)) == {"settled"}
