"""The demo organisation, planned without the database from one seeded generator.

``plan_demo(seed, scale)`` returns everything the builder writes: the geography tree, the catalog,
distributors with their territories, contacts and warehouses, outlets and users. The same seed
gives the same plan, to the last coordinate.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

from distra.demo.catalog_plan import CatalogPlan, plan_catalog
from distra.demo.identifiers import gstin_for, indian_mobile, pan
from distra.demo.reference import (
    CHANNEL_WEIGHTS,
    CLASS_WEIGHTS,
    DEITIES,
    DISTRIBUTOR_NAMES,
    FIRST_NAMES,
    LARGE_LAYOUT,
    LEGAL_FORMS,
    LOCALITIES,
    MODERN_TRADE_BANNERS,
    OUTLET_NAMES,
    SITES,
    SMALL_LAYOUT,
    STREETS,
    SURNAMES,
    Site,
)

KM_PER_DEGREE = 111.32


@dataclass(frozen=True)
class Scale:
    name: str
    layout: list
    distributors: int
    outlets: int
    skus: int
    reps: int
    order_rate: float = 1.0  # how often outlets order in the history, relative to the small demo


SCALES = {
    "tiny": Scale("tiny", SMALL_LAYOUT, distributors=8, outlets=240, skus=16, reps=12),
    "small": Scale("small", SMALL_LAYOUT, distributors=8, outlets=2_500, skus=120, reps=30, order_rate=0.35),
    "large": Scale("large", LARGE_LAYOUT, distributors=50, outlets=50_000, skus=500, reps=300, order_rate=0.1),
}


@dataclass(frozen=True, slots=True)
class NodePlan:
    code: str
    name: str
    kind: str
    parent_code: str | None
    site: Site | None = None


@dataclass(frozen=True, slots=True)
class ContactPlan:
    name: str
    designation: str
    phone: str
    email: str
    is_primary: bool


@dataclass(frozen=True, slots=True)
class WarehousePlan:
    code: str
    name: str
    address: str
    latitude: Decimal
    longitude: Decimal


@dataclass(frozen=True)
class DistributorPlan:
    code: str
    legal_name: str
    trade_name: str
    tax_id: str
    phone: str
    email: str
    address: str
    territory_codes: tuple[str, ...]
    contacts: tuple[ContactPlan, ...]
    warehouses: tuple[WarehousePlan, ...]


@dataclass(frozen=True, slots=True)
class OutletPlan:
    code: str
    name: str
    owner_name: str
    phone: str
    address: str
    city: str
    postal_code: str
    latitude: Decimal
    longitude: Decimal
    channel: str
    outlet_class: str
    territory_code: str
    distributor_code: str
    status: str
    tax_id: str


@dataclass(frozen=True, slots=True)
class UserPlan:
    username: str
    first_name: str
    last_name: str
    role: str
    scope: str
    distributor_code: str | None = None
    node_codes: tuple[str, ...] = ()


@dataclass
class DemoPlan:
    seed: int
    scale: Scale
    nodes: list[NodePlan] = field(default_factory=list)
    catalog: CatalogPlan | None = None
    distributors: list[DistributorPlan] = field(default_factory=list)
    outlets: list[OutletPlan] = field(default_factory=list)
    users: list[UserPlan] = field(default_factory=list)
    depots: list[WarehousePlan] = field(default_factory=list)

    @property
    def territories(self) -> list[NodePlan]:
        return [n for n in self.nodes if n.kind == "territory"]

    @property
    def areas(self) -> list[NodePlan]:
        return [n for n in self.nodes if n.kind == "area"]


def plan_demo(seed: int, scale: str = "small", *, progress=None) -> DemoPlan:
    """Plan the whole demo brand. ``progress(iterable, total, desc)`` may wrap the outlet loop."""
    rng = random.Random(seed)
    plan = DemoPlan(seed=seed, scale=SCALES[scale])
    plan.nodes = _plan_geography(plan.scale.layout)
    plan.catalog = plan_catalog(rng, plan.scale.skus)
    plan.distributors = _plan_distributors(rng, plan)
    plan.outlets = _plan_outlets(rng, plan, progress)
    plan.users = _plan_users(rng, plan)
    plan.depots = _plan_depots(plan)
    return plan


def _plan_depots(plan: DemoPlan) -> list[WarehousePlan]:
    """One brand depot per region, at its first territory's city (no randomness: adding depots
    leaves the rest of a seed's plan as it was)."""
    depots = []
    for region in (n for n in plan.nodes if n.kind == "region"):
        area = next(n for n in plan.nodes if n.parent_code == region.code)
        site = next(n for n in plan.nodes if n.parent_code == area.code).site
        depots.append(WarehousePlan(f"DEPOT-{region.code[2:]}", f"Brand depot {region.name}",
                                    f"Industrial Area, {site.city} {site.pin}001", _decimal(site.lat), _decimal(site.lon)))
    return depots


# Geography ------------------------------------------------------------------------------------

def _plan_geography(layout) -> list[NodePlan]:
    nodes = [NodePlan("IN", "India", "country", None)]
    for region_code, region_name, areas in layout:
        nodes.append(NodePlan(f"R-{region_code}", region_name, "region", "IN"))
        for area_code, area_name, sites in areas:
            nodes.append(NodePlan(f"A-{area_code}", area_name, "area", f"R-{region_code}"))
            nodes += [NodePlan(f"T-{s}", SITES[s].name, "territory", f"A-{area_code}", SITES[s]) for s in sites]
    return nodes


def _offset(rng: random.Random, site: Site, lat: float, lon: float, sigma_km: float) -> tuple[float, float]:
    d_lat = rng.gauss(0, sigma_km) / KM_PER_DEGREE
    d_lon = rng.gauss(0, sigma_km) / (KM_PER_DEGREE * math.cos(math.radians(site.lat)))
    return lat + d_lat, lon + d_lon


def _decimal(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


def _person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(SURNAMES)


def _address(rng: random.Random, site: Site) -> tuple[str, str]:
    postal_code = f"{site.pin}{rng.randint(1, 99):03d}"
    return f"{rng.randint(1, 250)}, {rng.choice(STREETS)}, {rng.choice(LOCALITIES)}, {site.city} {postal_code}", postal_code


# Distributors ---------------------------------------------------------------------------------

def _apportion(total: int, weights: list[float], low: list[int], high: list[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder), each share within its bounds."""
    raw = [total * w / sum(weights) for w in weights]
    shares = [min(max(math.floor(r), lo), hi) for r, lo, hi in zip(raw, low, high, strict=True)]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - math.floor(raw[i]), reverse=True)
    while sum(shares) != total:
        step = 1 if sum(shares) < total else -1
        changed = False
        for i in order:
            if sum(shares) != total and low[i] <= shares[i] + step <= high[i]:
                shares[i] += step
                changed = True
        if not changed:
            raise ValueError("cannot apportion within the bounds")
    return shares


def _coverage(rng: random.Random, territories: list[str], count: int) -> list[tuple[str, ...]]:
    """``count`` distributors covering an area's ``territories`` in order, each serving one or two
    neighbours: some serve two, some one, and some share a territory with the next (overlap)."""
    pairs = len(territories) - count
    rest = count - pairs
    overlaps = (rest + 1) // 2 if len(territories) > 1 else 0
    kinds = ["pair"] * pairs + ["overlap"] * overlaps + ["single"] * (rest - overlaps)
    rng.shuffle(kinds)
    if kinds[-1] == "overlap":  # an overlap needs a next territory in the area
        swap = next(i for i, k in enumerate(kinds) if k != "overlap")
        kinds[swap], kinds[-1] = kinds[-1], kinds[swap]
    served, p = [], 0
    for kind in kinds:
        served.append(tuple(territories[p:p + 2]) if kind != "single" else (territories[p],))
        p += 2 if kind == "pair" else 1
    return served


def _plan_distributors(rng: random.Random, plan: DemoPlan) -> list[DistributorPlan]:
    by_area: dict[str, list[NodePlan]] = {}
    for t in plan.territories:
        by_area.setdefault(t.parent_code, []).append(t)
    groups = list(by_area.values())
    shares = _apportion(
        plan.scale.distributors,
        [sum(t.site.weight for t in g) for g in groups],
        [math.ceil(len(g) / 2) for g in groups],
        [len(g) for g in groups],
    )
    sites = {t.code: t.site for t in plan.territories}
    served = [s for g, n in zip(groups, shares, strict=True) for s in _coverage(rng, [t.code for t in g], n)]
    used_pans: set[str] = set()
    return [_distributor(rng, i, codes, [sites[c] for c in codes], used_pans) for i, codes in enumerate(served, start=1)]


def _distributor(rng: random.Random, number: int, codes: tuple[str, ...], sites: list[Site], used_pans: set[str]) -> DistributorPlan:
    code = f"D{number:03d}"
    first, surname = _person(rng)
    home = sites[0]
    trade_name = rng.choice(DISTRIBUTOR_NAMES).format(first=first, surname=surname, deity=rng.choice(DEITIES), city=home.city)
    legal_suffix, holder = rng.choice(LEGAL_FORMS)
    initial = surname[0] if holder == "P" else trade_name[0]
    pan_number = pan(rng, holder_type=holder, initial=initial)
    while pan_number in used_pans:
        pan_number = pan(rng, holder_type=holder, initial=initial)
    used_pans.add(pan_number)
    slug = "".join(ch for ch in trade_name.lower() if ch.isalnum())[:24]
    designation = {"P": "Proprietor", "F": "Partner", "C": "Director"}[holder]
    contacts = [ContactPlan(f"{first} {surname}", designation, indian_mobile(rng), f"{first.lower()}@{slug}.example.com", True)]
    if rng.random() < 0.5:
        a_first, a_surname = _person(rng)
        contacts.append(ContactPlan(f"{a_first} {a_surname}", "Accounts", indian_mobile(rng), f"accounts@{slug}.example.com", False))
    warehouses = []
    for i, site in enumerate(sites[: 1 + (rng.random() < 0.4)], start=1):
        lat, lon = _offset(rng, site, site.lat, site.lon, 6)
        warehouses.append(WarehousePlan(
            f"W-{code}-{i}", f"{site.name} godown" if i > 1 else "Main godown",
            _address(rng, site)[0], _decimal(lat), _decimal(lon),
        ))
    return DistributorPlan(
        code=code,
        legal_name=f"{trade_name}{legal_suffix}",
        trade_name=trade_name,
        # Registered in the state of the first territory it serves.
        tax_id=gstin_for(home.state, pan_number),
        phone=indian_mobile(rng),
        email=f"orders@{slug}.example.com",
        address=_address(rng, home)[0],
        territory_codes=codes,
        contacts=tuple(contacts),
        warehouses=tuple(warehouses),
    )


# Outlets --------------------------------------------------------------------------------------

def _plan_outlets(rng: random.Random, plan: DemoPlan, progress) -> list[OutletPlan]:
    territories = plan.territories
    weights = [t.site.weight * rng.uniform(0.8, 1.25) for t in territories]
    counts = _apportion(plan.scale.outlets, weights, [1] * len(territories), [plan.scale.outlets] * len(territories))
    serving: dict[str, list[str]] = {}
    for d in plan.distributors:
        for code in d.territory_codes:
            serving.setdefault(code, []).append(d.code)
    outlets: list[OutletPlan] = []
    bar = progress(total=plan.scale.outlets, desc="Planning outlets") if progress else None
    for territory, count in zip(territories, counts, strict=True):
        outlets += _territory_outlets(rng, territory, count, serving[territory.code])
        if bar is not None:
            bar.update(count)
    if bar is not None:
        bar.close()
    return outlets


def _clusters(rng: random.Random, site: Site) -> tuple[list[tuple[float, float, float]], list[float]]:
    """A few market clusters around the city centre: (lat, lon, spread in km) and their weights."""
    clusters = []
    for _ in range(rng.randint(3, 6)):
        lat, lon = _offset(rng, site, site.lat, site.lon, 4)
        clusters.append((lat, lon, rng.uniform(1.0, 4.0)))  # 1-4 km sigma: 2-8 km across
    return clusters, [rng.uniform(0.5, 2.0) for _ in clusters]


def _territory_outlets(rng: random.Random, territory: NodePlan, count: int, distributors: list[str]) -> list[OutletPlan]:
    site = territory.site
    clusters, cluster_weights = _clusters(rng, site)
    channels = list(CHANNEL_WEIGHTS)
    outlets = []
    for n in range(1, count + 1):
        channel = rng.choices(channels, weights=list(CHANNEL_WEIGHTS.values()))[0]
        outlet_class = rng.choices("ABC", weights=CLASS_WEIGHTS[channel])[0]
        c_lat, c_lon, spread = rng.choices(clusters, weights=cluster_weights)[0]
        lat, lon = _offset(rng, site, c_lat, c_lon, spread)
        first, surname = _person(rng)
        locality = rng.choice(LOCALITIES)
        name = rng.choice(OUTLET_NAMES[channel]).format(
            first=first, surname=surname, deity=rng.choice(DEITIES), locality=locality,
            banner=rng.choice(MODERN_TRADE_BANNERS),
        )
        address, postal_code = _address(rng, site)
        registered = channel in ("modern_trade", "wholesale") or rng.random() < 0.15
        tax_id = gstin_for(site.state, pan(rng, holder_type="C" if channel == "modern_trade" else "P", initial=surname[0])) if registered else ""
        status = rng.choices(("active", "inactive", "closed"), weights=(97, 2, 1))[0]
        outlets.append(OutletPlan(
            code=f"{site.code}-{n:05d}", name=name, owner_name=f"{first} {surname}", phone=indian_mobile(rng),
            address=f"Shop {address}", city=site.city, postal_code=postal_code,
            latitude=_decimal(lat), longitude=_decimal(lon), channel=channel, outlet_class=outlet_class,
            territory_code=territory.code, distributor_code=rng.choice(distributors), status=status, tax_id=tax_id,
        ))
    return outlets


# Users ----------------------------------------------------------------------------------------

def _plan_users(rng: random.Random, plan: DemoPlan) -> list[UserPlan]:
    """One administrator, one brand manager, an ASM per area, a user per distributor and the
    field reps, in that order. The first of each role form one chain: the first rep works in the
    first territory, which the first distributor serves and which lies in the first area."""
    users = [
        UserPlan("admin", *_person(rng), role="administrator", scope="Everything"),
        UserPlan("brand_manager", *_person(rng), role="brand_manager", scope="Everything (brand-wide)"),
    ]
    users += [
        UserPlan(f"asm_{a.code[2:].lower()}", *_person(rng), role="area_sales_manager", scope=f"Area: {a.name}", node_codes=(a.code,))
        for a in plan.areas
    ]
    users += [
        UserPlan(f"dist_{d.code.lower()}", *_person(rng), role="distributor", scope=f"Distributor: {d.code} {d.trade_name}", distributor_code=d.code)
        for d in plan.distributors
    ]
    territories = plan.territories
    for i in range(plan.scale.reps):
        t = territories[i % len(territories)]
        users.append(UserPlan(f"rep_{i + 1:03d}", *_person(rng), role="field_rep", scope=f"Territory: {t.name}", node_codes=(t.code,)))
    return users
