"""Choices of billing: the documents' series, statuses, credit note kinds and payment modes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SeriesDocument(models.TextChoices):
    """Each kind of document has its own gap-free number series per distributor and financial year."""

    INVOICE = "invoice", _("Tax invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class InvoiceStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    CANCELLED = "cancelled", _("Cancelled (credit note)")


class TaxRegimeCode(models.TextChoices):
    GST_IN = "gst_in", _("India GST")
    VAT = "vat", _("VAT")


class CreditNoteKind(models.TextChoices):
    CANCELLATION = "cancellation", _("Order cancelled")
    DELIVERY_SHORTFALL = "delivery_shortfall", _("Delivery shortfall")
    RETURN = "return", _("Return")
    OTHER = "other", _("Other")


class PaymentMode(models.TextChoices):
    CASH = "cash", _("Cash")
    CHEQUE = "cheque", _("Cheque")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    UPI = "upi", _("UPI")


# Modes whose payments carry a reference (cheque number, bank or UPI transaction id).
MODES_WITH_REFERENCE = frozenset({PaymentMode.CHEQUE, PaymentMode.BANK_TRANSFER, PaymentMode.UPI})
