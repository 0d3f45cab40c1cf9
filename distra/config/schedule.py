"""Periodic work: which task runs when. The scheduler (`distra scheduler`) enqueues each on its
cron schedule; the worker runs it. Later issues add daily expiry checks, claim periods, forecasts."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Periodic:
    task: str
    cron: dict = field(default_factory=dict)
    description: str = ""


PERIODIC_TASKS = [
    Periodic("distra.accounts.tasks.prune_api_tokens", {"hour": 2, "minute": 15}, "daily: delete long-expired API tokens"),
    Periodic("distra.core.tasks.prune_task_results", {"hour": 2, "minute": 30}, "daily: delete finished task results older than 30 days"),
    Periodic("distra.integrations.tasks.prune_import_jobs", {"hour": 2, "minute": 45}, "daily: delete import jobs and their files older than 30 days"),
    Periodic("distra.orders.tasks.fill_all_backorders", {"minute": "*/10"}, "every 10 minutes: fill back-orders waiting for stock that has arrived"),
    Periodic("distra.inventory.tasks.check_stock_alerts", {"hour": 1, "minute": 30}, "daily: stock alerts that time alone raises or ends (expiry, days of cover)"),
    Periodic("distra.forecasting.tasks.scheduled_forecasts", {"day_of_week": "mon", "hour": 0, "minute": 30}, "weekly (Monday): forecast every distributor × SKU; reorder points follow"),
    Periodic("distra.replenishment.tasks.suggest_orders", {"hour": 6, "minute": 0}, "daily: suggested primary orders (autonomous ones within their guardrails submitted)"),
    Periodic("distra.claims.tasks.generate_claims", {"hour": 3, "minute": 15}, "daily: each distributor's claim of its last closed period (idempotent)"),
]
