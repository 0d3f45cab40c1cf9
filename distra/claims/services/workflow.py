"""The claim workflow after drafting: submit, review line by line, decide, settle by credit note.

Each service runs in one transaction, re-checks the user's permission and the claim's scope, and
locks the claim row before it changes anything; nothing is written when a check fails."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from distra.claims import domain
from distra.claims.choices import ClaimKind, ClaimStatus, EventKind, LineDecision, LineKind
from distra.claims.models import Claim, ClaimCreditNote, ClaimCreditNoteSeries
from distra.claims.services.common import (
    lock_claim,
    move_to,
    record,
    refresh_totals,
    require_status,
)
from distra.core.errors import Conflict, FieldProblem, ValidationFailed
from distra.core.money import round_money
from distra.core.permissions import require_perm

MAX_REASON = 300
MAX_NOTE = 500


@transaction.atomic
def claim_submit(*, by, claim: Claim, note: str = "", channel: str = "") -> Claim:
    """Draft → submitted. A claim needs lines; a generated claim's period must be over
    (409 ``period_not_over``); a manual claim needs its evidence (409 ``evidence_required``)."""
    require_perm(by, "claims.add_claim")
    claim = lock_claim(by, claim.pk)
    require_status(claim, ClaimStatus.DRAFT, action="submitted")
    if not claim.lines.exists():
        raise Conflict(f"Claim {claim.number} has no lines to claim.", code="claim_empty")
    if claim.kind == ClaimKind.SCHEME and claim.period_end >= timezone.localdate():
        raise Conflict(f"The period of claim {claim.number} ends on {claim.period_end}; submit it after that.", code="period_not_over")
    if claim.kind == ClaimKind.MANUAL and not claim.attachments.exists():
        raise Conflict("Attach the evidence (a photo or a document) before submitting.", code="evidence_required")
    if claim.claimed <= 0:
        raise Conflict(f"Claim {claim.number} claims nothing (its reversals outweigh its lines).", code="nothing_to_claim")
    return move_to(claim, ClaimStatus.SUBMITTED, by=by, note=_short(note, MAX_NOTE), channel=channel)


@transaction.atomic
def claim_review_start(*, by, claim: Claim, channel: str = "") -> Claim:
    """Submitted → under review (the brand has picked it up)."""
    require_perm(by, "claims.review_claim")
    claim = lock_claim(by, claim.pk)
    return move_to(claim, ClaimStatus.UNDER_REVIEW, by=by, channel=channel)


@dataclass(frozen=True)
class LineDecisionIn:
    """A reviewer's decision on one line: ``approve`` (in full), ``cut`` (to ``approved_amount``,
    with a reason) or ``reject`` (with a reason)."""

    line_id: int
    decision: str
    approved_amount: Decimal | None = None
    reason: str = ""


DECISIONS = {"approve": LineDecision.APPROVED, "cut": LineDecision.CUT, "reject": LineDecision.REJECTED}


def _decided(line, item: LineDecisionIn, name: str, problems: dict) -> tuple[str, Decimal, str] | None:
    """(decision, approved amount, reason) of one line, or None after noting its problems."""
    def problem(field: str, code: str, message: str) -> None:
        problems.setdefault(f"{name}.{field}", []).append(FieldProblem(code, message))

    decision = DECISIONS.get(item.decision)
    reason = (item.reason or "").strip()
    if decision is None:
        return problem("decision", "invalid_choice", "Decide approve, cut or reject.")
    if line.kind == LineKind.RETURN_REVERSAL and decision != LineDecision.APPROVED:
        return problem("decision", "reversal_not_adjustable", "A return reversal takes back what was claimed; approve it.")
    if decision != LineDecision.APPROVED and not reason:
        return problem("reason", "reason_required", "Say why the line is cut or rejected.")
    if len(reason) > MAX_REASON:
        return problem("reason", "too_long", f"At most {MAX_REASON} characters.")
    if decision == LineDecision.APPROVED:
        return decision, line.amount, reason
    if decision == LineDecision.REJECTED:
        return decision, Decimal("0.00"), reason
    try:
        amount = round_money(Decimal(item.approved_amount)) if item.approved_amount is not None else None
    except (InvalidOperation, ValueError, TypeError):
        amount = None
    if amount is None or not amount.is_finite():
        return problem("approved_amount", "required", "Give the amount approved.")
    if amount > line.amount:
        return problem("approved_amount", "approval_exceeds_claim", f"At most the {line.amount} claimed.")
    if amount <= 0:
        return problem("approved_amount", "not_positive", "More than 0; reject the line to approve nothing.")
    if amount == line.amount:
        return LineDecision.APPROVED, amount, reason
    return decision, amount, reason


@transaction.atomic
def claim_lines_decide(*, by, claim: Claim, decisions: list[LineDecisionIn], channel: str = "") -> Claim:
    """Decide lines of a claim under review, all or none: approve in full, cut to a smaller amount
    (0 < amount < claimed, with a reason; 422 ``approval_exceeds_claim`` above what was claimed)
    or reject (with a reason). A line may be decided again until the review is finished."""
    require_perm(by, "claims.review_claim")
    claim = lock_claim(by, claim.pk)
    require_status(claim, ClaimStatus.UNDER_REVIEW, action="decided")
    lines = {line.pk: line for line in claim.lines.select_for_update().filter(pk__in=[d.line_id for d in decisions])}
    problems: dict[str, list[FieldProblem]] = {}
    changed = []
    for i, item in enumerate(decisions):
        line = lines.get(item.line_id)
        if line is None:
            problems.setdefault(f"lines[{i}].line_id", []).append(FieldProblem("not_found", f"Claim {claim.number} has no line {item.line_id}."))
            continue
        result = _decided(line, item, f"lines[{i}]", problems)
        if result is not None:
            line.decision, line.approved_amount, line.decision_reason = result
            changed.append(line)
    if not decisions:
        problems["lines"] = [FieldProblem("required", "Decide at least one line.")]
    if problems:
        raise ValidationFailed(problems)
    type(changed[0]).objects.bulk_update(changed, ["decision", "approved_amount", "decision_reason", "updated_at"])
    refresh_totals(claim)
    record(claim, by=by, kind=EventKind.LINE_DECIDED, channel=channel,
           lines=[[line.pk, line.decision, str(line.approved_amount), line.decision_reason] for line in changed])
    return claim


@transaction.atomic
def claim_review_finish(*, by, claim: Claim, note: str = "", approve_rest: bool = False, channel: str = "") -> Claim:
    """Under review → approved (every line in full), partially approved, or rejected (nothing
    approved), from the lines' decisions; 409 ``lines_undecided`` while a line is undecided
    (``approve_rest`` approves those in full first)."""
    require_perm(by, "claims.review_claim")
    claim = lock_claim(by, claim.pk)
    require_status(claim, ClaimStatus.UNDER_REVIEW, action="decided")
    pending = claim.lines.filter(decision=LineDecision.PENDING)
    if approve_rest:
        for line in pending.select_for_update():
            line.decision, line.approved_amount = LineDecision.APPROVED, line.amount
            line.save(update_fields=["decision", "approved_amount", "updated_at"])
    elif pending.exists():
        raise Conflict(f"{pending.count()} line(s) of claim {claim.number} are not decided yet.", code="lines_undecided")
    refresh_totals(claim)
    decided = [domain.Decided(line.amount, line.decision, line.approved_amount) for line in claim.lines.all()]
    target, approved = domain.outcome(decided)
    claim.decision_note = _short(note, MAX_NOTE)
    claim.save(update_fields=["decision_note", "updated_at"])
    return move_to(claim, target, by=by, note=claim.decision_note, channel=channel, approved=str(approved))


@transaction.atomic
def claim_reject(*, by, claim: Claim, reason: str, channel: str = "") -> Claim:
    """Reject a claim under review as a whole: every line rejected with ``reason``."""
    require_perm(by, "claims.review_claim")
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise ValidationFailed({"reason": [FieldProblem("reason_required", f"Say why (1 to {MAX_REASON} characters).")]})
    claim = lock_claim(by, claim.pk)
    require_status(claim, ClaimStatus.UNDER_REVIEW, action="rejected")
    claim.lines.update(decision=LineDecision.REJECTED, approved_amount=Decimal("0.00"), decision_reason=reason, updated_at=timezone.now())
    refresh_totals(claim)
    claim.decision_note = reason
    claim.save(update_fields=["decision_note", "updated_at"])
    return move_to(claim, ClaimStatus.REJECTED, by=by, note=reason, channel=channel)


def _series(year: int) -> ClaimCreditNoteSeries:
    """The financial year's claim credit note series, locked (made on first use)."""
    from distra.billing.domain import financial_year_label

    rows = ClaimCreditNoteSeries.objects.select_for_update().filter(financial_year=year)
    if not rows.exists():
        try:
            with transaction.atomic():
                ClaimCreditNoteSeries.objects.create(financial_year=year, prefix=f"BCN/{financial_year_label(year)}/")
        except IntegrityError:
            pass
    return rows.get()


@transaction.atomic
def claim_settle(*, by, claim: Claim, note: str = "", channel: str = "") -> ClaimCreditNote:
    """Approved or partially approved → settled, by the brand's credit note to the distributor for
    the approved amount, numbered gap-free in the claim series of today's financial year (the
    series row is locked after the claim). 409 ``nothing_to_settle`` when nothing is approved."""
    from distra.billing.domain import financial_year

    require_perm(by, "claims.settle_claim")
    claim = lock_claim(by, claim.pk)
    require_status(claim, ClaimStatus.APPROVED, ClaimStatus.PARTIALLY_APPROVED, action="settled")
    refresh_totals(claim)
    if claim.approved <= 0:
        raise Conflict(f"Nothing of claim {claim.number} is approved; there is nothing to settle.", code="nothing_to_settle")
    today = timezone.localdate()
    series = _series(financial_year(today))
    sequence = series.next_number
    series.next_number += 1
    series.save(update_fields=["next_number", "updated_at"])
    distributor = claim.distributor
    note_row = ClaimCreditNote.objects.create(
        claim=claim, distributor=distributor, number=f"{series.prefix}{sequence:05d}", financial_year=series.financial_year,
        sequence=sequence, issued_on=today, amount=claim.approved, distributor_name=distributor.legal_name,
        distributor_tax_id=distributor.tax_id or "", issued_by=by)
    move_to(claim, ClaimStatus.SETTLED, by=by, note=_short(note, MAX_NOTE), channel=channel, credit_note=note_row.number,
            amount=str(note_row.amount))
    return note_row


def _short(text: str, limit: int) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise ValidationFailed({"note": [FieldProblem("too_long", f"At most {limit} characters.")]})
    return text
