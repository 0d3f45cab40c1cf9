"""Delivering orders over HTTP: dispatch, proof of delivery, returns after delivery.

As the other order endpoints: the order is looked up in the caller's scope first (404), the
service checks the role (403) and everything else inside its transaction, and runs through
``retry_on_conflict`` so that a deadlock is retried rather than answered with a 500. Problems of
one line are reported on ``lines[i].<field>``.
"""

from datetime import datetime
from typing import Literal

from ninja import Field, Header, Router, Schema, Status

from distra.core.api import ERROR_RESPONSES, Id
from distra.core.db import retry_on_conflict
from distra.inventory.schemas import BatchOut
from distra.orders import services
from distra.orders.api_orders import answer, channel_of
from distra.orders.choices import ReturnCondition, ShortfallReason
from distra.orders.models import OrderReturn
from distra.orders.schemas import OrderOut

router = Router()

ONE = {200: OrderOut, **ERROR_RESPONSES}


class DispatchIn(Schema):
    vehicle: str = Field(..., min_length=1, max_length=50, description="Vehicle number")
    driver: str = Field(..., min_length=1, max_length=100, description="Driver's name (and phone)")


# Per-line values are checked by the services, so that every problem of a line is reported on
# ``lines[i].<field>`` with a stable code (ninja would name them ``lines.i.field``).
REASONS = ", ".join(ShortfallReason.values)


class DeliveredLineIn(Schema):
    line_id: int
    delivered: int = Field(..., description="Units the outlet took: 0 to the line's allocated (else 422 more_than_allocated)")
    reason: str | None = Field(None, max_length=20, description=f"Required when delivered < allocated; one of {REASONS}")


class DeliverIn(Schema):
    lines: list[DeliveredLineIn] = Field(..., min_length=1, max_length=200, description="Every line with allocated stock, once")
    received_by: str = Field("", max_length=100, description="Who signed for the goods at the outlet")


class ReturnedLineIn(Schema):
    line_id: int
    quantity: int = Field(..., description="Units above zero, at most delivered less returned before (else 422 more_than_delivered)")
    condition: str = Field(..., max_length=10, description=f"One of {', '.join(ReturnCondition.values)}")
    batch_id: int | None = Field(None, description="The batch returned; default: the line's batches, latest expiry first")


class ReturnIn(Schema):
    lines: list[ReturnedLineIn] = Field(..., min_length=1, max_length=200)
    reason: str = Field(..., min_length=1, max_length=200)


class ReturnLineOut(BatchOut):
    line_id: int
    sku_id: int
    batch_id: int
    batch_number: str
    quantity: int
    condition: ReturnCondition

    @staticmethod
    def resolve_sku_id(obj) -> int:
        return obj.line.sku_id


class ReturnOut(Schema):
    id: int
    order_id: int
    reason: str
    credit_note_id: int | None
    created_by_id: int
    created_at: datetime
    status: Literal["recorded"] = "recorded"
    lines: list[ReturnLineOut]

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.select_related("line", "batch").order_by("id"))


@router.post("/{int:order_id}/dispatch", response=ONE)
def order_dispatch(request, order_id: Id, payload: DispatchIn):
    """Dispatch an invoiced order with its vehicle and driver (409 ``transition_not_allowed`` in
    any other status)."""
    order = services.get_order(request.auth, order_id)
    retry_on_conflict(lambda: services.order_dispatch(
        by=request.auth, order=order, vehicle=payload.vehicle, driver=payload.driver, channel=channel_of(request)))
    return answer(request, order)


@router.post("/{int:order_id}/deliver", response=ONE)
def order_deliver(request, order_id: Id, payload: DeliverIn):
    """Proof of delivery of a dispatched order: per line the units delivered and, for a shortfall,
    its reason. Posts the sale issues, releases the rest, credits what was not delivered; the
    order becomes delivered or partially delivered. A second proof of delivery is a 409."""
    order = services.get_order(request.auth, order_id)
    lines = [services.DeliveredLine(line_id=li.line_id, delivered=li.delivered, reason=li.reason or "") for li in payload.lines]
    retry_on_conflict(lambda: services.order_deliver(
        by=request.auth, order=order, lines=lines, received_by=payload.received_by, channel=channel_of(request)))
    return answer(request, order)


@router.post("/{int:order_id}/returns", response={200: ReturnOut, 201: ReturnOut, **ERROR_RESPONSES})
def order_return(request, order_id: Id, payload: ReturnIn,
                 idempotency_key: str | None = Header(None, alias="Idempotency-Key", min_length=1, max_length=100)):
    """Take back delivered units (saleable or damaged) with a reason: received into the batches
    delivered and credited. At most what was delivered less earlier returns per line (422
    ``more_than_delivered``). With an ``Idempotency-Key`` a retry answers 200 with the first
    return and writes nothing."""
    order = services.get_order(request.auth, order_id)
    lines = [services.ReturnedLine(line_id=li.line_id, quantity=li.quantity, condition=li.condition, batch_id=li.batch_id)
             for li in payload.lines]
    credit = retry_on_conflict(lambda: services.order_return(
        by=request.auth, order=order, lines=lines, reason=payload.reason, channel=channel_of(request),
        idempotency_key=idempotency_key or ""))
    ret = OrderReturn.objects.get(pk=credit.order_return.pk)
    return Status(200 if getattr(credit, "replayed", False) else 201, ret)
