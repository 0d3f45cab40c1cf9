"""Every write of pricing, and the pricing of baskets (see each module)."""

from distra.pricing.services.budgets import (
    SchemeBudgetExhausted,
    scheme_benefits_record,
    scheme_budgets_consume,
    scheme_budgets_release,
)
from distra.pricing.services.common import TransitionNotAllowed, bump_version
from distra.pricing.services.price_lists import (
    price_list_create,
    price_list_item_set,
    price_list_transition,
    price_list_update,
)
from distra.pricing.services.quoting import preview, price_order_lines, quote
from distra.pricing.services.schemes import scheme_create, scheme_transition, scheme_update

__all__ = [
    "SchemeBudgetExhausted", "TransitionNotAllowed", "bump_version", "preview", "price_list_create", "price_list_item_set", "price_list_transition",
    "price_list_update", "price_order_lines", "quote", "scheme_benefits_record", "scheme_budgets_consume",
    "scheme_budgets_release", "scheme_create", "scheme_transition", "scheme_update",
]
