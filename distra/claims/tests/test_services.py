"""Claim services on the database: generation, returns, the workflow, manual claims, evidence,
settlement and its number series. Each failure also checks that nothing was written."""

from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from distra.claims import domain, services
from distra.claims.choices import ClaimStatus, LineKind
from distra.claims.models import Claim, ClaimCreditNote, ClaimEvent, ClaimLine
from distra.claims.tests.conftest import last_period
from distra.core.errors import Conflict, DomainError, ValidationFailed
from distra.orders import services as orders
from distra.orders.services.delivery import ReturnedLine

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def generate(org, code="D-ONE", period=None):
    start, end = period or last_period()
    return services.claim_generate_period(distributor=org.distributors[code], start=start, end=end)


def snapshot():
    return (list(Claim.objects.values()), list(ClaimLine.objects.values()), ClaimEvent.objects.count(), ClaimCreditNote.objects.count())


def test_generation_claims_the_brand_share_of_delivered_lines(org, delivered):
    claim = generate(org)
    lines = {line.kind: line for line in claim.lines.all()}
    discount, free = lines[LineKind.DISCOUNT], lines[LineKind.FREE_GOODS]
    assert (discount.quantity, discount.base_amount, discount.funding_share_pct, discount.amount) == (10, D("3.75"), D("100"), D("3.75"))
    # one free SKU-1 unit at its landing price 7.50, half funded by the brand
    assert (free.quantity, free.unit_value, free.base_amount, free.amount) == (1, D("7.50"), D("7.50"), D("3.75"))
    assert free.invoice_line.order_line.line_no == 2
    assert free.scheme.code == "S-FREE"
    assert free.sku.code == "SKU-1"
    claim.refresh_from_db()
    assert (claim.status, claim.kind, claim.claimed, claim.period_start) == (ClaimStatus.DRAFT, "scheme", D("7.50"), last_period()[0])


def test_generation_counts_only_what_was_delivered(org, invoice, schemes):
    from distra.claims.tests.conftest import benefits_on, deliver, move_to_last_period

    order = invoice.order
    deliver(org, order, {1: 6, 2: 2})  # 6 of 10 and 2 of 3 delivered
    move_to_last_period(order)
    benefits_on(order, schemes, org)
    lines = {line.kind: line for line in generate(org).lines.all()}
    assert lines[LineKind.DISCOUNT].amount == D("2.25")  # 3.75 × 6/10
    assert LineKind.FREE_GOODS not in lines  # 1 free × 2/3 delivered -> 0 free units: nothing to claim


def test_rerunning_a_period_writes_nothing(org, delivered):
    first = generate(org)
    before = snapshot()
    assert generate(org) is None
    assert services.claims_generate(on=timezone.localdate()) == []
    assert snapshot() == before
    assert Claim.objects.get() == first


def test_late_lines_after_submission_start_a_new_draft_for_the_period(org, delivered, invoice, schemes):
    claim = generate(org)
    services.claim_submit(by=org.users["dist_one"], claim=claim)
    ClaimLine.objects.filter(kind=LineKind.DISCOUNT).delete()  # as if that line had been delivered late
    again = generate(org)
    assert again.pk != claim.pk
    assert again.status == ClaimStatus.DRAFT
    assert again.lines.get().kind == LineKind.DISCOUNT


def test_a_return_reverses_its_share_in_the_period_it_happened(org, delivered):
    original = generate(org).lines.get(kind=LineKind.DISCOUNT)
    line1 = delivered.lines.get(line_no=1)
    orders.order_return(by=org.users["dist_one"], order=delivered, lines=[ReturnedLine(line1.pk, 4)], reason="Damaged packs")
    this_period = domain.period_bounds(timezone.localdate(), "month")
    claim = generate(org, period=this_period)
    reversal = claim.lines.get()
    assert (reversal.kind, reversal.reverses, reversal.quantity, reversal.amount) == (LineKind.RETURN_REVERSAL, original, 4, D("-1.50"))
    assert claim.period_start == this_period[0]
    assert claim.claimed == D("-1.50")
    assert generate(org, period=this_period) is None  # reversed once


def test_an_invoice_line_is_claimed_once_per_scheme(org, delivered):
    generate(org)
    start, end = last_period()
    other = Claim.objects.create(distributor=org.distributors["D-ONE"], kind="scheme", period_start=start, period_end=end,
                                 status=ClaimStatus.SUBMITTED)
    line = delivered.lines.get(line_no=1)
    draft = Claim.objects.create(distributor=org.distributors["D-ONE"], kind="scheme", period_start=start, period_end=start)
    before = snapshot()
    with pytest.raises(Conflict) as err:
        services.claim_line_add(by=org.users["dist_one"], claim=draft, invoice_line_id=line.invoice_line.pk,
                                scheme_id=ClaimLine.objects.get(kind=LineKind.DISCOUNT).scheme_id)
    assert err.value.code == "already_claimed"
    assert snapshot() == before
    assert other.lines.count() == 0


def test_the_database_refuses_a_second_claim_of_the_same_line_and_scheme(org, delivered):
    from django.db import IntegrityError, transaction

    existing = generate(org).lines.get(kind=LineKind.DISCOUNT)
    existing.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        existing.save()


def test_a_line_of_another_distributor_is_refused(org, delivered):
    start, end = last_period()
    theirs = Claim.objects.create(distributor=org.distributors["D-FOUR"], kind="scheme", period_start=start, period_end=end)
    line = delivered.lines.get(line_no=1)
    before = snapshot()
    with pytest.raises(DomainError) as err:
        services.claim_line_add(by=org.users["admin"], claim=theirs, invoice_line_id=line.invoice_line.pk,
                                scheme_id=line.scheme_benefits.get().scheme_id)
    assert (err.value.code, err.value.status) == ("line_not_of_distributor", 422)
    assert snapshot() == before


def test_line_add_claims_a_delivered_line_into_a_draft(org, delivered):
    start, end = last_period()
    draft = Claim.objects.create(distributor=org.distributors["D-ONE"], kind="scheme", period_start=start, period_end=end)
    line = delivered.lines.get(line_no=1)
    added = services.claim_line_add(by=org.users["dist_one"], claim=draft, invoice_line_id=line.invoice_line.pk,
                                    scheme_id=line.scheme_benefits.get().scheme_id)
    draft.refresh_from_db()
    assert (added.amount, draft.claimed) == (D("3.75"), D("3.75"))
    again = generate(org)  # into the same draft; the claimed line is skipped
    assert again == draft
    assert sorted(again.lines.values_list("kind", flat=True)) == ["discount", "free_goods"]


def review(org, claim):
    services.claim_submit(by=org.users["dist_one"], claim=claim)
    return services.claim_review_start(by=org.users["brand"], claim=claim)


def test_review_cut_and_settle_by_a_numbered_credit_note(org, delivered):
    claim = generate(org)
    review(org, claim)
    discount, free = claim.lines.get(kind=LineKind.DISCOUNT), claim.lines.get(kind=LineKind.FREE_GOODS)
    services.claim_lines_decide(by=org.users["brand"], claim=claim, decisions=[
        services.LineDecisionIn(discount.pk, "approve"),
        services.LineDecisionIn(free.pk, "cut", D("2.00"), "Free unit valued above the scheme's cap"),
    ])
    services.claim_review_finish(by=org.users["brand"], claim=claim)
    claim.refresh_from_db()
    assert (claim.status, claim.approved) == (ClaimStatus.PARTIALLY_APPROVED, D("5.75"))
    note = services.claim_settle(by=org.users["brand"], claim=claim)
    claim.refresh_from_db()
    fy = f"{domain_fy():02d}"
    assert (claim.status, note.amount, note.sequence) == (ClaimStatus.SETTLED, D("5.75"), 1)
    assert note.number.startswith("BCN/")
    assert note.number.endswith("/00001")
    assert fy in note.number
    assert claim.submitted_at <= claim.review_started_at <= claim.decided_at <= claim.settled_at
    kinds = list(claim.events.values_list("kind", "to_status"))
    assert ("status", "submitted") in kinds
    assert ("status", "settled") in kinds
    assert ("line_decided", "") in kinds


def domain_fy() -> int:
    from distra.billing.domain import financial_year

    return financial_year(timezone.localdate()) % 100


def test_credit_note_numbers_have_no_gaps(org, delivered):
    claim = generate(org)
    review(org, claim)
    services.claim_review_finish(by=org.users["brand"], claim=claim, approve_rest=True)
    manual = services.claim_manual_create(by=org.users["dist_one"], distributor=org.distributors["D-ONE"], reason="damage",
                                          description="Rain damage", lines=[services.ManualLineIn("12 packs", D("90"))])
    services.claim_attachment_add(by=org.users["dist_one"], claim=manual, upload=SimpleUploadedFile("p.pdf", PDF))
    review(org, manual)
    services.claim_review_finish(by=org.users["brand"], claim=manual, approve_rest=True)
    first = services.claim_settle(by=org.users["brand"], claim=claim)
    second = services.claim_settle(by=org.users["brand"], claim=manual)
    assert (first.sequence, second.sequence) == (1, 2)


@pytest.mark.parametrize(("action", "status"), [
    ("review", ClaimStatus.DRAFT), ("settle", ClaimStatus.SUBMITTED), ("submit", ClaimStatus.SETTLED), ("finish", ClaimStatus.APPROVED),
])
def test_the_transition_table_refuses(org, delivered, action, status):
    claim = generate(org)
    Claim.objects.filter(pk=claim.pk).update(status=status)
    before = snapshot()
    call = {"review": lambda: services.claim_review_start(by=org.users["brand"], claim=claim),
            "settle": lambda: services.claim_settle(by=org.users["brand"], claim=claim),
            "submit": lambda: services.claim_submit(by=org.users["dist_one"], claim=claim),
            "finish": lambda: services.claim_review_finish(by=org.users["brand"], claim=claim)}[action]
    with pytest.raises(Conflict) as err:
        call()
    assert err.value.code == "transition_not_allowed"
    assert snapshot() == before


def test_approving_more_than_claimed_is_refused(org, delivered):
    claim = generate(org)
    review(org, claim)
    line = claim.lines.get(kind=LineKind.DISCOUNT)
    before = snapshot()
    with pytest.raises(ValidationFailed) as err:
        services.claim_lines_decide(by=org.users["brand"], claim=claim,
                                    decisions=[services.LineDecisionIn(line.pk, "cut", D("3.76"), "typo")])
    assert err.value.fields["lines[0].approved_amount"][0].code == "approval_exceeds_claim"
    assert snapshot() == before


def test_a_cut_needs_a_reason_and_undecided_lines_block_the_decision(org, delivered):
    claim = generate(org)
    review(org, claim)
    line = claim.lines.get(kind=LineKind.DISCOUNT)
    with pytest.raises(ValidationFailed) as err:
        services.claim_lines_decide(by=org.users["brand"], claim=claim, decisions=[services.LineDecisionIn(line.pk, "cut", D("1"))])
    assert err.value.fields["lines[0].reason"][0].code == "reason_required"
    with pytest.raises(Conflict) as err:
        services.claim_review_finish(by=org.users["brand"], claim=claim)
    assert err.value.code == "lines_undecided"


def test_rejecting_a_claim_rejects_every_line_and_leaves_nothing_to_settle(org, delivered):
    claim = generate(org)
    review(org, claim)
    services.claim_reject(by=org.users["brand"], claim=claim, reason="Outside the scheme's territory")
    claim.refresh_from_db()
    assert (claim.status, claim.approved) == (ClaimStatus.REJECTED, D("0.00"))
    assert set(claim.lines.values_list("decision", flat=True)) == {"rejected"}
    with pytest.raises(Conflict):
        services.claim_settle(by=org.users["brand"], claim=claim)


def test_a_period_still_running_cannot_be_submitted(org, delivered):
    claim = generate(org, period=domain.period_bounds(timezone.localdate(), "month"))
    assert claim is None  # the delivery was last period
    start, end = domain.period_bounds(timezone.localdate(), "month")
    claim = Claim.objects.create(distributor=org.distributors["D-ONE"], kind="scheme", period_start=start, period_end=end)
    ClaimLine.objects.create(claim=claim, kind="manual", amount=D("1"), occurred_on=start)
    with pytest.raises(Conflict) as err:
        services.claim_submit(by=org.users["dist_one"], claim=claim)
    assert err.value.code == "period_not_over"


@pytest.mark.parametrize("amount", [D("0"), D("-5")])
def test_a_manual_amount_must_be_positive(org, amount):
    before = snapshot()
    with pytest.raises(ValidationFailed) as err:
        services.claim_manual_create(by=org.users["dist_one"], distributor=org.distributors["D-ONE"], reason="expiry",
                                     description="Expired stock", lines=[services.ManualLineIn("Batch X", amount)])
    assert err.value.fields["lines[0].amount"][0].code == "amount_not_positive"
    assert snapshot() == before


def test_a_distributor_raises_claims_for_itself_only(org):
    with pytest.raises(DomainError) as err:
        services.claim_manual_create(by=org.users["dist_one"], distributor=org.distributors["D-FOUR"], reason="expiry",
                                     description="Expired stock", lines=[services.ManualLineIn("Batch X", D("5"))])
    assert err.value.status == 404
    assert Claim.objects.count() == 0


def test_a_manual_claim_needs_evidence_before_submission(org):
    claim = services.claim_manual_create(by=org.users["dist_one"], distributor=org.distributors["D-ONE"], reason="price_difference",
                                         description="Invoiced at the old price", lines=[services.ManualLineIn("Diff", D("40.50"))])
    with pytest.raises(Conflict) as err:
        services.claim_submit(by=org.users["dist_one"], claim=claim)
    assert err.value.code == "evidence_required"
    services.claim_attachment_add(by=org.users["dist_one"], claim=claim, upload=SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20))
    assert services.claim_submit(by=org.users["dist_one"], claim=claim).status == ClaimStatus.SUBMITTED


@pytest.mark.parametrize(("name", "content", "code"), [
    ("empty.pdf", b"", "attachment_empty"),
    ("script.pdf", b"<script>alert(1)</script>", "attachment_type_not_allowed"),
    ("big.pdf", b"%PDF-" + b"0" * 2048, "attachment_too_large"),
])
def test_a_bad_attachment_is_refused(org, settings, name, content, code):
    settings.DISTRA_CLAIM_ATTACHMENT_MAX_BYTES = 1024
    claim = services.claim_manual_create(by=org.users["dist_one"], distributor=org.distributors["D-ONE"], reason="damage",
                                         description="Broken", lines=[services.ManualLineIn("Packs", D("5"))])
    before = snapshot()
    with pytest.raises(ValidationFailed) as err:
        services.claim_attachment_add(by=org.users["dist_one"], claim=claim, upload=SimpleUploadedFile(name, content))
    assert err.value.fields["file"][0].code == code
    assert snapshot() == before
    assert claim.attachments.count() == 0


def test_settlement_kpi_per_distributor(org, delivered):
    from datetime import timedelta

    from distra.claims import selectors

    claim = generate(org)
    review(org, claim)
    services.claim_review_finish(by=org.users["brand"], claim=claim, approve_rest=True)
    services.claim_settle(by=org.users["brand"], claim=claim)
    now = timezone.now()
    Claim.objects.filter(pk=claim.pk).update(submitted_at=now - timedelta(days=12), settled_at=now - timedelta(days=2))
    overall, rows = selectors.settlement_kpis(user=org.users["brand"])
    assert (overall.stats.settled, overall.stats.median_days) == (1, 10.0)
    assert [(row.distributor_code, row.stats.mean_days) for row in rows] == [("D-ONE", 10.0)]
    assert selectors.settlement_kpis(user=org.users["dist_four"])[0].stats.settled == 0


def test_the_daily_task_claims_the_last_closed_month_once(org, delivered):
    from distra.claims import tasks
    from distra.config.schedule import PERIODIC_TASKS

    assert "distra.claims.tasks.generate_claims" in {p.task for p in PERIODIC_TASKS}
    first = tasks.generate_claims.call()
    assert len(first["claims"]) == 1
    assert tasks.generate_claims.call() == {"claims": []}
    assert Claim.objects.get().events.first().channel == "system"
