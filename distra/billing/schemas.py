"""Billing's API shapes: invoices, credit notes, payments, outlet statements."""

from datetime import date
from decimal import Decimal

from ninja import Field, Schema

from distra.billing.choices import CreditNoteKind, InvoiceStatus, PaymentMode, TaxRegimeCode
from distra.core.api import Id

Money = Field(..., max_digits=14, decimal_places=2, gt=0, lt=Decimal("1000000000000"))


class AmountsOut(Schema):
    gross: Decimal
    discount: Decimal
    taxable: Decimal
    cgst: Decimal
    sgst: Decimal
    igst: Decimal
    vat: Decimal
    total: Decimal


class InvoiceLineOut(AmountsOut):
    id: int
    line_no: int
    order_line_id: int
    sku_id: int
    hsn: str
    description: str
    quantity: int = Field(..., description="Base units invoiced (the allocated quantity)")
    units_per_case: int
    unit_price: Decimal
    discount_pct: Decimal
    tax_rate: Decimal
    credited_quantity: int


class InvoiceOut(AmountsOut):
    id: int
    number: str
    order_id: int
    outlet_id: int
    distributor_id: int
    issued_on: date
    due_on: date
    status: InvoiceStatus
    regime: TaxRegimeCode
    seller_name: str
    seller_address: str
    seller_tax_id: str
    seller_state: str
    buyer_name: str
    buyer_address: str
    buyer_tax_id: str
    buyer_state: str
    place_of_supply: str = Field(..., description="GST state code of the place of supply (empty outside India)")
    tax: Decimal
    credited: Decimal
    paid: Decimal
    outstanding: Decimal = Field(..., description="total - credited - paid, never negative")
    lines: list[InvoiceLineOut]


class InvoiceFilter(Schema):
    outlet_id: Id | None = None
    distributor_id: Id | None = None
    order_id: Id | None = None
    status: InvoiceStatus | None = None
    issued_from: date | None = None
    issued_to: date | None = None
    open_only: bool = Field(False, description="Only invoices with something outstanding")
    number: str | None = Field(None, max_length=16)


class CreditNoteLineOut(AmountsOut):
    id: int
    invoice_line_id: int
    quantity: int


class CreditNoteOut(AmountsOut):
    id: int
    number: str
    invoice_id: int
    invoice_number: str
    outlet_id: int
    distributor_id: int
    issued_on: date
    kind: CreditNoteKind
    reason: str
    tax: Decimal
    lines: list[CreditNoteLineOut]

    @staticmethod
    def resolve_invoice_number(obj) -> str:
        return obj.invoice.number


class CreditNoteFilter(Schema):
    invoice_id: Id | None = None
    outlet_id: Id | None = None
    kind: CreditNoteKind | None = None
    distributor_id: Id | None = None
    issued_from: date | None = None
    issued_to: date | None = None
    number: str | None = Field(None, max_length=16, description="Part of the credit note's or its invoice's number")


class CreditLineIn(Schema):
    invoice_line_id: Id
    quantity: int = Field(..., ge=1, le=10**9, description="Base units to credit")


class CreditNoteIn(Schema):
    kind: CreditNoteKind = Field(CreditNoteKind.OTHER, description="Not cancellation: an invoice is cancelled by cancelling its order")
    reason: str = Field(..., min_length=1, max_length=200)
    lines: list[CreditLineIn] = Field(..., min_length=1, max_length=200)


class AllocationIn(Schema):
    invoice_id: Id
    amount: Decimal = Money


class PaymentIn(Schema):
    outlet_id: Id
    amount: Decimal = Money
    mode: PaymentMode
    reference: str = Field("", max_length=64, description="Required for cheque, bank transfer and UPI")
    received_on: date | None = Field(None, description="Today when left out; never in the future")
    allocations: list[AllocationIn] | None = Field(
        None, max_length=200, description="Invoices to settle; left out: the outlet's open invoices, oldest first")
    note: str = Field("", max_length=200)


class AllocationOut(Schema):
    invoice_id: int
    invoice_number: str
    amount: Decimal

    @staticmethod
    def resolve_invoice_number(obj) -> str:
        return obj.invoice.number


class PaymentOut(Schema):
    id: int
    outlet_id: int
    distributor_id: int
    amount: Decimal
    allocated: Decimal
    unallocated: Decimal = Field(..., description="On the outlet's account")
    mode: PaymentMode
    reference: str
    received_on: date
    received_by_id: int
    note: str
    allocations: list[AllocationOut]


class PaymentFilter(Schema):
    outlet_id: Id | None = None
    distributor_id: Id | None = None
    mode: PaymentMode | None = None
    received_from: date | None = None
    received_to: date | None = None


class OpenInvoiceOut(Schema):
    id: int
    number: str
    issued_on: date
    due_on: date
    total: Decimal
    outstanding: Decimal
    days_past_due: int


class StatementOut(Schema):
    outlet_id: int
    as_of: date
    outstanding: Decimal
    on_account: Decimal = Field(..., description="Payments not allocated to invoices")
    balance: Decimal = Field(..., description="outstanding - on_account")
    ageing: dict[str, Decimal] = Field(..., description="Outstanding by days past due: current, 1_30, 31_60, 61_90, over_90")
    open_invoices: list[OpenInvoiceOut]

    @staticmethod
    def resolve_outlet_id(obj) -> int:
        return obj.outlet.pk
