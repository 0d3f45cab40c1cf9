"""The replenishment API (mounted at /api/v1/replenishment)."""

from ninja import Router

router = Router(tags=["replenishment"])
