"""Drafting claims by hand: a distributor's manual claim (damage, expiry, price difference), a
scheme line added to a generated draft, and the evidence attached to a claim."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction

from distra.claims.choices import (
    ATTACHABLE_STATUSES,
    SCHEME_LINE_KINDS,
    ClaimKind,
    ClaimStatus,
    EventKind,
    LineKind,
    ManualReason,
)
from distra.claims.models import Claim, ClaimAttachment, ClaimLine
from distra.claims.services.common import lock_claim, record, refresh_totals, require_status
from distra.claims.services.generation import DELIVERED, scheme_line_for
from distra.core.errors import Conflict, DomainError, FieldProblem, ValidationFailed
from distra.core.money import round_money
from distra.core.permissions import require_perm

MAX_LINES = 200
MAX_AMOUNT = Decimal("100000000")


def line_not_of_distributor(field: str, claim: Claim) -> DomainError:
    return DomainError(message=f"That invoice line is not {claim.distributor.code}'s; a claim holds only its distributor's lines.",
                       code="line_not_of_distributor", status=422,
                       fields={field: [FieldProblem("line_not_of_distributor", "Not an invoice line of this claim's distributor.")]})


def already_claimed_error() -> Conflict:
    return Conflict("This invoice line is already claimed for this scheme.", code="already_claimed")


@dataclass(frozen=True)
class ManualLineIn:
    description: str
    amount: Decimal
    sku_id: int | None = None
    quantity: int = 0
    invoice_line_id: int | None = None


def _manual_lines(claim: Claim, lines: list[ManualLineIn], on) -> list[ClaimLine]:
    from distra.billing.models import InvoiceLine
    from distra.catalog.models import SKU

    problems: dict[str, list[FieldProblem]] = {}

    def problem(field: str, code: str, message: str) -> None:
        problems.setdefault(field, []).append(FieldProblem(code, message))

    if not lines:
        problem("lines", "required", "Claim at least one amount.")
    if len(lines) > MAX_LINES:
        problem("lines", "too_many", f"At most {MAX_LINES} lines.")
    made = []
    for i, item in enumerate(lines[:MAX_LINES]):
        name = f"lines[{i}]"
        try:
            amount = round_money(Decimal(item.amount))
        except (InvalidOperation, ValueError, TypeError):
            amount = None
        if amount is None or not amount.is_finite():
            problem(f"{name}.amount", "invalid", "Give the amount as a number.")
        elif amount <= 0:
            problem(f"{name}.amount", "amount_not_positive", "An amount claimed is more than 0.")
        elif amount > MAX_AMOUNT:
            problem(f"{name}.amount", "too_large", f"At most {MAX_AMOUNT}.")
        description = (item.description or "").strip()
        if not description or len(description) > 300:
            problem(f"{name}.description", "required", "Say what the amount is for (1 to 300 characters).")
        if item.quantity < 0:
            problem(f"{name}.quantity", "negative", "Units are 0 or more.")
        if item.sku_id is not None and not SKU.objects.filter(pk=item.sku_id).exists():
            problem(f"{name}.sku_id", "not_found", f"No SKU with id {item.sku_id}.")
        invoice_line = None
        if item.invoice_line_id is not None:
            invoice_line = InvoiceLine.objects.select_related("invoice").filter(pk=item.invoice_line_id).first()
            if invoice_line is None:
                problem(f"{name}.invoice_line_id", "not_found", f"No invoice line with id {item.invoice_line_id}.")
            elif invoice_line.invoice.distributor_id != claim.distributor_id:
                raise line_not_of_distributor(f"{name}.invoice_line_id", claim)
        if amount is not None and amount.is_finite() and amount > 0:
            made.append(ClaimLine(kind=LineKind.MANUAL, amount=amount, description=description[:300], sku_id=item.sku_id,
                                  quantity=max(item.quantity, 0), invoice_line=invoice_line, occurred_on=on, base_amount=amount))
    if problems:
        raise ValidationFailed(problems)
    return made


@transaction.atomic
def claim_manual_create(*, by, distributor, reason: str, description: str, lines: list[ManualLineIn], occurred_on=None,
                        channel: str = "") -> Claim:
    """A distributor's own claim (damage, expiry, price difference) as a draft, with its amounts;
    a distributor user raises claims for its own distributor only (the scope decides). 422
    ``amount_not_positive`` for an amount of 0 or less; nothing is written on any problem."""
    from django.utils import timezone

    from distra.core.permissions import require_in_scope

    require_perm(by, "claims.add_claim")
    require_in_scope(by, distributor, "No distributor with that id in your scope.")
    problems: dict[str, list[FieldProblem]] = {}
    if reason not in ManualReason.values:
        problems["reason"] = [FieldProblem("invalid_choice", f"One of: {', '.join(ManualReason.values)}.")]
    description = (description or "").strip()
    if not description or len(description) > 500:
        problems["description"] = [FieldProblem("required", "Describe the claim (1 to 500 characters).")]
    if occurred_on is not None and occurred_on > timezone.localdate():
        problems["occurred_on"] = [FieldProblem("in_future", "The loss has happened already: a day up to today.")]
    if problems:
        raise ValidationFailed(problems)
    on = occurred_on or timezone.localdate()
    claim = Claim.objects.create(distributor=distributor, kind=ClaimKind.MANUAL, reason=reason, description=description, created_by=by)
    made = _manual_lines(claim, lines, on)
    for line in made:
        line.claim = claim
    ClaimLine.objects.bulk_create(made)
    refresh_totals(claim)
    record(claim, by=by, kind=EventKind.CREATED, to_status=ClaimStatus.DRAFT, channel=channel, reason=reason, lines=len(made))
    return claim


@transaction.atomic
def claim_line_add(*, by, claim: Claim, invoice_line_id: int, scheme_id: int, channel: str = "") -> ClaimLine:
    """Add one scheme's brand-funded share on one delivered invoice line to a draft scheme claim,
    as the generation would have. 422 ``line_not_of_distributor`` for another distributor's line;
    409 ``already_claimed`` when that invoice line is claimed for that scheme (in any claim);
    409 ``line_not_delivered`` before delivery; 422 ``no_scheme_benefit`` when the scheme gave
    nothing on the line. Locks the claim, then the distributor row (as the generation does)."""
    from distra.billing.models import InvoiceLine
    from distra.partners.models import Distributor
    from distra.pricing.models import SchemeBenefit

    require_perm(by, "claims.add_claim")
    claim = lock_claim(by, claim.pk)
    require_status(claim, ClaimStatus.DRAFT, action="changed")
    if claim.kind != ClaimKind.SCHEME:
        raise Conflict("Scheme lines go into a scheme claim.", code="not_a_scheme_claim")
    Distributor.objects.select_for_update().filter(pk=claim.distributor_id).first()
    invoice_line = InvoiceLine.objects.select_related("invoice", "order_line__order").filter(pk=invoice_line_id).first()
    if invoice_line is None:
        raise ValidationFailed({"invoice_line_id": [FieldProblem("not_found", f"No invoice line with id {invoice_line_id}.")]})
    if invoice_line.invoice.distributor_id != claim.distributor_id:
        raise line_not_of_distributor("invoice_line_id", claim)
    if ClaimLine.objects.filter(order_line_id=invoice_line.order_line_id, scheme_id=scheme_id, kind__in=SCHEME_LINE_KINDS).exists():
        raise already_claimed_error()
    if invoice_line.order_line.order.status not in DELIVERED:
        raise Conflict("That invoice line has not been delivered yet; only delivered lines are claimed.", code="line_not_delivered")
    benefit = (SchemeBenefit.objects.select_related("order", "scheme", "order_line__invoice_line", "order_line__sku", "free_sku",
                                                    "free_line__sku")
               .filter(order_line_id=invoice_line.order_line_id, scheme_id=scheme_id).first())
    line = scheme_line_for(benefit) if benefit is not None else None
    if line is None:
        raise ValidationFailed({"scheme_id": [FieldProblem("no_scheme_benefit", "This scheme gave nothing the brand funds on that line.")]})
    line.claim = claim
    try:
        with transaction.atomic():
            line.save()
    except IntegrityError as exc:
        raise already_claimed_error() from exc
    refresh_totals(claim)
    record(claim, by=by, kind=EventKind.LINES_ADDED, channel=channel, lines=1, amount=str(line.amount), invoice_line=invoice_line.pk,
           scheme=scheme_id)
    return line


# Evidence -------------------------------------------------------------------------------------------

# Accepted evidence, recognised by the file's first bytes (its name and declared type can lie).
SIGNATURES = [(b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png")]
MAX_ATTACHMENTS = 10


def max_attachment_bytes() -> int:
    return int(getattr(settings, "DISTRA_CLAIM_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024))


def sniff(head: bytes) -> str | None:
    """The content type of a file from its first bytes: PDF, JPEG, PNG or WebP; None otherwise."""
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def _bad_attachment(code: str, message: str) -> ValidationFailed:
    return ValidationFailed({"file": [FieldProblem(code, message)]}, message=message)


@transaction.atomic
def claim_attachment_add(*, by, claim: Claim, upload, channel: str = "") -> ClaimAttachment:
    """Store one piece of evidence of a claim through Django's storage: a PDF, JPEG, PNG or WebP
    (by content) of at most DISTRA_CLAIM_ATTACHMENT_MAX_BYTES (5 MB unless configured), at most
    10 per claim, until the claim is decided. 422 ``attachment_empty``, ``attachment_too_large``,
    ``attachment_type_not_allowed``; 409 ``too_many_attachments``."""
    if not (by.has_perm("claims.add_claim") or by.has_perm("claims.review_claim")):
        require_perm(by, "claims.add_claim")
    claim = lock_claim(by, claim.pk)
    require_status(claim, *ATTACHABLE_STATUSES, action="given more evidence")
    if upload is None or not upload.size:
        raise _bad_attachment("attachment_empty", "The file is empty.")
    limit = max_attachment_bytes()
    if upload.size > limit:
        raise _bad_attachment("attachment_too_large", f"A file is at most {limit // (1024 * 1024)} MB.")
    upload.seek(0)
    content_type = sniff(upload.read(16))
    upload.seek(0)
    if content_type is None:
        raise _bad_attachment("attachment_type_not_allowed", "Attach a PDF or a photo (JPEG, PNG or WebP).")
    if claim.attachments.count() >= MAX_ATTACHMENTS:
        raise Conflict(f"A claim has at most {MAX_ATTACHMENTS} attachments.", code="too_many_attachments")
    name = (upload.name or "evidence").rsplit("/", 1)[-1][:200]
    attachment = ClaimAttachment(claim=claim, name=name, content_type=content_type, size=upload.size, uploaded_by=by)
    attachment.file.save(name, upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)  # the row did not make it: leave no orphan file
        raise
    record(claim, by=by, kind=EventKind.ATTACHMENT, channel=channel, attachment=attachment.pk, name=name, size=upload.size)
    return attachment
