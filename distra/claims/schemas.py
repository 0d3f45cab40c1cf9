"""Claims' API shapes: claims with their lines, events and evidence; decisions; the credit note;
the settlement-time KPI."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from distra.claims.choices import (
    ClaimKind,
    ClaimPeriod,
    ClaimStatus,
    LineDecision,
    LineKind,
    ManualReason,
)
from distra.core.api import Id

Amount = Field(..., max_digits=14, decimal_places=2, description="Rupees (or the currency's units), two decimals")


class ClaimFilter(Schema):
    status: ClaimStatus | None = None
    kind: ClaimKind | None = None
    reason: ManualReason | None = None
    distributor_id: Id | None = None
    period_from: date | None = Field(None, description="Generated claims whose period ends on or after this day")
    period_to: date | None = Field(None, description="Generated claims whose period starts on or before this day")


class ClaimLineOut(Schema):
    id: int
    kind: LineKind
    order_line_id: int | None
    order_number: str | None = Field(None, description="The order of the supporting line")
    invoice_line_id: int | None
    invoice_number: str | None = Field(None, description="The invoice of the supporting line")
    scheme_id: int | None
    scheme_code: str | None = None
    benefit_id: int | None
    return_line_id: int | None
    reverses_id: int | None = Field(None, description="The claimed line a return reversal takes back")
    sku_id: int | None
    occurred_on: date = Field(..., description="Delivered on (scheme lines), returned on (reversals), or the day of the loss")
    quantity: int = Field(..., description="Units the amount is for: delivered free units, delivered units, returned units")
    unit_value: Decimal = Field(..., description="Landing price of a free unit, or the scheme's discount per unit")
    base_amount: Decimal = Field(..., description="What the scheme cost the distributor on this line")
    funding_share_pct: Decimal
    amount: Decimal = Field(..., description="Claimed: the brand-funded share (negative for a reversal)")
    description: str
    decision: LineDecision
    approved_amount: Decimal | None
    decision_reason: str

    @staticmethod
    def resolve_order_number(obj) -> str | None:
        return obj.order_line.order.number if obj.order_line_id else None

    @staticmethod
    def resolve_invoice_number(obj) -> str | None:
        return obj.invoice_line.invoice.number if obj.invoice_line_id else None

    @staticmethod
    def resolve_scheme_code(obj) -> str | None:
        return obj.scheme.code if obj.scheme_id else None


class ClaimEventOut(Schema):
    id: int
    kind: str
    from_status: str
    to_status: str
    user: str | None
    channel: str
    note: str
    detail: dict
    created_at: datetime

    @staticmethod
    def resolve_user(obj) -> str | None:
        return obj.user.username if obj.user_id else None


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    uploaded_by_id: int
    created_at: datetime
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return f"/api/v1/claims/{obj.claim_id}/attachments/{obj.pk}"


class ClaimCreditNoteOut(Schema):
    id: int
    claim_id: int
    number: str
    issued_on: date
    amount: Decimal
    distributor_id: int
    distributor_name: str
    distributor_tax_id: str


class ClaimOut(Schema):
    id: int
    number: str
    distributor_id: int
    distributor_code: str
    kind: ClaimKind
    reason: str
    description: str
    period_start: date | None
    period_end: date | None
    status: ClaimStatus
    claimed: Decimal
    approved: Decimal
    decision_note: str
    created_at: datetime
    submitted_at: datetime | None
    review_started_at: datetime | None
    decided_at: datetime | None
    settled_at: datetime | None
    credit_note_number: str | None = None

    @staticmethod
    def resolve_distributor_code(obj) -> str:
        return obj.distributor.code

    @staticmethod
    def resolve_credit_note_number(obj) -> str | None:
        note = getattr(obj, "credit_note", None) if obj.status == ClaimStatus.SETTLED else None
        return note.number if note else None


class ClaimDetailOut(ClaimOut):
    lines: list[ClaimLineOut]
    attachments: list[AttachmentOut]
    events: list[ClaimEventOut]

    @staticmethod
    def resolve_lines(obj) -> list:
        from distra.claims.selectors import claim_lines

        return list(claim_lines(claim=obj))

    @staticmethod
    def resolve_attachments(obj) -> list:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_events(obj) -> list:
        return list(obj.events.all())


class ManualLineSchema(Schema):
    description: str = Field(..., max_length=300)
    amount: Decimal = Amount
    sku_id: Id | None = None
    quantity: int = Field(0, ge=0, le=10**9)
    invoice_line_id: Id | None = None


class ManualClaimIn(Schema):
    distributor_id: Id | None = Field(None, description="Brand users and administrators name it; a distributor user's own by default")
    reason: ManualReason
    description: str = Field(..., max_length=500)
    occurred_on: date | None = None
    lines: list[ManualLineSchema] = Field(..., max_length=200)


class ClaimLineIn(Schema):
    invoice_line_id: Id
    scheme_id: Id


class NoteIn(Schema):
    note: str = Field("", max_length=500)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=300)


class LineDecisionSchema(Schema):
    line_id: Id
    decision: Literal["approve", "cut", "reject"]
    approved_amount: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    reason: str = Field("", max_length=300)


class DecisionsIn(Schema):
    lines: list[LineDecisionSchema] = Field(..., min_length=1, max_length=1000)


class FinishIn(Schema):
    note: str = Field("", max_length=500)
    approve_rest: bool = Field(False, description="Approve in full every line not yet decided")


class GenerateIn(Schema):
    distributor_id: Id | None = Field(None, description="One distributor; every one when left out")
    on: date | None = Field(None, description="A day of the period to claim; the last closed period when left out")


class StatsOut(Schema):
    settled: int
    mean_days: float | None
    median_days: float | None
    p90_days: float | None
    max_days: float | None


class SettlementKpiOut(Schema):
    distributor_id: int | None
    distributor_code: str
    settlement: StatsOut
    open_claims: int = Field(..., description="Submitted and not yet settled")
    oldest_open_days: float | None

    @staticmethod
    def resolve_settlement(obj) -> StatsOut:
        return obj.stats


class SettlementReportOut(Schema):
    overall: SettlementKpiOut
    distributors: list[SettlementKpiOut]


class ClaimPolicyIn(Schema):
    period: ClaimPeriod


class ClaimPolicyOut(Schema):
    distributor_id: int
    period: ClaimPeriod
    default: bool = Field(..., description="True when the distributor follows the brand's default period")
