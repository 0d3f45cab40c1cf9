from django_tasks import task

from distra.replenishment import services


@task()
def suggest_orders() -> dict:
    """Daily: propose suggested primary orders from the current forecast and stock; those of
    distributors in autonomous mode that are within their guardrails are submitted at once."""
    made = services.suggested_orders_generate()
    return {"proposed": sum(1 for o in made if o.status == "proposed"), "submitted": sum(1 for o in made if o.status == "approved")}
