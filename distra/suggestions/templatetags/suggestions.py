"""``{% outlet_suggestion outlet %}``: today's suggested order on the outlet page (a hook of one
line in web/outlet_detail.html, so the outlet page stays distra.web's)."""

from __future__ import annotations

import uuid

from django import template
from django.template.loader import render_to_string

from distra.core.errors import DomainError
from distra.partners.choices import OutletStatus
from distra.suggestions import selectors, services
from distra.suggestions.choices import GivenThrough

register = template.Library()


def _proposal(user, outlet):
    """The suggestion shown, recorded as given when the viewer takes orders (a rep, an ASM, a
    distributor user): the page is where they read it at the outlet."""
    if user.has_perm("suggestions.add_suggestion") and user.has_perm("orders.add_order") and outlet.status == OutletStatus.ACTIVE:
        return services.suggestion_give(by=user, outlet_id=outlet.pk, through=GivenThrough.WEB)
    return None, selectors.suggestion_for(user=user, outlet_id=outlet.pk)


@register.simple_tag(takes_context=True)
def outlet_suggestion(context, outlet) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("suggestions.view_suggestion"):
        return ""
    try:
        given, proposal = _proposal(user, outlet)
    except DomainError as exc:
        return render_to_string("suggestions/_outlet_suggestion.html", {"error": exc.message, "outlet": outlet}, request=request)
    lines = proposal.suggested
    start = [{"i": i, "sku": line.sku.pk, "cases": line.cases, "units": line.units} for i, line in enumerate(lines)]
    return render_to_string("suggestions/_outlet_suggestion.html", {
        "outlet": outlet, "proposal": proposal, "given": given, "start_lines": start, "idempotency_key": uuid.uuid4().hex,
        "can_order": user.has_perm("orders.add_order") and outlet.status == OutletStatus.ACTIVE,
    }, request=request)
