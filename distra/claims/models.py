"""Claims: what a distributor asks the brand to reimburse (the brand-funded share of the schemes it
passed on to outlets, or a loss it raises by hand), the supporting lines, the review decisions,
the events, the evidence, and the credit note that settles a claim.

Only ``distra.claims.services`` writes these rows. Money is Decimal rounded half-up to the paisa
per line (distra.core.money); a claim's ``claimed`` and ``approved`` are the sums of its lines.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from distra.claims.choices import (
    SCHEME_LINE_KINDS,
    Channel,
    ClaimKind,
    ClaimPeriod,
    ClaimStatus,
    EventKind,
    LineDecision,
    LineKind,
    ManualReason,
)
from distra.core.models import ScopedModel, TimeStampedModel

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")


def _of_visible_distributors(scope, path: str = "distributor") -> Q:
    if scope.distributor_id is not None:
        return Q(**{f"{path}_id": scope.distributor_id})
    from distra.partners.models import Distributor

    return Q(**{f"{path}__in": Distributor.objects.for_scope(scope).values("id")})


class ClaimPolicy(ScopedModel):
    """A distributor's claim period, where it differs from the brand's default
    (``settings.DISTRA_CLAIM_PERIOD``, a calendar month unless configured)."""

    distributor = models.OneToOneField("partners.Distributor", on_delete=models.CASCADE, related_name="claim_policy")
    period = models.CharField(_("claim period"), max_length=10, choices=ClaimPeriod.choices, default=ClaimPeriod.MONTH)

    class Meta:
        verbose_name = _("claim policy")
        verbose_name_plural = _("claim policies")
        constraints = [models.CheckConstraint(condition=Q(period__in=ClaimPeriod.values), name="claim_policy_period_valid")]

    def __str__(self) -> str:
        return f"{self.distributor_id}: {self.period}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return _of_visible_distributors(scope)


class Claim(ScopedModel):
    """One claim of one distributor on the brand: generated per period from the scheme benefits of
    delivered invoice lines, or raised by hand (damage, expiry, price difference).

    Invariants: status changes follow ``CLAIM_TRANSITIONS`` and each writes a ClaimEvent; a
    generated claim has its period, a manual one a reason; at most one generated draft per
    distributor and period (a re-run of the job adds to it); ``claimed`` is the sum of the lines'
    amounts, ``approved`` the sum of their approved amounts once decided."""

    distributor = models.ForeignKey("partners.Distributor", on_delete=models.PROTECT, related_name="claims", verbose_name=_("distributor"))
    kind = models.CharField(_("kind"), max_length=10, choices=ClaimKind.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=ManualReason.choices, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to (inclusive)"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT, db_index=True)
    claimed = models.DecimalField(_("claimed"), **MONEY, default=ZERO)
    approved = models.DecimalField(_("approved"), **MONEY, default=ZERO)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    review_started_at = models.DateTimeField(_("review started"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)

    class Meta:
        verbose_name = _("claim")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["distributor", "status", "created_at"]), models.Index(fields=["status", "settled_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ClaimStatus.values), name="claim_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=ClaimKind.values), name="claim_kind_valid"),
            models.CheckConstraint(
                condition=(Q(kind=ClaimKind.SCHEME, period_start__isnull=False, period_end__isnull=False, reason="")
                           | Q(kind=ClaimKind.MANUAL, reason__in=ManualReason.values)),
                name="claim_kind_fields"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")) | Q(period_start__isnull=True), name="claim_period_order"),
            models.UniqueConstraint(fields=["distributor", "period_start", "period_end"], condition=Q(kind="scheme", status="draft"),
                                    name="claim_one_generated_draft_per_period"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"CLM-{self.pk:06d}" if self.pk else "CLM-new"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return _of_visible_distributors(scope)


class ClaimLine(ScopedModel):
    """One supporting line of a claim: the brand-funded share of one scheme on one delivered
    order line and its invoice line (free goods at the landing price × delivered free units, or
    the discount × the delivered share), a reversal of such a line for units returned, or an
    amount raised by hand.

    Invariants (database): an order line (so its invoice line) is claimed at most once per scheme,
    and a return line reversed at most once per scheme, across all claims; generated and manual amounts are
    positive (a reversal negative); a decided line's approved amount lies between 0 and the
    claimed amount (a reversal is taken as claimed); a cut or rejected line carries its reason."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("kind"), max_length=20, choices=LineKind.choices)
    order_line = models.ForeignKey("orders.OrderLine", null=True, blank=True, on_delete=models.PROTECT, related_name="claim_lines")
    invoice_line = models.ForeignKey("billing.InvoiceLine", null=True, blank=True, on_delete=models.PROTECT, related_name="claim_lines")
    scheme = models.ForeignKey("pricing.Scheme", null=True, blank=True, on_delete=models.PROTECT, related_name="claim_lines")
    benefit = models.ForeignKey("pricing.SchemeBenefit", null=True, blank=True, on_delete=models.PROTECT, related_name="claim_lines")
    return_line = models.ForeignKey("orders.OrderReturnLine", null=True, blank=True, on_delete=models.PROTECT, related_name="claim_lines")
    reverses = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversals")
    sku = models.ForeignKey("catalog.SKU", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    occurred_on = models.DateField(_("date"))
    quantity = models.IntegerField(_("units"), default=0)
    unit_value = models.DecimalField(_("value per unit"), max_digits=12, decimal_places=4, default=ZERO)
    base_amount = models.DecimalField(_("scheme cost"), **MONEY, default=ZERO)
    funding_share_pct = models.DecimalField(_("brand-funded share (%)"), max_digits=5, decimal_places=2, default=Decimal("100"))
    amount = models.DecimalField(_("claimed"), **MONEY)
    description = models.CharField(_("description"), max_length=300, blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=LineDecision.choices, default=LineDecision.PENDING)
    approved_amount = models.DecimalField(_("approved"), **MONEY, null=True, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("claim line")
        ordering = ["claim", "id"]
        constraints = [
            models.UniqueConstraint(fields=["invoice_line", "scheme"], condition=Q(kind__in=SCHEME_LINE_KINDS),
                                    name="claim_line_invoice_line_scheme_once"),
            models.UniqueConstraint(fields=["order_line", "scheme"], condition=Q(kind__in=SCHEME_LINE_KINDS),
                                    name="claim_line_order_line_scheme_once"),
            models.UniqueConstraint(fields=["return_line", "scheme"], condition=Q(kind=LineKind.RETURN_REVERSAL),
                                    name="claim_line_return_reversed_once"),
            models.CheckConstraint(condition=Q(kind__in=LineKind.values), name="claim_line_kind_valid"),
            models.CheckConstraint(condition=Q(decision__in=LineDecision.values), name="claim_line_decision_valid"),
            models.CheckConstraint(
                condition=(Q(kind=LineKind.RETURN_REVERSAL, amount__lt=0, return_line__isnull=False, reverses__isnull=False)
                           | Q(kind__in=SCHEME_LINE_KINDS, amount__gt=0, order_line__isnull=False, scheme__isnull=False)
                           | Q(kind=LineKind.MANUAL, amount__gt=0)),
                name="claim_line_amount_sign"),
            models.CheckConstraint(
                condition=(Q(decision=LineDecision.PENDING, approved_amount__isnull=True)
                           | Q(decision=LineDecision.APPROVED, approved_amount=F("amount"))
                           | Q(decision=LineDecision.REJECTED, approved_amount=0)
                           | Q(decision=LineDecision.CUT, approved_amount__gt=0, approved_amount__lt=F("amount"))),
                name="claim_line_approved_within_claimed"),
            models.CheckConstraint(condition=Q(decision__in=[LineDecision.PENDING, LineDecision.APPROVED]) | ~Q(decision_reason=""),
                                   name="claim_line_cut_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id}/{self.pk}: {self.kind} {self.amount}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return Q(claim__in=Claim.objects.for_scope(scope).values("id"))


class ClaimEvent(ScopedModel):
    """One entry of a claim's timeline: who did what, when, through which channel. Never edited."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=ClaimStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ClaimStatus.choices, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.SYSTEM)
    note = models.CharField(_("note"), max_length=500, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("claim event")
        ordering = ["claim", "id"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="claim_event_kind_valid"),
                       models.CheckConstraint(condition=Q(channel__in=Channel.values), name="claim_event_channel_valid")]

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.kind} {self.from_status}→{self.to_status}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return Q(claim__in=Claim.objects.for_scope(scope).values("id"))


def attachment_path(instance, filename: str) -> str:
    # The stored name is random: the uploader's file name is kept in ``name`` for display only.
    import uuid

    return f"claims/{instance.claim_id}/{uuid.uuid4().hex}"


class ClaimAttachment(ScopedModel):
    """Evidence of a claim (a photo, a PDF), stored through Django's storage (never served
    directly: downloaded through a view that checks the claim's scope). Never edited."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("claim attachment")
        ordering = ["claim", "id"]
        constraints = [models.CheckConstraint(condition=Q(size__gt=0), name="claim_attachment_not_empty")]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, scope) -> Q:
        return Q(claim__in=Claim.objects.for_scope(scope).values("id"))


class ClaimCreditNoteSeries(TimeStampedModel):
    """The brand's number series of claim credit notes for one financial year (April to March).
    Gap-free: a number is taken by locking this row and incrementing ``next_number`` in the
    settlement's own transaction, so a rolled-back settlement gives its number back."""

    financial_year = models.PositiveIntegerField(_("financial year (starting April)"), unique=True)
    prefix = models.CharField(_("prefix"), max_length=16)
    next_number = models.PositiveIntegerField(_("next number"), default=1)

    class Meta:
        verbose_name = _("claim credit note series")
        constraints = [models.CheckConstraint(condition=Q(next_number__gte=1), name="claim_series_next_number_positive")]

    def __str__(self) -> str:
        return f"{self.prefix} next {self.next_number}"


class ClaimCreditNote(ScopedModel):
    """The brand's credit note to a distributor that settles one claim: the claim's approved
    amount, numbered gap-free in the brand's claim series. Never edited.
    Invariants: one per claim; (financial_year, sequence) and number unique; amount > 0."""

    claim = models.OneToOneField(Claim, on_delete=models.PROTECT, related_name="credit_note")
    distributor = models.ForeignKey("partners.Distributor", on_delete=models.PROTECT, related_name="claim_credit_notes")
    number = models.CharField(_("number"), max_length=24, unique=True)
    financial_year = models.PositiveIntegerField(_("financial year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    issued_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), **MONEY)
    distributor_name = models.CharField(_("distributor"), max_length=200)
    distributor_tax_id = models.CharField(_("distributor GSTIN"), max_length=32, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("claim credit note")
        ordering = ["-issued_on", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["financial_year", "sequence"], name="claim_credit_note_sequence_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="claim_credit_note_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.number

    @classmethod
    def scope_q(cls, scope) -> Q:
        return _of_visible_distributors(scope)
