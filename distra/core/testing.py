"""Test helpers shared by every context's tests: a small, coherent organisation with one user per
role (forming the same chain as the demo data), and an API client that authenticates with a token.

``org`` layout (all in India):
    IN
    ├── North (region)
    │   ├── Delhi NCR (area)  ── territories T-DEL-1, T-DEL-2 ── distributor D-ONE (both), D-TWO (T-DEL-2)
    │   └── Punjab (area)     ── territory  T-LDH           ── distributor D-THREE
    └── West (region)
        └── Mumbai (area)     ── territory  T-MUM           ── distributor D-FOUR
Users: admin, brand (brand manager), asm_delhi (Delhi NCR), asm_mumbai (Mumbai),
dist_one (D-ONE), dist_four (D-FOUR), rep_del1 (T-DEL-1), rep_mum (T-MUM).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.test import Client

from distra.accounts.choices import Role
from distra.accounts.models import ApiToken, User, hash_token
from distra.catalog.models import SKU, Brand, Category
from distra.geography.choices import GeoKind
from distra.geography.models import GeoNode
from distra.partners.choices import DistributorStatus
from distra.partners.models import Distributor, DistributorTerritory, Outlet, Warehouse

PASSWORD = "correct-horse-battery"

# Valid GSTINs (their check characters verified with python-stdnum).
GSTINS = ["07AAACD1234A1ZJ", "07AAACE1234A1ZI", "03AAACF1234A1ZP", "27AAACG1234A1ZE"]


def make_node(code: str, name: str, kind: str, parent: GeoNode | None) -> GeoNode:
    node = GeoNode.objects.create(code=code, name=name, kind=kind, parent=parent, country_code="IN")
    node.path = f"{parent.path if parent else '/'}{node.pk}/"
    node.save(update_fields=["path"])
    return node


def make_user(username: str, role: str, *, distributor=None, nodes=()) -> User:
    user = User(
        username=username,
        role=role,
        distributor=distributor,
        is_staff=role != Role.FIELD_REP,
        is_superuser=role == Role.ADMINISTRATOR,
        first_name=username.split("_")[0].title(),
    )
    user.set_password(PASSWORD)
    user.save()
    if nodes:
        user.geo_nodes.set(nodes)
    return user


def api_token(user: User) -> str:
    raw = ApiToken.generate()
    from datetime import timedelta

    from django.utils import timezone

    ApiToken.objects.create(user=user, key_hash=hash_token(raw), prefix=raw[4:12], expires_at=timezone.now() + timedelta(days=1))
    return raw


class ApiClient:
    """A Django test client that sends JSON and a bearer token for ``user`` (anonymous if None)."""

    def __init__(self, user: User | None = None):
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"} if user else {}

    def _send(self, method: str, path: str, data=None, **extra):
        kwargs = {**self.headers, **extra}
        if data is not None and method in ("post", "patch", "put"):
            return getattr(self.client, method)(path, data=json.dumps(data), content_type="application/json", **kwargs)
        return getattr(self.client, method)(path, data=data, **kwargs)

    def get(self, path, params=None, **extra):
        return self._send("get", path, params, **extra)

    def post(self, path, data=None, **extra):
        return self._send("post", path, data if data is not None else {}, **extra)

    def patch(self, path, data=None, **extra):
        return self._send("patch", path, data if data is not None else {}, **extra)

    def put(self, path, data=None, **extra):
        return self._send("put", path, data if data is not None else {}, **extra)

    def delete(self, path, **extra):
        return self._send("delete", path, None, **extra)


@dataclass
class Org:
    nodes: dict[str, GeoNode] = field(default_factory=dict)
    distributors: dict[str, Distributor] = field(default_factory=dict)
    warehouses: dict[str, Warehouse] = field(default_factory=dict)
    outlets: dict[str, Outlet] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    skus: dict[str, SKU] = field(default_factory=dict)
    brand: Brand | None = None
    categories: dict[str, Category] = field(default_factory=dict)


def build_org() -> Org:
    org = Org()
    n = org.nodes
    n["IN"] = make_node("IN", "India", GeoKind.COUNTRY, None)
    n["NORTH"] = make_node("NORTH", "North", GeoKind.REGION, n["IN"])
    n["WEST"] = make_node("WEST", "West", GeoKind.REGION, n["IN"])
    n["A-DEL"] = make_node("A-DEL", "Delhi NCR", GeoKind.AREA, n["NORTH"])
    n["A-PUN"] = make_node("A-PUN", "Punjab", GeoKind.AREA, n["NORTH"])
    n["A-MUM"] = make_node("A-MUM", "Mumbai", GeoKind.AREA, n["WEST"])
    n["T-DEL-1"] = make_node("T-DEL-1", "Delhi Central", GeoKind.TERRITORY, n["A-DEL"])
    n["T-DEL-2"] = make_node("T-DEL-2", "Gurugram", GeoKind.TERRITORY, n["A-DEL"])
    n["T-LDH"] = make_node("T-LDH", "Ludhiana", GeoKind.TERRITORY, n["A-PUN"])
    n["T-MUM"] = make_node("T-MUM", "Mumbai South", GeoKind.TERRITORY, n["A-MUM"])

    serving = {"D-ONE": ["T-DEL-1", "T-DEL-2"], "D-TWO": ["T-DEL-2"], "D-THREE": ["T-LDH"], "D-FOUR": ["T-MUM"]}
    for i, (code, territories) in enumerate(serving.items()):
        d = Distributor.objects.create(
            code=code, legal_name=f"{code.title()} Traders Pvt Ltd", tax_id=GSTINS[i], status=DistributorStatus.ACTIVE
        )
        for t in territories:
            DistributorTerritory.objects.create(distributor=d, territory=n[t])
        org.distributors[code] = d
        org.warehouses[code] = Warehouse.objects.create(distributor=d, code=f"W-{code}", name=f"{code} main warehouse")

    outlets = [
        ("O-DEL1-A", "T-DEL-1", "D-ONE"),
        ("O-DEL1-B", "T-DEL-1", "D-ONE"),
        ("O-DEL2-A", "T-DEL-2", "D-TWO"),
        ("O-DEL2-B", "T-DEL-2", "D-ONE"),
        ("O-LDH-A", "T-LDH", "D-THREE"),
        ("O-MUM-A", "T-MUM", "D-FOUR"),
    ]
    for code, territory, distributor in outlets:
        org.outlets[code] = Outlet.objects.create(
            code=code,
            name=f"{code} General Store",
            owner_name="Owner",
            phone="+919876543210",
            latitude=Decimal("28.6139"),
            longitude=Decimal("77.2090"),
            territory=n[territory],
            distributor=org.distributors[distributor],
        )

    org.brand = Brand.objects.create(code="SUN", name="Sunrise")
    food = Category.objects.create(code="FOOD", name="Food")
    food.path = f"/{food.pk}/"
    food.save(update_fields=["path"])
    biscuits = Category.objects.create(code="BISC", name="Biscuits", parent=food)
    biscuits.path = f"{food.path}{biscuits.pk}/"
    biscuits.save(update_fields=["path"])
    org.categories = {"FOOD": food, "BISC": biscuits}
    org.skus["SKU-1"] = SKU.objects.create(
        code="SKU-1", gtin="8901234567890", name="Glucose biscuits 100 g", brand=org.brand, category=biscuits,
        hsn_code="1905", units_per_case=48, case_weight_kg=Decimal("5.2"), case_volume_l=Decimal("12"),
        mrp=Decimal("10.00"), base_price=Decimal("7.50"), tax_rate=Decimal("18"), shelf_life_days=180,
    )

    u = org.users
    u["admin"] = make_user("admin", Role.ADMINISTRATOR)
    u["brand"] = make_user("brand", Role.BRAND_MANAGER)
    u["asm_delhi"] = make_user("asm_delhi", Role.AREA_SALES_MANAGER, nodes=[n["A-DEL"]])
    u["asm_mumbai"] = make_user("asm_mumbai", Role.AREA_SALES_MANAGER, nodes=[n["A-MUM"]])
    u["dist_one"] = make_user("dist_one", Role.DISTRIBUTOR, distributor=org.distributors["D-ONE"])
    u["dist_four"] = make_user("dist_four", Role.DISTRIBUTOR, distributor=org.distributors["D-FOUR"])
    u["rep_del1"] = make_user("rep_del1", Role.FIELD_REP, nodes=[n["T-DEL-1"]])
    u["rep_mum"] = make_user("rep_mum", Role.FIELD_REP, nodes=[n["T-MUM"]])
    return org


# What each user of build_org() must see: the outlet codes in its scope.
VISIBLE_OUTLETS = {
    "admin": {"O-DEL1-A", "O-DEL1-B", "O-DEL2-A", "O-DEL2-B", "O-LDH-A", "O-MUM-A"},
    "brand": {"O-DEL1-A", "O-DEL1-B", "O-DEL2-A", "O-DEL2-B", "O-LDH-A", "O-MUM-A"},
    "asm_delhi": {"O-DEL1-A", "O-DEL1-B", "O-DEL2-A", "O-DEL2-B"},
    "asm_mumbai": {"O-MUM-A"},
    "dist_one": {"O-DEL1-A", "O-DEL1-B", "O-DEL2-B"},
    "dist_four": {"O-MUM-A"},
    "rep_del1": {"O-DEL1-A", "O-DEL1-B"},
    "rep_mum": {"O-MUM-A"},
}


def valid_gstin(first_14: str) -> str:
    """Complete a 14-character GSTIN body with its check character."""
    from stdnum.in_ import gstin

    return next(first_14 + c for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" if gstin.is_valid(first_14 + c))
