"""Status values of suggested orders and their allowed transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SuggestionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    DISMISSED = "dismissed", _("Dismissed")
    SUPERSEDED = "superseded", _("Superseded")


class SuggestionMode(models.TextChoices):
    REVIEW = "review", _("For review")
    AUTONOMOUS = "autonomous", _("Submitted automatically")


class SkuClass(models.TextChoices):
    A = "A", _("A (top 80 %, by value)")
    B = "B", _("B (next 15 %)")
    C = "C", _("C (the rest)")


S = SuggestionStatus
# A proposal is approved (it becomes a purchase order) or dismissed by a person, or superseded by
# the next generation of proposals for the same distributor; each change writes an event.
SUGGESTION_TRANSITIONS = {
    S.PROPOSED: {S.APPROVED, S.DISMISSED, S.SUPERSEDED},
    S.APPROVED: set(),
    S.DISMISSED: set(),
    S.SUPERSEDED: set(),
}
