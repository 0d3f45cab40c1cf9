from django_tasks import task

from distra.claims import services


@task()
def generate_claims() -> dict:
    """Daily: each distributor's claim of its last closed period, from the invoice lines delivered
    and the units returned in it (idempotent: a second run adds nothing)."""
    made = services.claims_generate()
    return {"claims": [claim.pk for claim in made]}
