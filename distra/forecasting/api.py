"""The forecasting API (mounted at /api/v1/forecasting)."""

from ninja import Router

router = Router(tags=["forecasting"])
