"""Every write of claims (see each module): generation, drafting by hand, the workflow."""

from distra.claims.services.drafting import (
    ManualLineIn,
    claim_attachment_add,
    claim_line_add,
    claim_manual_create,
)
from distra.claims.services.generation import (
    claim_generate_period,
    claim_period_of,
    claim_policy_set,
    claims_generate,
)
from distra.claims.services.workflow import (
    LineDecisionIn,
    claim_lines_decide,
    claim_reject,
    claim_review_finish,
    claim_review_start,
    claim_settle,
    claim_submit,
)

__all__ = [
    "LineDecisionIn", "ManualLineIn", "claim_attachment_add", "claim_generate_period", "claim_line_add", "claim_lines_decide",
    "claim_manual_create", "claim_period_of", "claim_policy_set", "claim_reject", "claim_review_finish", "claim_review_start",
    "claim_settle", "claim_submit", "claims_generate",
]
