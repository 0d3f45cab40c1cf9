from django_tasks import task

from distra.inventory import services_alerts


@task()
def evaluate_stock_alerts(warehouse_id: int, sku_ids: list[int]) -> dict:
    """Bring the alerts of these SKUs at this warehouse up to date (enqueued after movements)."""
    changes = services_alerts.stock_alerts_evaluate(warehouse_id=warehouse_id, sku_ids=sku_ids)
    return {"raised": len(changes.raised), "resolved": len(changes.resolved)}


@task()
def check_stock_alerts() -> dict:
    """Daily: evaluate every stocked SKU at every warehouse, for what time alone changes (near
    expiry, expired, days of cover as the demand window moves)."""
    return services_alerts.stock_alerts_check_all()
