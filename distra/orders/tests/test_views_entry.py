"""Order entry and line editing with the test client, as without JavaScript: choose an outlet,
search SKUs (with what is available), add lines, recalculate (the server's amounts), save a draft
or submit; a resubmitted form never makes a second order; problems appear beside their lines."""
# ruff: noqa: F811  (the pages' fixtures, imported from distra.web.tests, are test arguments here)

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from distra.catalog.models import SKU
from distra.orders import services
from distra.orders.models import Order, OrderLine
from distra.orders.tests.conftest import lines, make_batch, receive
from distra.web.tests.conftest import _plain_static_storage, client_for  # noqa: F401  (fixtures)
from distra.web.tests.helpers import field_errors

pytestmark = pytest.mark.django_db

KEY = re.compile(r'name="idempotency_key" value="([0-9a-f]{32})"')


def entry_url(org, outlet="O-DEL1-A"):
    return f"{reverse('order-create')}?outlet={org.outlets[outlet].pk}"


def form_data(key, skus_and_quantities, **extra):
    """The posted form: ``skus_and_quantities`` is [(sku, cases, units, discount, delete)]."""
    data = {"idempotency_key": key, "lines-TOTAL_FORMS": str(len(skus_and_quantities)), "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "200", "note": "", "sku_q": ""}
    for i, (sku, cases, units, discount, delete) in enumerate(skus_and_quantities):
        data |= {f"lines-{i}-sku": str(sku.pk), f"lines-{i}-cases": str(cases), f"lines-{i}-units": str(units),
                 f"lines-{i}-discount_pct": str(discount)}
        if delete:
            data[f"lines-{i}-DELETE"] = "on"
    return data | extra


def totals(response) -> dict[str, str]:
    return dict(re.findall(r'data-total="(\w+)">([^<]*)<', response.content.decode()))


def fresh_key(client, org, outlet="O-DEL1-A") -> str:
    response = client.get(entry_url(org, outlet))
    assert response.status_code == 200
    return KEY.search(response.content.decode()).group(1)


def test_the_outlet_step_offers_the_active_outlets_of_the_scope(org, client_for):
    client = client_for(org.users["rep_del1"])
    html = client.get(reverse("order-create")).content.decode()
    assert set(re.findall(r'data-code="([^"]+)"', html)) == {"O-DEL1-A", "O-DEL1-B"}
    html = client.get(reverse("order-create"), {"q": "DEL1-B"}).content.decode()
    assert set(re.findall(r'data-code="([^"]+)"', html)) == {"O-DEL1-B"}
    assert client.get(entry_url(org, "O-MUM-A")).status_code == 404
    assert client.get(reverse("order-create"), {"outlet": "x"}).status_code == 404


def test_each_form_gets_its_own_idempotency_key(org, client_for):
    client = client_for(org.users["dist_one"])
    assert fresh_key(client, org) != fresh_key(client, org)


def test_search_shows_what_is_available_to_the_outlet_and_add_puts_a_line(org, client_for, stocked, sku2):
    expired = make_batch(org, org.skus["SKU-1"], "OLD", expires_in_days=0)
    receive(org, org.warehouses["D-ONE"], expired, 500)  # on hand, but never allocatable
    services.order_create(by=org.users["dist_one"], outlet=org.outlets["O-DEL1-B"], lines=lines(org, q1=40), submit=True)
    client = client_for(org.users["dist_one"])
    key = fresh_key(client, org)
    response = client.post(entry_url(org), form_data(key, [], sku_q="biscuits", action="search"))
    html = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r'<li [^>]*data-code="(SKU-\d)"', html) == ["SKU-1", "SKU-2"]
    assert 'data-id="{}" data-code="SKU-1"'.format(org.skus["SKU-1"].pk) in html
    assert re.search(r'data-code="SKU-1" [^>]*data-available="110"', html)  # 150 - 40 reserved; expired batch left out
    assert re.search(r'data-code="SKU-2" [^>]*data-available="30"', html)
    response = client.post(entry_url(org), form_data(key, [], sku_q="biscuits", add_sku=str(sku2.pk)))
    html = response.content.decode()
    assert f'name="lines-0-sku" value="{sku2.pk}"' in html
    assert 'name="lines-TOTAL_FORMS" value="1"' in html
    assert Order.objects.count() == 1  # searching and adding write nothing


def test_recalculate_shows_the_servers_amounts(org, client_for, stocked, sku2):
    client = client_for(org.users["dist_one"])
    key = fresh_key(client, org)
    data = form_data(key, [(org.skus["SKU-1"], 1, 2, "5", False), (sku2, 0, 3, "", False)], action="recalculate")
    response = client.post(entry_url(org), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert totals(response) == {"gross": "441.00", "discount": "18.75", "net": "422.25", "tax": "72.05", "total": "494.30"}
    assert re.search(r'data-amount="total">420.38<', html)  # 50 units at 7.50 less 5 %, 18 % tax
    assert re.search(r'data-amount="quantity">50<', html)
    assert Order.objects.count() == 0


def test_a_removed_line_leaves_the_totals(org, client_for, stocked, sku2):
    client = client_for(org.users["dist_one"])
    data = form_data(fresh_key(client, org), [(org.skus["SKU-1"], 1, 2, "5", True), (sku2, 0, 3, "", False)],
                     action="recalculate")
    assert totals(client.post(entry_url(org), data))["total"] == "73.92"


def test_submit_creates_one_order_and_a_resubmitted_form_creates_no_second(org, client_for, stocked, sku2):
    client = client_for(org.users["dist_one"])
    data = form_data(fresh_key(client, org), [(org.skus["SKU-1"], 1, 2, "0", False), (sku2, 0, 3, "0", False)],
                     action="submit", note="Before noon")
    response = client.post(entry_url(org), data, follow=True)
    order = Order.objects.get()
    assert response.redirect_chain == [(reverse("order-detail", args=[order.pk]), 302)]
    assert f"Order {order.number} is submitted and allocated." in response.content.decode()
    assert (order.status, order.channel, order.note, order.created_by) == ("allocated", "web", "Before noon", org.users["dist_one"])
    assert list(order.lines.order_by("line_no").values_list("sku__code", "quantity", "allocated")) == [
        ("SKU-1", 50, 50), ("SKU-2", 3, 3)]
    again = client.post(entry_url(org), data, follow=True)  # the browser's back button, then submit again
    assert again.redirect_chain == [(reverse("order-detail", args=[order.pk]), 302)]
    assert "was already sent" in again.content.decode()
    assert Order.objects.count() == 1
    assert OrderLine.objects.count() == 2


def test_save_draft_then_submit_with_the_same_form_is_refused(org, client_for, stocked):
    client = client_for(org.users["dist_one"])
    key = fresh_key(client, org)
    rows = [(org.skus["SKU-1"], 0, 10, "0", False)]
    assert client.post(entry_url(org), form_data(key, rows, action="draft")).status_code == 302
    assert Order.objects.get().status == "draft"
    response = client.post(entry_url(org), form_data(key, rows, action="submit"))
    assert response.status_code == 422
    assert "was sent before" in field_errors(response)["__all__"]
    assert Order.objects.get().status == "draft"


def test_problems_appear_beside_their_lines_and_nothing_is_written(org, client_for, stocked, sku2):
    sku3 = SKU.objects.create(code="SKU-3", gtin="8901234567876", name="Old rusk", brand=org.brand, category=org.categories["BISC"],
                              hsn_code="1905", units_per_case=12, case_weight_kg=Decimal("3"), case_volume_l=Decimal("6"),
                              mrp=Decimal("20"), base_price=Decimal("15"),
                              tax_rate=Decimal("5"), shelf_life_days=90, is_active=False)
    client = client_for(org.users["dist_one"])
    rows = [
        (sku2, 1, 0, "0", True),  # removed: not sent to the service, so the service's indexes shift
        (org.skus["SKU-1"], 0, 0, "0", False),  # no quantity: the service says lines[0].quantity
        (sku3, 1, 0, "0", False),  # inactive: lines[1].sku
        (sku2, 1, 0, "150", False),  # a discount above 100 %: refused by the form
    ]
    response = client.post(entry_url(org), form_data(fresh_key(client, org), rows, action="submit"))
    assert response.status_code == 422
    errors = field_errors(response)
    assert set(errors) == {"lines-3"}  # the form's own check comes first; the service is not called
    assert "100" in errors["lines-3"]
    rows[3] = (sku2, 1, 0, "10", False)
    response = client.post(entry_url(org), form_data(fresh_key(client, org), rows, action="submit"))
    assert response.status_code == 422
    errors = field_errors(response)
    assert set(errors) == {"lines-1", "lines-2"}
    assert "quantity" in errors["lines-1"].lower()
    assert "SKU-3 is not sold any more." in errors["lines-2"]
    assert Order.objects.count() == 0


def test_fractional_and_negative_quantities_are_refused_beside_the_line(org, client_for, stocked):
    client = client_for(org.users["dist_one"])
    data = form_data(fresh_key(client, org), [(org.skus["SKU-1"], "1.5", 0, "0", False)], action="draft")
    response = client.post(entry_url(org), data)
    assert response.status_code == 422
    assert "whole number" in field_errors(response)["lines-0"]
    data = form_data(fresh_key(client, org), [(org.skus["SKU-1"], 0, -3, "0", False)], action="draft")
    assert "lines-0" in field_errors(client.post(entry_url(org), data))
    assert Order.objects.count() == 0


def test_a_sku_outside_the_catalog_is_refused(org, client_for, stocked):
    client = client_for(org.users["dist_one"])
    data = form_data(fresh_key(client, org), [(org.skus["SKU-1"], 0, 5, "0", False)], action="draft")
    data["lines-0-sku"] = "999999"
    response = client.post(entry_url(org), data)
    assert response.status_code == 422
    assert "not in your catalog" in field_errors(response)["lines-0"]
    assert Order.objects.count() == 0


def test_nothing_allocatable_under_the_cancel_policy_keeps_the_form(org, client_for, cancel_policy):
    client = client_for(org.users["dist_one"])
    data = form_data(fresh_key(client, org), [(org.skus["SKU-1"], 0, 5, "0", False)], action="submit")
    response = client.post(entry_url(org), data)
    assert response.status_code == 409
    assert "None of order" in field_errors(response)["__all__"]
    assert 'name="lines-0-units" id="lines-0-units"' in response.content.decode()
    assert Order.objects.count() == 0


def test_edit_lines_until_allocated(org, client_for, stocked, sku2):
    order = services.order_create(by=org.users["dist_one"], outlet=org.outlets["O-DEL1-A"], lines=lines(org, q1=50))
    client = client_for(org.users["dist_one"])
    url = reverse("order-edit", args=[order.pk])
    html = client.get(url).content.decode()
    assert 'name="lines-0-cases" id="lines-0-cases"' in html
    assert re.search(r'name="lines-0-cases"[^>]*value="1"', html)  # 50 units = 1 case of 48 + 2
    assert re.search(r'name="lines-0-units"[^>]*value="2"', html)
    data = form_data("", [(org.skus["SKU-1"], 0, 20, "0", False), (sku2, 1, 0, "0", False)], action="save")
    data["lines-INITIAL_FORMS"] = "1"
    response = client.post(url, data)
    assert response.status_code == 302
    assert list(order.lines.order_by("line_no").values_list("sku__code", "quantity")) == [("SKU-1", 20), ("SKU-2", 24)]
    services.order_submit(by=org.users["dist_one"], order=order)
    response = client.get(url, follow=True)
    assert "can no longer be edited" in response.content.decode()
    response = client.post(url, data | {"lines-0-units": "30"})
    assert response.status_code == 409
    assert list(order.lines.order_by("line_no").values_list("quantity", flat=True)) == [20, 24]


def test_the_sku_json_reports_availability_at_the_chosen_warehouse(org, client_for, stocked, sku2):
    from distra.partners.models import Warehouse

    second = Warehouse.objects.create(distributor=org.distributors["D-ONE"], code="W-D-ONE-2", name="Second")
    receive(org, second, make_batch(org, sku2, "S2-X", expires_in_days=100), 7)
    client = client_for(org.users["dist_one"])
    url = reverse("order-skus")
    outlet = org.outlets["O-DEL1-A"].pk
    items = client.get(url, {"outlet": outlet, "q": "SKU-2"}).json()["items"]
    assert [(i["code"], i["available"], i["unit_price"], i["tax_rate"], i["units_per_case"]) for i in items] == [
        ("SKU-2", 30, "22.00", "12.00", 24)]
    items = client.get(url, {"outlet": outlet, "warehouse": second.pk, "ids": f"{sku2.pk},{org.skus['SKU-1'].pk}"}).json()["items"]
    assert {i["code"]: i["available"] for i in items} == {"SKU-1": 0, "SKU-2": 7}
    assert client.get(url, {"outlet": org.outlets["O-MUM-A"].pk, "q": "SKU"}).status_code == 404
    assert client_for(org.users["brand"]).get(url, {"outlet": outlet, "q": "SKU"}).status_code == 403
