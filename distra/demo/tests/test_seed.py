"""The demo brand: deterministic, coherent, valid identifiers, and one chain of first logins.

The small demo is written once for the module (inside a transaction rolled back at the end); each
test runs in a savepoint within it.
"""

import json
import math
from collections import Counter
from datetime import timedelta

import phonenumbers
import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.test.utils import override_settings
from django.utils import timezone
from stdnum import ean
from stdnum.in_ import gstin

from distra.accounts.models import User
from distra.catalog.models import SKU, Brand, Category
from distra.demo.builder import build_demo
from distra.demo.plan import plan_demo
from distra.geography.models import GeoNode
from distra.inventory.selectors import stock_verify
from distra.orders.models import Order
from distra.partners.models import (
    Distributor,
    DistributorContact,
    DistributorTerritory,
    Outlet,
    Warehouse,
)

SEED = 1234
PASSWORD = "demo-password-for-tests"
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    logins_path = tmp_path_factory.mktemp("var") / "demo-logins.json"
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_demo(seed=SEED, scale="small", password=PASSWORD, logins_path=logins_path, transactions=False)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo(seeded, db):
    return seeded


def test_same_seed_plans_identical_data():
    first, second = plan_demo(SEED, "small"), plan_demo(SEED, "small")
    assert first.outlets == second.outlets
    assert first.catalog.skus == second.catalog.skus
    assert first.distributors == second.distributors
    assert first.users == second.users


def test_different_seed_plans_different_data():
    first, other = plan_demo(SEED, "small"), plan_demo(SEED + 1, "small")
    assert {o.code for o in first.outlets} != {o.code for o in other.outlets}
    assert {(o.latitude, o.longitude) for o in first.outlets}.isdisjoint({(o.latitude, o.longitude) for o in other.outlets})
    assert {s.gtin for s in first.catalog.skus}.isdisjoint({s.gtin for s in other.catalog.skus})


def test_written_outlets_and_skus_are_the_planned_ones(demo):
    planned = {o.code: (o.latitude, o.longitude) for o in demo.plan.outlets}
    written = {code: (lat, lon) for code, lat, lon in Outlet.objects.values_list("code", "latitude", "longitude")}
    assert written == planned
    assert set(SKU.objects.values_list("gtin", flat=True)) == {s.gtin for s in demo.plan.catalog.skus}


def test_small_demo_has_the_specified_counts(demo):
    assert SKU.objects.count() == 120
    assert Category.objects.filter(children__isnull=True).count() == 8
    assert Category.objects.filter(parent__isnull=True).count() == 3
    assert Brand.objects.count() >= 3
    assert Counter(GeoNode.objects.values_list("kind", flat=True)) == {"country": 1, "region": 2, "area": 6, "territory": 12}
    assert Distributor.objects.count() == 8
    assert Outlet.objects.count() == 2500
    assert Counter(User.objects.values_list("role", flat=True)) == {
        "administrator": 1, "brand_manager": 1, "area_sales_manager": 6, "distributor": 8, "field_rep": 30,
    }
    per_distributor = Counter(Warehouse.objects.values_list("distributor_id", flat=True))
    assert len(per_distributor) == 8
    assert set(per_distributor.values()) <= {1, 2}
    primaries = Counter(DistributorContact.objects.filter(is_primary=True).values_list("distributor_id", flat=True))
    assert len(primaries) == 8
    assert set(primaries.values()) == {1}


def test_geography_and_categories_have_materialised_paths(demo):
    for model in (GeoNode, Category):
        for row in model.objects.select_related("parent"):
            assert row.path == f"{row.parent.path if row.parent else '/'}{row.pk}/"


def test_every_gtin_is_a_valid_ean13_from_gs1_india(demo):
    for gtin in SKU.objects.values_list("gtin", flat=True):
        assert gtin.startswith("890"), gtin
        assert len(gtin) == 13, gtin
        assert ean.is_valid(gtin), gtin


def test_sku_prices_taxes_and_hsn_codes_are_consistent(demo):
    for sku in SKU.objects.select_related("category"):
        assert sku.price_with_tax <= sku.mrp, sku.code
        assert sku.base_price > 0
        assert sku.units_per_case >= 1
        assert sku.shelf_life_days >= 1
        assert sku.tax_rate in (5, 12, 18, 28)
        assert len(sku.hsn_code) in (4, 6, 8)
        assert sku.hsn_code.isdigit()
    # One HSN code and one GST rate per category.
    pairs = set(SKU.objects.values_list("category_id", "hsn_code", "tax_rate"))
    assert len(pairs) == 8


def test_every_gstin_is_valid_and_registered_in_the_home_territory_state(demo):
    site_state = {t.code: t.site.state for t in demo.plan.territories}
    for d in demo.plan.distributors:
        assert gstin.is_valid(d.tax_id), d.tax_id
        assert d.tax_id[:2] == site_state[d.territory_codes[0]]
    outlet_ids = [tax_id for tax_id in Outlet.objects.values_list("tax_id", flat=True) if tax_id]
    assert outlet_ids
    assert all(gstin.is_valid(tax_id) for tax_id in outlet_ids)


def test_every_territory_is_served_and_each_distributor_serves_one_or_two(demo):
    served = Counter(DistributorTerritory.objects.values_list("distributor_id", flat=True))
    assert set(served.values()) <= {1, 2}
    assert len(served) == 8
    assert not GeoNode.objects.filter(kind="territory", distributors__isnull=True).exists()


def test_every_outlet_is_served_by_a_distributor_of_its_territory(demo):
    serves = DistributorTerritory.objects.filter(distributor_id=OuterRef("distributor_id"), territory_id=OuterRef("territory_id"))
    assert not Outlet.objects.filter(~Exists(serves)).exists()


def test_every_phone_is_a_valid_indian_number_in_e164(demo):
    phones = list(Outlet.objects.values_list("phone", flat=True))
    phones += list(Distributor.objects.values_list("phone", flat=True))
    phones += list(DistributorContact.objects.values_list("phone", flat=True))
    for phone in phones:
        number = phonenumbers.parse(phone, None)
        assert phonenumbers.is_valid_number(number), phone
        assert number.country_code == 91, phone
        assert phone == phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def test_outlets_have_a_realistic_channel_and_class_mix_near_their_city(demo):
    channels = Counter(Outlet.objects.values_list("channel", flat=True))
    assert channels.most_common(1)[0] == ("general_trade", channels["general_trade"])
    assert channels["general_trade"] > 1250
    assert set(channels) == {"general_trade", "modern_trade", "pharmacy", "horeca", "wholesale"}
    classes = Counter(Outlet.objects.values_list("outlet_class", flat=True))
    for outlet_class, share in (("A", 0.15), ("B", 0.35), ("C", 0.50)):
        assert abs(classes[outlet_class] / 2500 - share) < 0.05
    centres = {t.code: t.site for t in demo.plan.territories}
    for code, lat, lon in Outlet.objects.values_list("territory__code", "latitude", "longitude"):
        site = centres[code]
        km = math.hypot(float(lat) - site.lat, (float(lon) - site.lon) * math.cos(math.radians(site.lat))) * 111.32
        assert km < 40, (code, lat, lon)


def test_demo_users_sign_in_with_the_demo_password(demo):
    user = User.objects.get(username="rep_001")
    assert check_password(PASSWORD, user.password)
    assert User.objects.filter(password=user.password).count() == User.objects.count()  # hashed once


def test_logins_file_lists_every_user_with_role_and_scope(demo):
    logins = json.loads(demo.logins_path.read_text())
    assert len(logins) == User.objects.count()
    assert all(set(login) == {"username", "password", "role", "scope"} for login in logins)
    assert [login["role"] for login in demo.first_logins] == [
        "administrator", "brand_manager", "area_sales_manager", "distributor", "field_rep",
    ]
    asm, distributor = demo.first_logins[2], demo.first_logins[3]
    assert asm["scope"] == "Area: Delhi NCR"
    assert distributor["scope"].startswith("Distributor: D001 ")


def test_first_logins_form_one_chain(demo):
    first = {login["role"]: User.objects.get(username=login["username"]) for login in demo.first_logins}
    rep_outlets = set(Outlet.objects.for_user(first["field_rep"]).values_list("pk", flat=True))
    asm_outlets = set(Outlet.objects.for_user(first["area_sales_manager"]).values_list("pk", flat=True))
    distributor_outlets = set(Outlet.objects.for_user(first["distributor"]).values_list("pk", flat=True))
    assert rep_outlets
    assert rep_outlets <= asm_outlets
    assert rep_outlets & distributor_outlets
    assert len(asm_outlets) < Outlet.objects.count()


def test_seeding_again_without_reset_changes_nothing(demo, settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path
    before = (Outlet.objects.count(), SKU.objects.count(), User.objects.count())
    call_command("seed", "demo", "--seed", "99")
    assert "already seeded" in capsys.readouterr().out
    assert (Outlet.objects.count(), SKU.objects.count(), User.objects.count()) == before
    assert not (tmp_path / "demo-logins.json").exists()


def test_reset_replaces_the_demo_with_another_seed(demo, settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path
    settings.DISTRA_DEMO_PASSWORD = "another-demo-password"
    old_codes = set(Outlet.objects.values_list("code", flat=True))
    call_command("seed", "demo", "--seed", "99", "--scale", "tiny", "--reset")
    assert "http://127.0.0.1:8000" in capsys.readouterr().out
    assert Outlet.objects.count() == 240
    assert User.objects.count() == 28
    assert set(Outlet.objects.values_list("code", flat=True)) != old_codes
    logins = json.loads((tmp_path / "demo-logins.json").read_text())
    assert {login["password"] for login in logins} == {"another-demo-password"}
    # The new demo's stock and history are whole too (one reset serves both checks: each takes ~30 s).
    assert stock_verify() == []
    assert Order.objects.filter(status="delivered").count() > 1000
    latest = Order.objects.filter(status="delivered").order_by("-delivered_at").first().delivered_at
    assert timezone.localdate() - timedelta(days=2) <= timezone.localtime(latest).date()
