"""Demo claims (``distra seed demo``): each distributor's generated claims of the last closed
months, from the scheme benefits of its delivered invoice lines, and manual claims with evidence,
walked through the real services into every state of the workflow, with their timestamps then set
to plausible past days (submitted a few days after the period, settled weeks later), so that the
settlement-time KPI has a history to report."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from distra.accounts.choices import Role
from distra.accounts.models import User
from distra.claims import domain, services
from distra.claims.choices import ClaimStatus, LineKind
from distra.claims.models import Claim, ClaimCreditNote, ClaimEvent
from distra.core.errors import DomainError
from distra.partners.models import Distributor

MONTHS_BACK = 4
MANUAL_DISTRIBUTORS = 4
# The state each generated claim ends in, by its age in months (1 = last month) and distributor.
BY_AGE = {
    4: ("settled", "settled", "partially_settled", "settled"),
    3: ("settled", "partially_settled", "rejected", "settled"),
    2: ("approved", "partially_approved", "under_review", "settled"),
    1: ("submitted", "under_review", "draft", "submitted"),
}
MANUAL_STATES = ("draft", "submitted", "under_review", "approved", "partially_approved", "rejected", "settled", "partially_settled")
MANUAL_STORIES = {
    "damage": ("Cartons crushed in the monsoon; photos attached", "Packs damaged in transit", Decimal("1840.00")),
    "expiry": ("Stock expired at the outlet before sale; batch list attached", "Expired units taken back", Decimal("2675.50")),
    "price_difference": ("Invoiced at the old landing price after the list change", "Landing price difference", Decimal("912.40")),
}


@dataclass
class Actors:
    brand: User
    admin: User

    def distributor_user(self, distributor_id: int) -> User:
        return (User.objects.filter(role=Role.DISTRIBUTOR, distributor_id=distributor_id, is_active=True).order_by("pk").first()
                or self.admin)


def demo_claims(*, seed: int, today: date) -> dict:
    """Generated and manual claims in every state; returns the counts by state."""
    if not getattr(settings, "DISTRA_DEMO_CLAIMS", True):
        return {"status": "skipped"}
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    brand = User.objects.filter(role=Role.BRAND_MANAGER, is_active=True).order_by("pk").first() or admin
    if admin is None:
        return {"status": "no administrator"}
    actors, rng = Actors(brand=brand, admin=admin), random.Random(seed + 404)
    plans: list[tuple[Claim, str, datetime]] = []
    distributors = list(Distributor.objects.order_by("code"))
    for index, distributor in enumerate(distributors):
        for age in range(MONTHS_BACK, 0, -1):
            start, end = domain.period_bounds(_months_before(today, age), "month")
            claim = services.claim_generate_period(distributor=distributor, start=start, end=end, by=None)
            if claim is not None:
                plans.append((claim, BY_AGE[age][index % 4], _at(end + timedelta(days=rng.randint(2, 6)))))
        services.claim_generate_period(distributor=distributor, start=today.replace(day=1), end=domain.period_bounds(today, "month")[1])
    for index, distributor in enumerate(distributors[:MANUAL_DISTRIBUTORS]):
        for n, state in enumerate(MANUAL_STATES[index % 2::2] if index else MANUAL_STATES):
            reason = list(MANUAL_STORIES)[(index + n) % 3]
            plans.append((_manual(actors, distributor, reason, today - timedelta(days=rng.randint(20, 70)), rng), state,
                          _at(today - timedelta(days=rng.randint(14, 60)))))
    for claim, state, _submitted in plans:
        try:
            _walk(actors, claim, state, rng)
        except DomainError:  # e.g. a month whose returns outweigh its lines: it stays where it stopped
            continue
    stamped = [(claim, state, _stamps(submitted, rng, today)) for claim, state, submitted in plans]
    _settle_in_order(actors, [(claim, stamps["settled_at"]) for claim, state, stamps in stamped if state.endswith("settled")], rng)
    for claim, _state, stamps in stamped:
        _backdate(claim, stamps)
    counts: dict[str, int] = {}
    for status in Claim.objects.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def _months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, 15)


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 30)))


def _evidence(reason: str, number: str) -> ContentFile:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=14)
    pdf.cell(0, 10, f"Evidence for claim {number}: {reason.replace('_', ' ')}")
    return ContentFile(bytes(pdf.output()), name=f"{number}-{reason}.pdf")


def _manual(actors: Actors, distributor: Distributor, reason: str, on: date, rng: random.Random) -> Claim:
    description, item, amount = MANUAL_STORIES[reason]
    by = actors.distributor_user(distributor.pk)
    lines = [services.ManualLineIn(item, amount + rng.randint(0, 400)), services.ManualLineIn("Handling and freight", Decimal("150.00"))]
    claim = services.claim_manual_create(by=by, distributor=distributor, reason=reason, description=description, lines=lines,
                                         occurred_on=on)
    services.claim_attachment_add(by=by, claim=claim, upload=_evidence(reason, claim.number))
    return claim


def _walk(actors: Actors, claim: Claim, state: str, rng: random.Random) -> None:
    """Take ``claim`` through the services to ``state`` (a settled one stops at its decision)."""
    if state == "draft":
        return
    services.claim_submit(by=actors.distributor_user(claim.distributor_id), claim=claim)
    if state == "submitted":
        return
    services.claim_review_start(by=actors.brand, claim=claim)
    if state == "under_review":
        return
    if state == "rejected":
        services.claim_reject(by=actors.brand, claim=claim, reason="Outlets outside the scheme's target list")
        return
    if state.startswith("partially"):
        _cut_one(actors, claim, rng)
    services.claim_review_finish(by=actors.brand, claim=claim, approve_rest=True,
                                 note="Checked against the delivery proofs" if state.startswith("partially") else "")


def _cut_one(actors: Actors, claim: Claim, rng: random.Random) -> None:
    line = claim.lines.exclude(kind=LineKind.RETURN_REVERSAL).filter(amount__gte=Decimal("0.10")).order_by("-amount").first()
    if line is None:
        return
    share = Decimal(rng.choice((50, 60, 75, 80))) / 100
    reason = ("Free units above the scheme's per-order cap" if line.kind == LineKind.FREE_GOODS
              else "Discount above the approved rate" if line.kind == LineKind.DISCOUNT else "Only part of the loss is documented")
    services.claim_lines_decide(by=actors.brand, claim=claim, decisions=[
        services.LineDecisionIn(line.pk, "cut", (line.amount * share).quantize(Decimal("0.01")), reason)])


def _settle_in_order(actors: Actors, settled: list, rng: random.Random) -> None:
    """Settle in the order of the days they will show, so the credit note numbers rise with the dates."""
    for claim, _when in sorted(settled, key=lambda plan: plan[1]):
        claim.refresh_from_db()
        if claim.status in (ClaimStatus.APPROVED, ClaimStatus.PARTIALLY_APPROVED) and claim.approved > 0:
            services.claim_settle(by=actors.brand, claim=claim, note=f"NEFT UTR {rng.randint(10**11, 10**12 - 1)}")


def _stamps(submitted: datetime, rng: random.Random, today: date) -> dict[str, datetime]:
    """Plausible past days for a claim's steps (never in the future, never before the financial
    year of today, in which its credit note is numbered)."""
    now = timezone.now()
    fy_start = _at(date(domain_fy(today), 4, 1))
    stamps = {"submitted_at": min(submitted, now - timedelta(hours=6))}
    stamps["review_started_at"] = min(stamps["submitted_at"] + timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 6)), now)
    stamps["decided_at"] = min(stamps["review_started_at"] + timedelta(days=rng.randint(2, 9)), now)
    stamps["settled_at"] = min(stamps["decided_at"] + timedelta(days=rng.randint(3, 14)), now)
    if stamps["settled_at"] < fy_start:
        stamps = {name: max(value, fy_start) for name, value in stamps.items()}
    return stamps


def _backdate(claim: Claim, stamps: dict[str, datetime]) -> None:
    claim.refresh_from_db()
    if claim.status == ClaimStatus.DRAFT:
        return
    fields = {name: value for name, value in stamps.items() if getattr(claim, name) is not None}
    Claim.objects.filter(pk=claim.pk).update(**fields)
    by_status = {"submitted": "submitted_at", "under_review": "review_started_at", "approved": "decided_at",
                 "partially_approved": "decided_at", "rejected": "decided_at", "settled": "settled_at"}
    drafted = fields["submitted_at"] - timedelta(days=1)
    for event in ClaimEvent.objects.filter(claim=claim):
        if event.kind in ("created", "lines_added", "attachment"):
            stamp = drafted
        else:
            stamp = fields.get(by_status.get(event.to_status, "")) or fields.get("decided_at") or fields["submitted_at"]
        ClaimEvent.objects.filter(pk=event.pk).update(created_at=stamp)
    if "settled_at" in fields:
        ClaimCreditNote.objects.filter(claim=claim).update(issued_on=timezone.localdate(fields["settled_at"]))


def domain_fy(day: date) -> int:
    from distra.billing.domain import financial_year

    return financial_year(day)
