"""Order jobs: filling back-orders when stock arrives (enqueued after a receipt commits) and a
periodic sweep every 10 minutes over the warehouses with back-orders waiting.

Back-orders are filled by the system, not by whoever received the stock: the fills run as the
system actor (the first active administrator account, by id) and every event they write has the
``system`` channel. Without any active administrator, nothing is filled and a warning is logged.
"""

import logging
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django_tasks import task

from distra.core.db import retry_on_conflict
from distra.orders import services
from distra.orders.choices import OrderStatus
from distra.orders.models import Order

logger = logging.getLogger("distra.orders")


def system_actor():
    """The account system work acts as: the first active administrator (superuser), or None."""
    return get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk").first()


def waiting_backorders():
    return Order.objects.filter(awaiting_stock=True, status=OrderStatus.APPROVED)


def enqueue_backorder_fill(warehouse_id: int, sku_ids: Iterable[int]) -> None:
    """After the current transaction commits, fill the back-orders of ``warehouse_id`` waiting for
    any of ``sku_ids`` (call it where stock arrives: receipts, transfer receipts, GRNs). Enqueues
    nothing when no back-order waits there; a failed enqueue never fails the receipt (the
    10-minute sweep picks the back-orders up)."""
    sku_ids = sorted(set(sku_ids))
    if not waiting_backorders().filter(warehouse_id=warehouse_id, lines__sku_id__in=sku_ids).exists():
        return
    transaction.on_commit(lambda: fill_backorders.enqueue(warehouse_id, sku_ids), robust=True)


@task()
def fill_backorders(warehouse_id: int, sku_ids: list[int] | None = None) -> list[int]:
    """Allocate the back-orders waiting at ``warehouse_id`` (for ``sku_ids``, or all), oldest
    first. Returns the ids of the orders that got stock."""
    by = system_actor()
    if by is None:
        logger.warning("no active administrator to fill back-orders as; warehouse %s skipped", warehouse_id)
        return []
    return retry_on_conflict(lambda: services.backorders_fill(by=by, warehouse_id=warehouse_id, sku_ids=sku_ids or None))


@task()
def fill_all_backorders() -> dict[str, int]:
    """Every 10 minutes: fill back-orders at every warehouse where some wait (stock may have
    arrived by a path that enqueued nothing, or an enqueue may have failed)."""
    warehouses = sorted(set(waiting_backorders().values_list("warehouse_id", flat=True)))
    filled = 0
    for warehouse_id in warehouses:
        filled += len(fill_backorders.call(warehouse_id))
    return {"warehouses": len(warehouses), "filled": filled}
