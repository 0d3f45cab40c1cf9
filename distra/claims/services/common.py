"""What every claim service shares: locking a claim within the user's scope, moving it along the
transition table with its event, and keeping its totals."""

from __future__ import annotations

from django.db.models import Sum
from django.utils import timezone

from distra.claims.choices import CLAIM_TRANSITIONS, Channel, ClaimStatus, EventKind
from distra.claims.models import Claim, ClaimEvent
from distra.core.errors import Conflict, NotFound
from distra.core.money import round_money

STAMPS = {
    ClaimStatus.SUBMITTED: "submitted_at",
    ClaimStatus.UNDER_REVIEW: "review_started_at",
    ClaimStatus.APPROVED: "decided_at",
    ClaimStatus.PARTIALLY_APPROVED: "decided_at",
    ClaimStatus.REJECTED: "decided_at",
    ClaimStatus.SETTLED: "settled_at",
}


def lock_claim(by, pk: int) -> Claim:
    """The claim ``pk`` locked for update (call inside a transaction), if ``by`` may see it; a
    404 otherwise, so that another distributor's claims are not revealed."""
    locked = Claim.objects.for_user(by).select_for_update(of=("self",)).select_related("distributor").filter(pk=pk).first()
    if locked is None:
        raise NotFound(f"No claim with id {pk}.")
    return locked


def record(claim: Claim, *, by, kind: str, from_status: str = "", to_status: str = "", note: str = "", channel: str = "",
           **detail) -> ClaimEvent:
    """One timeline entry; without a user (the scheduled job) the channel is the system."""
    user = by if getattr(by, "pk", None) else None
    return ClaimEvent.objects.create(claim=claim, kind=kind, from_status=from_status, to_status=to_status, user=user,
                                     channel=channel or (Channel.WEB if user else Channel.SYSTEM), note=note[:500], detail=detail)


def require_status(claim: Claim, *statuses: str, action: str) -> None:
    if claim.status not in statuses:
        raise Conflict(f"Claim {claim.number} is {claim.get_status_display().lower()}; it cannot be {action} now.",
                       code="transition_not_allowed")


def move_to(claim: Claim, target: str, *, by, note: str = "", channel: str = "", **detail) -> Claim:
    """Change the status along ``CLAIM_TRANSITIONS`` (409 ``transition_not_allowed`` otherwise),
    stamp the time, and write the event."""
    if target not in CLAIM_TRANSITIONS[claim.status]:
        raise Conflict(f"A claim that is {claim.get_status_display().lower()} cannot become {ClaimStatus(target).label.lower()}.",
                       code="transition_not_allowed")
    source = claim.status
    claim.status = target
    fields = ["status", "updated_at"]
    stamp = STAMPS.get(target)
    if stamp:
        setattr(claim, stamp, timezone.now())
        fields.append(stamp)
    claim.save(update_fields=fields)
    record(claim, by=by, kind=EventKind.STATUS, from_status=source, to_status=target, note=note, channel=channel, **detail)
    return claim


def refresh_totals(claim: Claim) -> None:
    """``claimed`` and ``approved`` from the lines (sums of rounded line amounts)."""
    sums = claim.lines.aggregate(claimed=Sum("amount"), approved=Sum("approved_amount"))
    claim.claimed = round_money(sums["claimed"] or 0)  # SQLite sums decimals as floats: back to the paisa
    claim.approved = round_money(sums["approved"] or 0)
    claim.save(update_fields=["claimed", "approved", "updated_at"])
