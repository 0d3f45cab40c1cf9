"""Small hand-made facts for the engine's tests (no database)."""

from datetime import date
from decimal import Decimal as D

from distra.pricing.domain import OutletFacts, PriceListFacts, SchemeFacts, SkuFacts, Slab

DAY = date(2026, 3, 10)
START = date(2026, 1, 1)
OUTLET = OutletFacts(outlet_id=1, distributor_id=10, geo_path="/1/2/3/", channel="general_trade", outlet_class="A")
# SKU 1: biscuits, 12 a case, 18 % tax, MRP 20, base 10. SKU 2: oil, 6 a case, 5 % tax, MRP 50, base 30.
# SKU 3: soap, 24 a case, 18 % tax, MRP 15, base 8 (brand 2, another category).
SKUS = {
    1: SkuFacts(1, "BISC", 1, "/1/2/", 12, D(18), D("20.00"), D("10.00")),
    2: SkuFacts(2, "OIL", 1, "/1/5/", 6, D(5), D("50.00"), D("30.00")),
    3: SkuFacts(3, "SOAP", 2, "/7/", 24, D(18), D("15.00"), D("8.00")),
}


def price_list(pk, code, items, **scope):
    return PriceListFacts(pk, code, scope.pop("priority", 0), scope.pop("valid_from", START), scope.pop("valid_to", None), items, **scope)


def scheme(pk, code, kind, **params):
    params.setdefault("valid_from", START)
    return SchemeFacts(pk, code, code.lower(), kind, **params)


def slabs(*rows):
    return tuple(Slab(D(str(low)), None if high is None else D(str(high)), D(str(pct))) for low, high, pct in rows)
