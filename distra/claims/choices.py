"""Claim status values, the transitions allowed between them, and the other choices of claims."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClaimKind(models.TextChoices):
    SCHEME = "scheme", _("Scheme reimbursement")
    MANUAL = "manual", _("Raised by the distributor")


class ManualReason(models.TextChoices):
    DAMAGE = "damage", _("Damaged goods")
    EXPIRY = "expiry", _("Expired goods")
    PRICE_DIFFERENCE = "price_difference", _("Price difference")


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    APPROVED = "approved", _("Approved")
    PARTIALLY_APPROVED = "partially_approved", _("Partially approved")
    REJECTED = "rejected", _("Rejected")
    SETTLED = "settled", _("Settled")


S = ClaimStatus
# The only status changes there are. Only the claim services change a status, and each change
# writes a ClaimEvent. Approved and partially approved claims are settled by a credit note.
CLAIM_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.UNDER_REVIEW}),
    S.UNDER_REVIEW: frozenset({S.APPROVED, S.PARTIALLY_APPROVED, S.REJECTED}),
    S.APPROVED: frozenset({S.SETTLED}),
    S.PARTIALLY_APPROVED: frozenset({S.SETTLED}),
    S.REJECTED: frozenset(),
    S.SETTLED: frozenset(),
}
OPEN_STATUSES = frozenset({S.SUBMITTED, S.UNDER_REVIEW, S.APPROVED, S.PARTIALLY_APPROVED})
# Evidence may be added until the brand has decided.
ATTACHABLE_STATUSES = frozenset({S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW})


class LineKind(models.TextChoices):
    FREE_GOODS = "free_goods", _("Free goods")
    DISCOUNT = "discount", _("Discount")
    RETURN_REVERSAL = "return_reversal", _("Return (reversal)")
    MANUAL = "manual", _("Manual")


SCHEME_LINE_KINDS = (LineKind.FREE_GOODS, LineKind.DISCOUNT)


class LineDecision(models.TextChoices):
    PENDING = "pending", _("Not yet decided")
    APPROVED = "approved", _("Approved in full")
    CUT = "cut", _("Approved in part")
    REJECTED = "rejected", _("Rejected")


class ClaimPeriod(models.TextChoices):
    """How long a generated claim's period is: the brand's default is a calendar month."""

    MONTH = "month", _("Calendar month")
    QUARTER = "quarter", _("Calendar quarter")
    FORTNIGHT = "fortnight", _("Half month (1st–15th, 16th–end)")
    WEEK = "week", _("Week (Monday to Sunday)")


class Channel(models.TextChoices):
    """Where a change came from: the pages, the API, or the system (the scheduled generation)."""

    WEB = "web", _("Web")
    API = "api", _("API")
    SYSTEM = "system", _("System")


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    LINES_ADDED = "lines_added", _("Lines added")
    STATUS = "status", _("Status changed")
    LINE_DECIDED = "line_decided", _("Line decided")
    ATTACHMENT = "attachment", _("Evidence attached")
    SETTLED = "settled", _("Settled by credit note")
