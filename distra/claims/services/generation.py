"""Generated claims: per distributor per period, the brand-funded share of every scheme benefit
on the order lines delivered in the period (with their invoice lines: the order flow invoices
before it dispatches), and the reversal of that share for units returned.

A run for a period is idempotent: an order line (and so its invoice line) is claimed at most once
per scheme and a return line reversed at most once per scheme (database constraints), so a re-run finds nothing new and
writes nothing. New lines go to the period's draft claim; when that claim has been submitted
already, a late line (a proof of delivery entered after the run) starts a new draft for the same
period. Generation for one distributor is serialised by a lock of its row."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone

from distra.claims import domain
from distra.claims.choices import (
    SCHEME_LINE_KINDS,
    ClaimKind,
    ClaimStatus,
    EventKind,
    LineDecision,
    LineKind,
)
from distra.claims.models import Claim, ClaimLine, ClaimPolicy
from distra.claims.services.common import record, refresh_totals
from distra.core.errors import Conflict
from distra.orders.choices import OrderStatus
from distra.orders.models import OrderReturnLine
from distra.partners.models import Distributor
from distra.pricing.models import SchemeBenefit

DELIVERED = (OrderStatus.DELIVERED, OrderStatus.PARTIALLY_DELIVERED)


def claim_period_of(distributor_id: int) -> str:
    """The distributor's claim period: its own policy, else the brand's default setting."""
    policy = ClaimPolicy.objects.filter(distributor_id=distributor_id).values_list("period", flat=True).first()
    return policy or getattr(settings, "DISTRA_CLAIM_PERIOD", "month")


def _day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (timezone.make_aware(datetime.combine(start, time.min)),
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min)))


def _already_claimed() -> Exists:
    """A benefit whose (order line, scheme) is in a claim already."""
    return Exists(ClaimLine.objects.filter(order_line=OuterRef("order_line_id"), scheme=OuterRef("scheme_id"), kind__in=SCHEME_LINE_KINDS))


def scheme_line_for(benefit: SchemeBenefit) -> ClaimLine | None:
    """The unsaved claim line of one benefit on a delivered line: free goods at the landing price ×
    delivered free units, or the discount × delivered / ordered, times the brand's share. None
    when nothing was delivered or the brand funds nothing of it."""
    line, order = benefit.order_line, benefit.order
    invoice_line = getattr(line, "invoice_line", None)
    day = timezone.localdate(order.delivered_at)
    if benefit.free_quantity:
        free_line = benefit.free_line
        sku = free_line.sku if free_line else (benefit.free_sku or line.sku)
        units = free_line.delivered if free_line else domain.delivered_free_units(
            free_quantity=benefit.free_quantity, delivered=line.delivered, ordered=line.quantity)
        unit_value = free_line.landing_price if free_line and free_line.landing_price else _landing_price(order.distributor_id, sku, day)
        cost = domain.free_goods_cost(landing_price=unit_value, free_units=units)
        kind, what = LineKind.FREE_GOODS, f"{units} free × {unit_value}"
    else:
        sku, units = line.sku, line.delivered
        unit_value = (benefit.discount / line.quantity).quantize(Decimal("0.0001")) if line.quantity else Decimal(0)
        cost = domain.discount_cost(discount=benefit.discount, delivered=line.delivered, ordered=line.quantity)
        kind, what = LineKind.DISCOUNT, f"{benefit.discount} off, {line.delivered}/{line.quantity} delivered"
    amount = domain.brand_share(cost, benefit.funding_share_pct)
    if amount <= 0:
        return None
    return ClaimLine(kind=kind, order_line=line, invoice_line=invoice_line, scheme_id=benefit.scheme_id, benefit=benefit, sku=sku,
                     occurred_on=day, quantity=units, unit_value=unit_value, base_amount=cost, funding_share_pct=benefit.funding_share_pct,
                     amount=amount, description=f"{benefit.scheme.code}: {what}"[:300])


def _landing_price(distributor_id: int, sku, day: date) -> Decimal:
    from distra.pricing.selectors import landing_price

    return landing_price(distributor_id=distributor_id, sku=sku, on=day)


def _scheme_lines(distributor: Distributor, start: date, end: date) -> list[ClaimLine]:
    since, until = _day_bounds(start, end)
    benefits = (SchemeBenefit.objects
                .filter(order__distributor=distributor, order__status__in=DELIVERED, order__delivered_at__gte=since,
                        order__delivered_at__lt=until, funding_share_pct__gt=0)
                .exclude(_already_claimed())
                .select_related("order", "scheme", "order_line__invoice_line", "order_line__sku", "free_sku", "free_line__sku")
                .order_by("order_id", "order_line_id", "scheme_id"))
    return [line for line in map(scheme_line_for, benefits) if line is not None]


def _reversal_lines(distributor: Distributor, end: date) -> list[ClaimLine]:
    """A negative line per return line (returned up to ``end``) of a claimed, not rejected line,
    not reversed before: the claimed amount × returned / delivered units of the returned line,
    rounded cumulatively so that the reversals of one line never exceed what it claimed."""
    _, until = _day_bounds(end, end)
    returns = list(OrderReturnLine.objects.filter(order_return__order__distributor=distributor, order_return__created_at__lt=until)
                   .select_related("line", "order_return").order_by("order_return__created_at", "id"))
    if not returns:
        return []
    line_ids = {r.line_id for r in returns}
    originals = list(ClaimLine.objects.filter(kind__in=SCHEME_LINE_KINDS, claim__distributor=distributor)
                     .exclude(decision=LineDecision.REJECTED)
                     .filter(_returned_line_q(line_ids)).select_related("benefit"))
    made = []
    for original in originals:
        returned_line_id = _returned_line_id(original)
        done = ClaimLine.objects.filter(reverses=original)
        reversed_units = sum(r.quantity for r in done)
        reversed_amount = done.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
        seen = set(done.values_list("return_line_id", flat=True))
        for ret in (r for r in returns if r.line_id == returned_line_id and r.pk not in seen):
            reversed_units += ret.quantity
            total = domain.reversal_amount(claimed=original.amount, claimed_units=ret.line.delivered, returned_units=reversed_units)
            amount = total - reversed_amount
            if amount >= 0:
                continue
            reversed_amount = total
            made.append(ClaimLine(kind=LineKind.RETURN_REVERSAL, order_line_id=original.order_line_id,
                                  invoice_line_id=original.invoice_line_id, scheme_id=original.scheme_id,
                                  benefit=original.benefit, return_line=ret, reverses=original, sku_id=ret.line.sku_id,
                                  occurred_on=timezone.localdate(ret.order_return.created_at), quantity=ret.quantity,
                                  unit_value=original.unit_value, funding_share_pct=original.funding_share_pct, amount=amount,
                                  base_amount=domain.reversal_amount(claimed=original.base_amount, claimed_units=ret.line.delivered,
                                                                     returned_units=ret.quantity),
                                  description=f"Return of {ret.quantity} (claim line {original.pk})"[:300]))
    return made


def _returned_line_id(original: ClaimLine) -> int:
    """The order line whose returns take back ``original``: the free line for free goods that
    have one, else the line that earned the benefit."""
    benefit = original.benefit
    if original.kind == LineKind.FREE_GOODS and benefit is not None and benefit.free_line_id:
        return benefit.free_line_id
    return original.order_line_id


def _returned_line_q(line_ids: set[int]):
    from django.db.models import Q

    return (Q(kind=LineKind.FREE_GOODS, benefit__free_line_id__in=line_ids)
            | Q(benefit__free_line__isnull=True, order_line_id__in=line_ids))


def _draft_for(distributor: Distributor, start: date, end: date, by) -> Claim:
    claim = Claim.objects.filter(distributor=distributor, kind=ClaimKind.SCHEME, status=ClaimStatus.DRAFT,
                                 period_start=start, period_end=end).first()
    if claim is None:
        claim = Claim.objects.create(distributor=distributor, kind=ClaimKind.SCHEME, period_start=start, period_end=end,
                                     created_by=by if getattr(by, "pk", None) else None,
                                     description=f"Schemes {start:%d %b %Y} – {end:%d %b %Y}")
        record(claim, by=by, kind=EventKind.CREATED, to_status=ClaimStatus.DRAFT, period=[start.isoformat(), end.isoformat()])
    return claim


@transaction.atomic
def claim_generate_period(*, distributor: Distributor, start: date, end: date, by=None) -> Claim | None:
    """Claim what the period's deliveries and returns give, into the period's draft claim (made
    when there is something to claim). Returns that claim, or None when there was nothing new.
    Locks the distributor row, so that two runs for one distributor take turns."""
    Distributor.objects.select_for_update().filter(pk=distributor.pk).first()
    originals = _scheme_lines(distributor, start, end)
    claim = None
    if originals:
        claim = _draft_for(distributor, start, end, by)
        _save_lines(claim, originals)
    reversals = _reversal_lines(distributor, end)
    if reversals:
        claim = claim or _draft_for(distributor, start, end, by)
        _save_lines(claim, reversals)
    if claim is not None:
        refresh_totals(claim)
        record(claim, by=by, kind=EventKind.LINES_ADDED, lines=len(originals) + len(reversals),
               amount=str(sum((line.amount for line in originals + reversals), Decimal("0.00"))))
    return claim


def _save_lines(claim: Claim, lines: list[ClaimLine]) -> None:
    for line in lines:
        line.claim = claim
    try:
        with transaction.atomic():
            ClaimLine.objects.bulk_create(lines)
    except IntegrityError as exc:
        raise Conflict("One of these invoice lines is already claimed for its scheme.", code="already_claimed") from exc


def claims_generate(*, on: date | None = None, by=None) -> list[Claim]:
    """The scheduled job: for every distributor (not a mere prospect), the claim of its last closed period
    (each distributor's own period length). Idempotent: a second run the same day writes nothing."""
    from distra.partners.choices import DistributorStatus

    on = on or timezone.localdate()
    made = []
    for distributor in Distributor.objects.exclude(status=DistributorStatus.PROSPECT).order_by("pk"):
        start, end = domain.previous_period(on, claim_period_of(distributor.pk))
        claim = claim_generate_period(distributor=distributor, start=start, end=end, by=by)
        if claim is not None:
            made.append(claim)
    return made


@transaction.atomic
def claim_policy_set(*, by, distributor: Distributor, period: str) -> ClaimPolicy:
    """Set a distributor's claim period (``month``, ``quarter``, ``fortnight``, ``week``); it
    applies from the next generation on (claims already made keep their periods)."""
    from distra.claims.choices import ClaimPeriod
    from distra.core.errors import FieldProblem, ValidationFailed
    from distra.core.permissions import require_in_scope, require_perm

    require_perm(by, "claims.change_claimpolicy")
    require_in_scope(by, distributor, "No distributor with that id in your scope.")
    if period not in ClaimPeriod.values:
        raise ValidationFailed({"period": [FieldProblem("invalid_choice", f"One of: {', '.join(ClaimPeriod.values)}.")]})
    policy, _ = ClaimPolicy.objects.update_or_create(distributor=distributor, defaults={"period": period})
    return policy
