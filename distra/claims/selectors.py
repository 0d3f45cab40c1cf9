"""Every read of claims, through the user's data scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from distra.claims import domain
from distra.claims.choices import OPEN_STATUSES, ClaimStatus
from distra.claims.models import Claim, ClaimAttachment, ClaimCreditNote, ClaimLine
from distra.core.errors import NotFound


def claim_list(*, user, status: str | None = None, kind: str | None = None, distributor_id: int | None = None,
               period_from: date | None = None, period_to: date | None = None, reason: str | None = None) -> QuerySet[Claim]:
    """Claims in ``user``'s scope, filtered; ``period_from``/``period_to`` keep the generated claims
    whose period overlaps those dates (manual claims have no period and always pass)."""
    qs = Claim.objects.for_user(user).select_related("distributor")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if reason:
        qs = qs.filter(reason=reason)
    if distributor_id:
        qs = qs.filter(distributor_id=distributor_id)
    if period_from:
        qs = qs.exclude(period_end__lt=period_from)
    if period_to:
        qs = qs.exclude(period_start__gt=period_to)
    return qs


def claim_get(*, user, pk: int) -> Claim:
    claim = (Claim.objects.for_user(user).select_related("distributor", "created_by")
             .prefetch_related("attachments", "events__user").filter(pk=pk).first())
    if claim is None:
        raise NotFound(f"No claim with id {pk}.")
    return claim


def claim_lines(*, claim: Claim) -> QuerySet[ClaimLine]:
    """The claim's supporting lines with the invoice, scheme, SKU and return they point at."""
    return (claim.lines.select_related("order_line__order", "invoice_line__invoice", "scheme", "sku", "return_line__order_return", "reverses")
            .order_by("kind", "occurred_on", "id"))


def attachment_get(*, user, claim_id: int, pk: int) -> ClaimAttachment:
    row = ClaimAttachment.objects.for_user(user).filter(claim_id=claim_id, pk=pk).first()
    if row is None:
        raise NotFound(f"No attachment {pk} of claim {claim_id}.")
    return row


def credit_note_get(*, user, claim_id: int) -> ClaimCreditNote:
    row = ClaimCreditNote.objects.for_user(user).select_related("claim", "distributor", "issued_by").filter(claim_id=claim_id).first()
    if row is None:
        raise NotFound(f"Claim {claim_id} has no credit note.")
    return row


@dataclass(frozen=True)
class SettlementKpi:
    distributor_id: int | None
    distributor_code: str
    stats: domain.SettlementStats
    open_claims: int
    oldest_open_days: float | None


def _days(start, end) -> float:
    return (end - start).total_seconds() / 86400


def settlement_kpis(*, user, settled_from: date | None = None, settled_to: date | None = None) -> tuple[SettlementKpi, list[SettlementKpi]]:
    """Claim settlement time (days from submission to settlement) overall and per distributor, of
    the claims settled in the dates given, with the claims still open (submitted, not settled)
    and the age of the oldest of them."""
    settled = Claim.objects.for_user(user).filter(status=ClaimStatus.SETTLED, submitted_at__isnull=False)
    if settled_from:
        settled = settled.filter(settled_at__date__gte=settled_from)
    if settled_to:
        settled = settled.filter(settled_at__date__lte=settled_to)
    open_rows = Claim.objects.for_user(user).filter(status__in=OPEN_STATUSES).values_list("distributor_id", "submitted_at")
    now = timezone.now()
    by_distributor: dict[int, list[float]] = {}
    codes = {}
    for distributor_id, code, submitted, done in settled.values_list("distributor_id", "distributor__code", "submitted_at", "settled_at"):
        by_distributor.setdefault(distributor_id, []).append(_days(submitted, done))
        codes[distributor_id] = code
    waiting: dict[int, list[float]] = {}
    for distributor_id, submitted in open_rows:
        waiting.setdefault(distributor_id, []).append(_days(submitted, now))
    if set(waiting) - set(codes):
        from distra.partners.models import Distributor

        codes.update(Distributor.objects.filter(pk__in=set(waiting) - set(codes)).values_list("pk", "code"))
    rows = [SettlementKpi(d, codes[d], domain.settlement_stats(by_distributor.get(d, [])), len(waiting.get(d, [])),
                          round(max(waiting[d]), 2) if waiting.get(d) else None)
            for d in sorted(codes, key=lambda pk: codes[pk])]
    everyone = [days for values in by_distributor.values() for days in values]
    all_waiting = [days for values in waiting.values() for days in values]
    overall = SettlementKpi(None, "", domain.settlement_stats(everyone), len(all_waiting), round(max(all_waiting), 2) if all_waiting else None)
    return overall, rows
