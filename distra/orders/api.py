"""Orders over HTTP: one router for /api/v1/orders, built from the order endpoints (api_orders),
the delivery endpoints (api_delivery) and the metrics endpoints."""

from ninja import Router

router = Router(tags=["orders"])
