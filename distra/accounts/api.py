from django.http import HttpResponse
from ninja import Router

from distra.accounts import services
from distra.accounts.schemas import MeOut, TokenIn, TokenOut
from distra.core.api import ERROR_RESPONSES, ErrorOut

router = Router(tags=["auth"])


@router.post("/token", auth=None, response={200: TokenOut, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut})
def token_create(request, payload: TokenIn):
    """Exchange a username and password for a bearer token (valid 30 days). Failed attempts are
    throttled per username and address."""
    try:
        token = services.token_issue(request=request, username=payload.username, password=payload.password)
    except services.TooManyAttempts:
        # This answer is the lockout response; without this, django-axes' middleware would replace
        # it with the web sign-in page's HTML lockout page.
        request.axes_locked_out = False
        raise
    return {"token": token}


@router.delete("/token", response={204: None, 401: ErrorOut})
def token_delete(request):
    """Revoke the bearer token this request was made with."""
    token_id = getattr(request.auth, "_api_token_id", None)
    if token_id is not None:
        services.token_revoke(token_id=token_id)
    return HttpResponse(status=204)


@router.get("/me", response={200: MeOut, **ERROR_RESPONSES})
def me(request):
    """Who the caller is, its role, scope and permissions."""
    user = request.auth
    return {
        "id": user.pk,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": user.role,
        "language": user.language,
        "distributor_id": user.distributor_id,
        "geo_node_ids": list(user.geo_nodes.values_list("id", flat=True)),
        "permissions": sorted(user.get_all_permissions()),
    }
