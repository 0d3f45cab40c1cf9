"""Price lists: create and edit drafts with their items, then activate, pause or end them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from distra.catalog.models import SKU
from distra.core.errors import NotFound
from distra.core.permissions import require_perm
from distra.core.services import apply_changes, save_validated
from distra.pricing.choices import EDITABLE, EventKind, Lifecycle
from distra.pricing.domain import within_mrp
from distra.pricing.live import sku_fact
from distra.pricing.models import PriceList, PriceListItem
from distra.pricing.services.common import (
    Problems,
    TransitionNotAllowed,
    add,
    move_to,
    raise_if,
    record,
    window_problems,
)

ADD, CHANGE = "pricing.add_pricelist", "pricing.change_pricelist"
FIELDS = {"code", "name", "valid_from", "valid_to", "priority", "geography", "channel", "outlet_class", "distributor", "outlet"}
MAX_PRICE = Decimal("9999999999.99")


def _price(value, name: str, problems: Problems) -> Decimal | None:
    try:
        price = Decimal(str(value))
    except (InvalidOperation, ValueError):
        price = None
    if price is None or not price.is_finite() or price < 0 or price > MAX_PRICE or price != price.quantize(Decimal("0.01")):
        add(problems, name, "invalid_price", "A price is a number from 0 with at most 2 decimals.")
        return None
    return price


def parse_items(items: Sequence[Mapping[str, Any]], problems: Problems | None = None) -> list[PriceListItem]:
    """Items ``{sku (a SKU) or sku_id, selling_price, landing_price}`` checked one by one (all
    problems at once, at ``items[i].field``): an active SKU once per list, prices >= 0, and the
    selling price plus tax within the MRP."""
    problems = {} if problems is None else problems
    ids = [item.get("sku_id") for item in items if item.get("sku") is None]
    known = SKU.objects.in_bulk([i for i in ids if isinstance(i, int)])
    built, seen = [], set()
    for i, item in enumerate(items):
        at = f"items[{i}]"
        sku = item.get("sku") or known.get(item.get("sku_id"))
        if sku is None:
            add(problems, f"{at}.sku_id", "not_found", f"No SKU with id {item.get('sku_id')}.")
            continue
        if not sku.is_active:
            add(problems, f"{at}.sku_id", "sku_inactive", f"{sku.code} is not sold any more.")
        if sku.pk in seen:
            add(problems, f"{at}.sku_id", "duplicate_sku", f"{sku.code} is on another item of this list.")
        seen.add(sku.pk)
        selling = _price(item.get("selling_price"), f"{at}.selling_price", problems)
        given = item.get("landing_price")
        landing = selling if given is None else _price(given, f"{at}.landing_price", problems)
        if selling is not None and not within_mrp(selling, sku_fact(sku)):
            with_tax = (selling * (1 + sku.tax_rate / 100)).quantize(Decimal("0.01"))
            add(problems, f"{at}.selling_price", "above_mrp",
                f"{sku.code}: {selling} plus {sku.tax_rate} % tax is {with_tax}, above the MRP of {sku.mrp}.")
        if selling is not None and landing is not None:
            built.append(PriceListItem(sku=sku, selling_price=selling, landing_price=landing))
    raise_if(problems)
    return built


def _checked(pl: PriceList, items: Sequence[Mapping[str, Any]] | None) -> list[PriceListItem] | None:
    """The list's window and ``items`` checked together: every problem at once."""
    problems: Problems = {}
    window_problems(pl.valid_from, pl.valid_to, problems)
    if items is None:
        raise_if(problems)
        return None
    return parse_items(items, problems)


def _write_items(pl: PriceList, items: list[PriceListItem]) -> None:
    pl.items.all().delete()
    for item in items:
        item.price_list = pl
    PriceListItem.objects.bulk_create(items)


@transaction.atomic
def price_list_create(*, by, items: Sequence[Mapping[str, Any]] = (), **fields: Any) -> PriceList:
    """A draft price list with its items (nothing is written if any field or item is wrong)."""
    require_perm(by, ADD)
    pl = PriceList(created_by=by)
    apply_changes(pl, fields, FIELDS)
    parsed = _checked(pl, items)
    save_validated(pl)
    _write_items(pl, parsed)
    record(pl, by=by, kind=EventKind.CREATED, to_status=pl.status, items=len(parsed))
    return pl


def lock(pl: PriceList) -> PriceList:
    row = PriceList.objects.select_for_update(of=("self",)).filter(pk=pl.pk).first()
    if row is None:
        raise NotFound(f"No price list with id {pl.pk}.")
    return row


@transaction.atomic
def price_list_update(*, by, price_list: PriceList, items: Sequence[Mapping[str, Any]] | None = None, **changes: Any) -> PriceList:
    """Change a draft list (its items replaced when ``items`` is given). A live list is not
    edited: schedule a new one (a later ``valid_from`` wins a tie) and end this one."""
    require_perm(by, CHANGE)
    pl = lock(price_list)
    if pl.status not in EDITABLE:
        raise TransitionNotAllowed(pl, "edited")
    changed = apply_changes(pl, changes, FIELDS - {"code"})
    parsed = _checked(pl, items)
    save_validated(pl)
    if parsed is not None:
        _write_items(pl, parsed)
    record(pl, by=by, kind=EventKind.EDITED, fields=sorted(changed), items=None if parsed is None else len(parsed))
    return pl


@transaction.atomic
def price_list_transition(*, by, price_list: PriceList, to: str, note: str = "") -> PriceList:
    """Activate, pause or end a list (LIFECYCLE_TRANSITIONS); activation checks its items again
    against the SKUs' current MRP and status."""
    require_perm(by, CHANGE)
    pl = lock(price_list)
    if to == Lifecycle.ACTIVE:
        _checked(pl, [{"sku": i.sku, "selling_price": i.selling_price, "landing_price": i.landing_price}
                     for i in pl.items.select_related("sku")])
    move_to(pl, to, by=by, note=note)
    return pl


@transaction.atomic
def price_list_item_set(*, by, price_list: PriceList, sku, selling_price, landing_price=None) -> PriceListItem:
    """Add or change one SKU's prices on a draft list (the import's row-by-row write)."""
    require_perm(by, CHANGE)
    pl = lock(price_list)
    if pl.status not in EDITABLE:
        raise TransitionNotAllowed(pl, "edited")
    (item,) = parse_items([{"sku": sku, "selling_price": selling_price, "landing_price": landing_price}])
    row, created = PriceListItem.objects.update_or_create(price_list=pl, sku=sku, defaults={
        "selling_price": item.selling_price, "landing_price": item.landing_price})
    record(pl, by=by, kind=EventKind.EDITED, sku=sku.code, created=created)
    return row
