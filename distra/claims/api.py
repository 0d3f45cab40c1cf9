"""Claims over HTTP: list and read claims, raise manual claims with evidence, add scheme lines to a
draft, run the generation, and the workflow actions (submit, review, decide lines, finish, reject,
settle); the credit note; the settlement-time KPI."""

from datetime import date

from django.http import FileResponse
from django.utils import timezone
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from distra.claims import domain, selectors, services
from distra.claims.models import Claim, ClaimCreditNote, ClaimPolicy
from distra.claims.schemas import (
    AttachmentOut,
    ClaimCreditNoteOut,
    ClaimDetailOut,
    ClaimFilter,
    ClaimLineIn,
    ClaimLineOut,
    ClaimOut,
    ClaimPolicyIn,
    ClaimPolicyOut,
    DecisionsIn,
    FinishIn,
    GenerateIn,
    ManualClaimIn,
    NoteIn,
    ReasonIn,
    SettlementReportOut,
)
from distra.core.api import ERROR_RESPONSES, Id, Pagination, get_scoped_or_404
from distra.core.errors import FieldProblem, ValidationFailed
from distra.core.permissions import require_perm, require_view
from distra.partners.models import Distributor

router = Router(tags=["claims"])
EARLIEST = date(2000, 1, 1)


def _claim(request, claim_id: int) -> Claim:
    require_view(request.auth, Claim)
    return get_scoped_or_404(Claim, request.auth, claim_id)


def _detail(request, claim_id: int) -> Claim:
    return selectors.claim_get(user=request.auth, pk=claim_id)


@router.get("", response={200: list[ClaimOut], **ERROR_RESPONSES})
@paginate(Pagination)
def claim_list(request, filters: Query[ClaimFilter]):
    """Claims in your scope, newest first: a distributor user sees its own, the brand all."""
    require_view(request.auth, Claim)
    return selectors.claim_list(user=request.auth, **filters.dict()).select_related("credit_note").order_by("-created_at", "-id")


@router.get("/kpis/settlement", response={200: SettlementReportOut, **ERROR_RESPONSES})
def settlement_kpi(request, settled_from: str | None = None, settled_to: str | None = None):
    """Claim settlement time: days from submission to settlement of the claims settled between
    the dates given (YYYY-MM-DD), overall and per distributor (count, mean, median, 90th
    percentile, maximum), with the claims still open and the age of the oldest."""
    require_view(request.auth, Claim)
    bounds = {}
    for name, value in (("settled_from", settled_from), ("settled_to", settled_to)):
        try:
            bounds[name] = date.fromisoformat(value) if value else None
        except ValueError:
            raise ValidationFailed({name: [FieldProblem("invalid_date", "A date as YYYY-MM-DD.")]}) from None
    overall, rows = selectors.settlement_kpis(user=request.auth, **bounds)
    return {"overall": overall, "distributors": rows}


@router.post("/generate", response={200: list[ClaimOut], **ERROR_RESPONSES})
def claims_generate(request, payload: GenerateIn):
    """Run the claim generation now (the scheduler runs it daily): the period containing ``on``,
    else each distributor's last closed period. Idempotent; answers the claims that got lines."""
    require_perm(request.auth, "claims.generate_claim")
    if payload.on is not None and not (EARLIEST <= payload.on <= timezone.localdate()):
        raise ValidationFailed({"on": [FieldProblem("out_of_range", f"A day from {EARLIEST} to today: later periods have no deliveries.")]})
    if payload.distributor_id is None and payload.on is None:
        return services.claims_generate(by=request.auth)
    distributors = Distributor.objects.for_user(request.auth).order_by("pk")
    if payload.distributor_id is not None:
        distributors = [get_scoped_or_404(Distributor, request.auth, payload.distributor_id)]
    made = []
    for distributor in distributors:
        period = services.claim_period_of(distributor.pk)
        start, end = domain.period_bounds(payload.on, period) if payload.on else domain.previous_period(timezone.localdate(), period)
        claim = services.claim_generate_period(distributor=distributor, start=start, end=end, by=request.auth)
        if claim is not None:
            made.append(claim)
    return made


@router.get("/policies/{distributor_id}", response={200: ClaimPolicyOut, **ERROR_RESPONSES})
def claim_policy_get(request, distributor_id: Id):
    """The distributor's claim period: its own, or the brand's default (DISTRA_CLAIM_PERIOD)."""
    require_view(request.auth, Claim)
    distributor = get_scoped_or_404(Distributor, request.auth, distributor_id)
    own = ClaimPolicy.objects.filter(distributor=distributor).first()
    return {"distributor_id": distributor.pk, "period": services.claim_period_of(distributor.pk), "default": own is None}


@router.put("/policies/{distributor_id}", response={200: ClaimPolicyOut, **ERROR_RESPONSES})
def claim_policy_set(request, distributor_id: Id, payload: ClaimPolicyIn):
    """Set the distributor's claim period (brand): month, quarter, fortnight or week."""
    require_perm(request.auth, "claims.change_claimpolicy")
    distributor = get_scoped_or_404(Distributor, request.auth, distributor_id)
    policy = services.claim_policy_set(by=request.auth, distributor=distributor, period=payload.period)
    return {"distributor_id": distributor.pk, "period": policy.period, "default": False}


@router.post("", response={201: ClaimDetailOut, **ERROR_RESPONSES})
def manual_claim_create(request, payload: ManualClaimIn):
    """Raise a claim by hand (damage, expiry, price difference) as a draft; attach the evidence,
    then submit. 422 ``amount_not_positive`` for an amount of 0 or less, ``line_not_of_distributor``
    for an invoice line of another distributor; nothing is written then."""
    require_perm(request.auth, "claims.add_claim")
    distributor_id = payload.distributor_id or request.auth.distributor_id
    if distributor_id is None:
        raise ValidationFailed({"distributor_id": [FieldProblem("required", "Name the distributor the claim is for.")]})
    distributor = Distributor.objects.for_user(request.auth).filter(pk=distributor_id).first()
    if distributor is None:
        raise ValidationFailed({"distributor_id": [FieldProblem("not_found", f"No distributor with id {distributor_id} in your scope.")]})
    lines = [services.ManualLineIn(**line.dict()) for line in payload.lines]
    claim = services.claim_manual_create(by=request.auth, channel="api", distributor=distributor, reason=payload.reason,
                                         description=payload.description, lines=lines, occurred_on=payload.occurred_on)
    return Status(201, _detail(request, claim.pk))


@router.get("/{claim_id}", response={200: ClaimDetailOut, **ERROR_RESPONSES})
def claim_get(request, claim_id: Id):
    """A claim with its supporting lines, evidence and timeline."""
    require_view(request.auth, Claim)
    return _detail(request, claim_id)


@router.post("/{claim_id}/lines", response={201: ClaimLineOut, **ERROR_RESPONSES})
def claim_line_add(request, claim_id: Id, payload: ClaimLineIn):
    """Add a scheme's brand-funded share on one delivered invoice line to a draft scheme claim.
    409 ``already_claimed`` if that invoice line is claimed for that scheme in any claim; 422
    ``line_not_of_distributor`` for another distributor's invoice line."""
    require_perm(request.auth, "claims.add_claim")
    claim = _claim(request, claim_id)
    line = services.claim_line_add(by=request.auth, channel="api", claim=claim, invoice_line_id=payload.invoice_line_id, scheme_id=payload.scheme_id)
    return Status(201, selectors.claim_lines(claim=claim).get(pk=line.pk))


@router.post("/{claim_id}/submit", response={200: ClaimDetailOut, **ERROR_RESPONSES})
def claim_submit(request, claim_id: Id, payload: NoteIn):
    """Draft → submitted (409 ``period_not_over``, ``evidence_required``, ``claim_empty``)."""
    require_perm(request.auth, "claims.add_claim")
    services.claim_submit(by=request.auth, channel="api", claim=_claim(request, claim_id), note=payload.note)
    return _detail(request, claim_id)


@router.post("/{claim_id}/review", response={200: ClaimDetailOut, **ERROR_RESPONSES})
def claim_review_start(request, claim_id: Id):
    """Submitted → under review (brand)."""
    require_perm(request.auth, "claims.review_claim")
    services.claim_review_start(by=request.auth, channel="api", claim=_claim(request, claim_id))
    return _detail(request, claim_id)


@router.post("/{claim_id}/decisions", response={200: ClaimDetailOut, **ERROR_RESPONSES})
def claim_lines_decide(request, claim_id: Id, payload: DecisionsIn):
    """Decide lines of a claim under review, all or none: approve, cut (``approved_amount`` below
    the claimed amount, with a ``reason``) or reject (with a ``reason``). 422
    ``approval_exceeds_claim`` for more than claimed."""
    require_perm(request.auth, "claims.review_claim")
    decisions = [services.LineDecisionIn(**item.dict()) for item in payload.lines]
    services.claim_lines_decide(by=request.auth, channel="api", claim=_claim(request, claim_id), decisions=decisions)
    return _detail(request, claim_id)


@router.post("/{claim_id}/finish", response={200: ClaimDetailOut, **ERROR_RESPONSES})
def claim_review_finish(request, claim_id: Id, payload: FinishIn):
    """Under review → approved / partially approved / rejected, from the lines' decisions (409
    ``lines_undecided`` while a line is undecided, unless ``approve_rest``)."""
    require_perm(request.auth, "claims.review_claim")
    services.claim_review_finish(by=request.auth, channel="api", claim=_claim(request, claim_id), note=payload.note, approve_rest=payload.approve_rest)
    return _detail(request, claim_id)


@router.post("/{claim_id}/reject", response={200: ClaimDetailOut, **ERROR_RESPONSES})
def claim_reject(request, claim_id: Id, payload: ReasonIn):
    """Reject a claim under review as a whole, with the reason."""
    require_perm(request.auth, "claims.review_claim")
    services.claim_reject(by=request.auth, channel="api", claim=_claim(request, claim_id), reason=payload.reason)
    return _detail(request, claim_id)


@router.post("/{claim_id}/settle", response={201: ClaimCreditNoteOut, **ERROR_RESPONSES})
def claim_settle(request, claim_id: Id, payload: NoteIn):
    """Settle an approved or partially approved claim by the brand's credit note for the approved
    amount (its own gap-free number series)."""
    require_perm(request.auth, "claims.settle_claim")
    note = services.claim_settle(by=request.auth, channel="api", claim=_claim(request, claim_id), note=payload.note)
    return Status(201, note)


@router.get("/{claim_id}/credit-note", response={200: ClaimCreditNoteOut, **ERROR_RESPONSES})
def claim_credit_note(request, claim_id: Id):
    require_view(request.auth, ClaimCreditNote)
    return selectors.credit_note_get(user=request.auth, claim_id=claim_id)


@router.post("/{claim_id}/attachments", response={201: AttachmentOut, **ERROR_RESPONSES})
def claim_attachment_add(request, claim_id: Id, file: File[UploadedFile]):
    """Attach evidence (multipart field ``file``): a PDF, JPEG, PNG or WebP of at most 5 MB, at
    most 10 per claim. 422 ``attachment_type_not_allowed``, ``attachment_too_large``,
    ``attachment_empty``."""
    claim = _claim(request, claim_id)
    return Status(201, services.claim_attachment_add(by=request.auth, channel="api", claim=claim, upload=file))


@router.get("/{claim_id}/attachments/{attachment_id}", response={200: None, **ERROR_RESPONSES},
            openapi_extra={"responses": {200: {"description": "The file as uploaded.",
                                               "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}})
def claim_attachment_download(request, claim_id: Id, attachment_id: Id):
    """Download one piece of evidence (only within your scope)."""
    require_view(request.auth, Claim)
    return attachment_response(selectors.attachment_get(user=request.auth, claim_id=claim_id, pk=attachment_id))


def attachment_response(attachment) -> FileResponse:
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name, content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
