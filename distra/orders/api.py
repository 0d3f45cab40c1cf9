"""Orders over HTTP: one router for /api/v1/orders. The order endpoints themselves (api_orders)
are this router, so that the list and create answer at /api/v1/orders without a trailing
slash; the delivery and billing endpoints join it with ``router.add_router("", <their router>)``."""

from distra.orders.api_delivery import router as delivery_router
from distra.orders.api_invoicing import router as invoicing_router
from distra.orders.api_orders import router

router.add_router("", delivery_router)
router.add_router("", invoicing_router)

__all__ = ["router"]
