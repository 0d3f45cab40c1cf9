"""Claims pages: the list with filters, the review page (supporting lines, line-by-line decisions,
evidence, timeline, the workflow's actions), the manual claim form, and the printable credit
note. They read through the selectors and write through the services, as the API does."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from distra.claims import selectors, services
from distra.claims.api import attachment_response
from distra.claims.choices import ATTACHABLE_STATUSES, ClaimStatus, LineKind
from distra.claims.forms import ClaimFilterForm, ManualClaimForm
from distra.claims.models import Claim
from distra.core.errors import DomainError
from distra.core.permissions import require_perm, require_view
from distra.web.pages import cleaned_filters, sorted_page

SORTS = {"created": "created_at", "period": "period_start", "claimed": "claimed", "approved": "approved", "status": "status",
         "distributor": "distributor__code"}


def claim_list(request: HttpRequest) -> HttpResponse:
    require_view(request.user, Claim)
    filters = ClaimFilterForm(request.GET, user=request.user)
    values = cleaned_filters(filters)
    qs = selectors.claim_list(user=request.user, status=values.get("status"), kind=values.get("kind"),
                              distributor_id=getattr(values.get("distributor"), "pk", None),
                              period_from=values.get("period_from"), period_to=values.get("period_to"))
    listing = sorted_page(request, qs.select_related("credit_note"), SORTS, "-created")
    overall, per_distributor = selectors.settlement_kpis(user=request.user)
    return render(request, "claims/claim_list.html", {"filters": filters, "listing": listing, "kpi": overall,
                                                      "kpi_rows": per_distributor})


def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_view(request.user, Claim)
    claim = selectors.claim_get(user=request.user, pk=pk)
    user = request.user
    reviewing = claim.status == ClaimStatus.UNDER_REVIEW and user.has_perm("claims.review_claim")
    context = {
        "claim": claim, "lines": selectors.claim_lines(claim=claim), "reviewing": reviewing,
        "can_submit": claim.status == ClaimStatus.DRAFT and user.has_perm("claims.add_claim"),
        "can_start_review": claim.status == ClaimStatus.SUBMITTED and user.has_perm("claims.review_claim"),
        "can_settle": claim.status in (ClaimStatus.APPROVED, ClaimStatus.PARTIALLY_APPROVED) and user.has_perm("claims.settle_claim"),
        "can_attach": claim.status in ATTACHABLE_STATUSES and (user.has_perm("claims.add_claim") or user.has_perm("claims.review_claim")),
        "reversal": LineKind.RETURN_REVERSAL,
        "credit_note": getattr(claim, "credit_note", None) if claim.status == ClaimStatus.SETTLED else None,
    }
    return render(request, "claims/claim_detail.html", context)


def _amount(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text not in (None, "") else None
    except InvalidOperation:
        return Decimal("NaN")


def _int(text: str | None) -> int:
    return int(text) if text and text.isdigit() and len(text) < 19 else 0


ACTIONS = {
    "submit": lambda request, claim: services.claim_submit(by=request.user, claim=claim, note=request.POST.get("note", "")),
    "review": lambda request, claim: services.claim_review_start(by=request.user, claim=claim),
    "finish": lambda request, claim: services.claim_review_finish(by=request.user, claim=claim, note=request.POST.get("note", ""),
                                                                  approve_rest=request.POST.get("approve_rest") == "1"),
    "reject": lambda request, claim: services.claim_reject(by=request.user, claim=claim, reason=request.POST.get("reason", "")),
    "settle": lambda request, claim: services.claim_settle(by=request.user, claim=claim, note=request.POST.get("note", "")),
    "decide": lambda request, claim: services.claim_lines_decide(by=request.user, claim=claim, decisions=[services.LineDecisionIn(
        line_id=_int(request.POST.get("line_id")), decision=request.POST.get("decision", ""),
        approved_amount=_amount(request.POST.get("approved_amount")), reason=request.POST.get("reason", ""))]),
    "attach": lambda request, claim: services.claim_attachment_add(by=request.user, claim=claim, upload=request.FILES.get("file")),
}
DONE = {"submit": gettext_lazy("Claim submitted to the brand."), "review": gettext_lazy("Review started."),
        "finish": gettext_lazy("Review finished."), "reject": gettext_lazy("Claim rejected."),
        "settle": gettext_lazy("Claim settled by credit note."), "decide": gettext_lazy("Line decided."),
        "attach": gettext_lazy("Evidence attached.")}


@require_POST
def claim_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One workflow step from the review page; a refused step comes back as a message (the
    service's code and words), nothing written."""
    require_view(request.user, Claim)
    claim = selectors.claim_get(user=request.user, pk=pk)
    run = ACTIONS.get(action)
    if run is None:
        return redirect("claim-detail", pk=pk)
    try:
        run(request, claim)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        details = "; ".join(p.message for problems in exc.fields.values() for p in problems)
        messages.error(request, f"{exc.message} {details}".strip())
    else:
        messages.success(request, DONE[action])
    return redirect("claim-detail", pk=pk)


def claim_create(request: HttpRequest) -> HttpResponse:
    """A manual claim (damage, expiry, price difference) with its first evidence; it opens as a draft."""
    require_perm(request.user, "claims.add_claim")
    form = ManualClaimForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            claim = _create_with_evidence(request, data, form.manual_lines())
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            form.on_rows(exc)
        else:
            messages.success(request, _("Claim %(number)s saved as a draft; submit it when the evidence is complete.") % {"number": claim.number})
            return redirect("claim-detail", pk=claim.pk)
    return render(request, "claims/claim_form.html", {"form": form}, status=422 if form.errors else 200)


def _create_with_evidence(request, data, lines) -> Claim:
    from django.db import transaction

    with transaction.atomic():  # the claim and its first evidence together, or neither
        claim = services.claim_manual_create(by=request.user, distributor=data["distributor"], reason=data["reason"],
                                             description=data["description"], lines=lines, occurred_on=data.get("occurred_on"))
        if data.get("evidence"):
            services.claim_attachment_add(by=request.user, claim=claim, upload=data["evidence"])
    return claim


def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    require_view(request.user, Claim)
    return attachment_response(selectors.attachment_get(user=request.user, claim_id=pk, pk=attachment_id))


def credit_note(request: HttpRequest, pk: int) -> HttpResponse:
    """The claim's credit note as it prints (the browser's print makes the paper copy)."""
    require_view(request.user, Claim)
    note = selectors.credit_note_get(user=request.user, claim_id=pk)
    from distra.billing.domain import amount_in_words

    lines = [line for line in selectors.claim_lines(claim=note.claim) if line.approved_amount]
    if request.GET.get("format") == "pdf":
        from distra.claims.pdf import credit_note_pdf

        response = HttpResponse(credit_note_pdf(note, lines, amount_in_words(note.amount)), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{note.number.replace("/", "-")}.pdf"'
        return response
    return render(request, "claims/credit_note.html", {"note": note, "claim": note.claim, "lines": lines,
                                                       "words": amount_in_words(note.amount)})
