"""The stock pages: alerts, count entry, transfers in transit; as each role (anonymous → sign-in,
out of scope → 404, not allowed → 403)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from distra.inventory import services, services_alerts
from distra.inventory.models import Batch, StockAlert, StockBalance, StockMove

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh(org):
    return Batch.objects.create(sku=org.skus["SKU-1"], batch_number="FRESH", manufactured_on=timezone.localdate(),
                                expires_on=timezone.localdate() + timedelta(days=3650))


@pytest.fixture
def stocked(org, fresh):
    for code in ("D-ONE", "D-FOUR"):
        services.stock_receive(by=org.users["admin"], warehouse=org.warehouses[code], sku=org.skus["SKU-1"], batch=fresh, quantity=10)
    return fresh


@pytest.fixture
def alerts(org, stocked):
    for code in ("D-ONE", "D-FOUR"):
        services.stock_reserve(by=org.users["admin"], warehouse=org.warehouses[code], sku=org.skus["SKU-1"], batch=stocked,
                               quantity=10, source_key=f"o-{code}")
        services_alerts.stock_alerts_evaluate(warehouse_id=org.warehouses[code].pk, sku_ids=[org.skus["SKU-1"].pk])
    return {a.warehouse.code: a for a in StockAlert.objects.select_related("warehouse")}


def as_user(client, org, username):
    if username:
        client.force_login(org.users[username])
    return client


@pytest.mark.parametrize("name", ["stock-alerts", "stock-count", "stock-transfers"])
def test_anonymous_gets_the_sign_in_form(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 401
    assert b'name="password"' in response.content


def test_alert_page_lists_the_scope_with_counts_per_kind(client, org, alerts):
    page = as_user(client, org, "dist_one").get(reverse("stock-alerts")).content.decode()
    assert f'data-alert="{alerts["W-D-ONE"].pk}"' in page
    assert f'data-alert="{alerts["W-D-FOUR"].pk}"' not in page
    assert 'data-kind="out_of_stock"' in page
    assert "out of stock: 1" in page
    assert "Acknowledge" in page
    assert "Stock alerts" in page  # the navigation link


def test_acknowledge_button_as_each_role(client, org, alerts):
    home, away = alerts["W-D-ONE"], alerts["W-D-FOUR"]
    as_user(client, org, "dist_one")
    assert client.post(reverse("stock-alert-acknowledge", args=[away.pk])).status_code == 404
    assert client.post(reverse("stock-alert-acknowledge", args=[home.pk])).status_code == 302
    client.force_login(org.users["rep_del1"])
    assert client.post(reverse("stock-alert-acknowledge", args=[away.pk])).status_code == 403
    assert "Acknowledge" not in client.get(reverse("stock-alerts")).content.decode()
    assert dict(StockAlert.objects.values_list("pk", "status")) == {home.pk: "acknowledged", away.pk: "open"}


def test_count_page_checks_the_variance_then_posts(client, org, stocked):
    as_user(client, org, "dist_one")
    url = reverse("stock-count")
    warehouse = org.warehouses["D-ONE"]
    page = client.get(url, {"warehouse": warehouse.pk})
    assert f'name="count-{stocked.pk}"' in page.content.decode()
    check = client.post(url, {"warehouse": warehouse.pk, f"count-{stocked.pk}": "7", "action": "check"})
    assert check.status_code == 200
    assert 'id="variance"' in check.content.decode()
    assert "-3" in check.content.decode()
    assert not StockMove.objects.filter(reason="count_variance").exists()
    key = check.context["count_key"]
    posted = client.post(url, {"warehouse": warehouse.pk, f"count-{stocked.pk}": "7", "action": "post", "count_key": key})
    assert posted.status_code == 302
    client.post(url, {"warehouse": warehouse.pk, f"count-{stocked.pk}": "7", "action": "post", "count_key": key})  # resubmitted
    assert list(StockMove.objects.filter(reason="count_variance").values_list("quantity", flat=True)) == [-3]
    assert StockBalance.objects.get(warehouse=warehouse, batch=stocked).on_hand == 7


def test_count_page_refuses_bad_input_scope_and_roles(client, org, stocked):
    url = reverse("stock-count")
    as_user(client, org, "dist_one")
    bad = client.post(url, {"warehouse": org.warehouses["D-ONE"].pk, f"count-{stocked.pk}": "-2", "action": "post"})
    assert bad.status_code == 422
    assert client.get(url, {"warehouse": org.warehouses["D-FOUR"].pk}).status_code == 404
    client.force_login(org.users["rep_del1"])
    assert client.get(url).status_code == 403
    assert not StockMove.objects.filter(reason="count_variance").exists()


def test_transfer_page_receives_at_the_destination(client, org, stocked):
    transfer = services.stock_transfer(by=org.users["admin"], from_warehouse=org.warehouses["D-ONE"],
                                       to_warehouse=org.warehouses["D-TWO"], sku=org.skus["SKU-1"], batch=stocked, quantity=4)
    as_user(client, org, "asm_mumbai")
    assert f'data-transfer="{transfer.pk}"' not in client.get(reverse("stock-transfers")).content.decode()
    assert client.post(reverse("stock-transfer-receive", args=[transfer.pk])).status_code in (403, 404)
    client.force_login(org.users["admin"])
    page = client.get(reverse("stock-transfers")).content.decode()
    assert f'data-transfer="{transfer.pk}"' in page
    assert "Receive" in page
    assert client.post(reverse("stock-transfer-receive", args=[transfer.pk])).status_code == 302
    assert StockBalance.objects.get(warehouse=org.warehouses["D-TWO"]).on_hand == 4
    assert f'data-transfer="{transfer.pk}"' not in client.get(reverse("stock-transfers")).content.decode()
