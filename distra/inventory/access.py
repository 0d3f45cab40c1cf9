"""Where a user may post stock by hand: receipts, adjustments, transfers, counts and reversals
through the stock API and pages.

Seeing a warehouse is not enough to post at it. A role whose scope is everything in the brand but
who is not an administrator (the brand manager) runs the brand's depots: it posts at depots only,
never into a distributor's warehouse or quarantine (a distributor's stock is the distributor's to
post; the brand's stock reaches it through a purchase order's shipment and goods receipt, which the
purchasing services post). Everyone else posts at the warehouses of their scope (a distributor user
at its own), as the inventory services check.

The inventory services keep checking scope only: the purchasing and order services post, on the
user's behalf, at warehouses the user does not run (a shipment from a depot lands in transit at the
distributor's warehouse).
"""

from __future__ import annotations

from django.db.models import QuerySet

from distra.accounts.choices import Role
from distra.core.errors import DomainError
from distra.core.scoping import scope_for
from distra.partners.choices import WarehouseKind
from distra.partners.models import Warehouse


class NotPostable(DomainError):
    def __init__(self, warehouse: Warehouse):
        message = f"{warehouse.code} is not a brand depot: your role posts stock at the brand's depots only."
        super().__init__(message=message, code="depot_only", status=403)


def stock_post_warehouses(user) -> QuerySet[Warehouse]:
    """The warehouses ``user`` may post stock at by hand (a subset of those it sees)."""
    warehouses = Warehouse.objects.for_user(user)
    scope = scope_for(user)
    if scope.everything and scope.role != Role.ADMINISTRATOR:
        return warehouses.filter(kind=WarehouseKind.DEPOT)
    return warehouses


def require_stock_post(user, *warehouses: Warehouse) -> None:
    """Raise ``depot_only`` (403) unless ``user`` may post at each of ``warehouses`` by hand.
    Call it after the warehouses were looked up in the user's scope (out of scope stays 404/422)."""
    allowed = set(stock_post_warehouses(user).filter(pk__in=[w.pk for w in warehouses]).values_list("pk", flat=True))
    for warehouse in warehouses:
        if warehouse.pk not in allowed:
            raise NotPostable(warehouse)
