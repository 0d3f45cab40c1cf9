"""The purchasing pages per role with the test client: list and filters, order entry, the detail
with its timeline and the actions each role sees, confirm/ship/GRN through the pages, and
refusals (401/403/404, bad input with nothing written)."""

import pytest

from distra.inventory.models import StockBalance, StockMove
from distra.purchasing import services
from distra.purchasing.models import GoodsReceipt, PurchaseOrder, PurchaseOrderEvent
from distra.purchasing.tests.conftest import confirmed_po, raise_po

pytestmark = pytest.mark.django_db

USERS = ["admin", "brand", "asm_delhi", "asm_mumbai", "dist_one", "dist_four", "rep_del1", "rep_mum"]
SEES = {"admin": True, "brand": True, "asm_delhi": True, "asm_mumbai": False, "dist_one": True, "dist_four": False,
        "rep_del1": None, "rep_mum": None}  # None: may not look at purchase orders at all


def signed_in(client, org, username):
    client.force_login(org.users[username])
    return client


def written():
    return (list(PurchaseOrder.objects.values()), list(PurchaseOrderEvent.objects.values()), list(StockMove.objects.values("id")),
            list(GoodsReceipt.objects.values()))


def test_pages_ask_anonymous_visitors_to_sign_in(client, org):
    order = raise_po(org)
    for url in ("/purchasing", "/purchasing/new", f"/purchasing/{order.pk}"):
        assert client.get(url).status_code == 401


@pytest.mark.parametrize("username", USERS)
def test_list_and_detail_follow_the_scope(client, org, username):
    order = raise_po(org)
    signed_in(client, org, username)
    listing, detail = client.get("/purchasing"), client.get(f"/purchasing/{order.pk}")
    if SEES[username] is None:
        assert (listing.status_code, detail.status_code) == (403, 403)
        return
    assert listing.status_code == 200
    assert (f'data-code="D-ONE/{order.number}"' in listing.text) is SEES[username]
    assert detail.status_code == (200 if SEES[username] else 404)


def test_list_filters_by_status_and_search(client, org):
    draft = raise_po(org)
    submitted = raise_po(org, quantity=96)
    services.po_submit(by=org.users["dist_one"], order=submitted)
    signed_in(client, org, "brand")
    page = client.get("/purchasing", {"status": "submitted"}).text
    assert 'data-code="D-ONE/PO-00002"' in page
    assert 'data-code="D-ONE/PO-00001"' not in page
    page = client.get("/purchasing", {"q": draft.number}).text
    assert 'data-code="D-ONE/PO-00001"' in page
    assert 'data-code="D-ONE/PO-00002"' not in page


def test_a_distributor_user_enters_and_submits_an_order_in_cases_and_units(client, org):
    signed_in(client, org, "dist_one")
    form = client.get("/purchasing/new")
    assert form.status_code == 200
    assert f'data-price="{org.skus["SKU-1"].base_price}"' in form.text
    assert "W-D-FOUR" not in form.text  # only its own warehouses
    response = client.post("/purchasing/new", {"warehouse": org.warehouses["D-ONE"].pk, "sku": [org.skus["SKU-1"].pk, ""],
                                               "cases": ["2", ""], "units": ["3", ""], "note": "Diwali stock", "submit": "submit"})
    order = PurchaseOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/purchasing/{order.pk}"
    assert (order.status, order.note, order.lines.get().quantity) == ("submitted", "Diwali stock", 99)
    assert list(order.events.values_list("action", "channel")) == [("created", "web"), ("submitted", "web")]


@pytest.mark.parametrize(("cases", "units", "message"), [
    ("0", "0", "The quantity must be a whole number of units above zero."),
    ("-1", "0", "The quantity must be a whole number of units above zero."),
    ("-1", "5", "Cases and units must have the same sign."),
    ("1.5", "0", "The quantity must be a whole number of units above zero."),
    ("0", "12", "SKU-1: order at least 48 units; 12 asked."),
])
def test_bad_order_entry_is_shown_beside_the_line_and_writes_nothing(client, org, cases, units, message):
    signed_in(client, org, "dist_one")
    before = written()
    response = client.post("/purchasing/new", {"warehouse": org.warehouses["D-ONE"].pk, "sku": [org.skus["SKU-1"].pk],
                                               "cases": [cases], "units": [units]})
    assert response.status_code == 422
    assert message in response.text
    assert written() == before


def test_an_order_entry_for_another_distributors_warehouse_is_refused(client, org):
    signed_in(client, org, "dist_one")
    response = client.post("/purchasing/new", {"warehouse": org.warehouses["D-FOUR"].pk, "sku": [org.skus["SKU-1"].pk], "cases": ["1"], "units": ["0"]})
    assert response.status_code == 422
    assert PurchaseOrder.objects.count() == 0


@pytest.mark.parametrize("username", ["brand", "asm_delhi"])
def test_roles_that_do_not_raise_orders_get_403_for_the_entry_page(client, org, username):
    assert signed_in(client, org, username).get("/purchasing/new").status_code == 403


def test_the_detail_shows_each_role_its_actions(client, org, depot):
    order = raise_po(org)
    dist = signed_in(client, org, "dist_one").get(f"/purchasing/{order.pk}").text
    assert 'id="po-submit"' in dist
    assert 'id="po-confirm"' not in dist
    services.po_submit(by=org.users["dist_one"], order=order)
    brand = signed_in(client, org, "brand").get(f"/purchasing/{order.pk}").text
    assert 'id="po-confirm"' in brand
    assert 'id="po-submit"' not in brand
    assert 'id="po-ship"' not in brand
    asm = signed_in(client, org, "asm_delhi").get(f"/purchasing/{order.pk}").text
    assert all(f'id="{b}"' not in asm for b in ("po-submit", "po-confirm", "po-cancel", "po-ship"))
    assert 'data-action="created"' in asm
    assert 'data-action="submitted"' in asm


def test_the_brand_confirms_with_a_cut_and_ships_from_a_depot_through_the_pages(client, org, depot):
    order = raise_po(org)
    services.po_submit(by=org.users["dist_one"], order=order)
    line = order.lines.get()
    signed_in(client, org, "brand")
    assert client.post(f"/purchasing/{order.pk}/confirm", {f"confirm-{line.pk}": "90"}).status_code == 302
    line.refresh_from_db()
    assert line.confirmed_quantity == 90
    page = client.get(f"/purchasing/{order.pk}").text
    assert 'id="po-ship"' in page
    assert "DEPOT-N" in page
    assert client.post(f"/purchasing/{order.pk}/ship", {"depot": depot.warehouse.pk}).status_code == 302
    order.refresh_from_db()
    assert order.status == "shipped"
    assert [(sl.batch.batch_number, sl.quantity) for sl in order.shipments.get().lines.order_by("id")] == [("EARLY", 60), ("LATE", 30)]


def test_a_refused_action_is_a_message_and_writes_nothing(client, org):
    order = raise_po(org)
    signed_in(client, org, "brand")
    before = written()
    response = client.post(f"/purchasing/{order.pk}/confirm", follow=True)
    assert "A draft order cannot be confirmed." in response.text
    assert written() == before
    assert client.post(f"/purchasing/{order.pk}/explode").status_code == 404
    assert client.get(f"/purchasing/{order.pk}/submit").status_code == 405
    assert signed_in(client, org, "dist_four").post(f"/purchasing/{order.pk}/cancel").status_code == 404
    assert signed_in(client, org, "asm_delhi").post(f"/purchasing/{order.pk}/cancel").status_code == 403
    assert written() == before


def test_the_distributor_records_a_goods_receipt_through_the_page(client, org, depot):
    order = confirmed_po(org)
    shipment = services.po_ship(by=org.users["brand"], order=order, depot=depot.warehouse)
    early, late = shipment.lines.order_by("id")
    signed_in(client, org, "dist_one")
    assert f'href="/purchasing/shipments/{shipment.pk}/receive"' in client.get(f"/purchasing/{order.pk}").text
    form = client.get(f"/purchasing/shipments/{shipment.pk}/receive")
    assert form.status_code == 200
    assert f'name="good-{early.pk}" value="60"' in form.text
    before = written()
    over = client.post(f"/purchasing/shipments/{shipment.pk}/receive", {f"good-{early.pk}": "61", f"good-{late.pk}": "40"})
    assert over.status_code == 422
    assert "record the rest as excess" in over.text
    assert written() == before
    done = client.post(f"/purchasing/shipments/{shipment.pk}/receive",
                       {f"good-{early.pk}": "57", f"damaged-{early.pk}": "1", f"good-{late.pk}": "40", f"excess-{late.pk}": "2"})
    assert done.status_code == 302
    receipt = GoodsReceipt.objects.get()
    assert [(rl.good, rl.damaged, rl.short, rl.excess) for rl in receipt.lines.order_by("id")] == [(57, 1, 2, 0), (40, 0, 0, 2)]
    stock = {b.batch.batch_number: b.on_hand for b in StockBalance.objects.filter(warehouse=org.warehouses["D-ONE"]).select_related("batch")}
    assert stock == {"EARLY": 57, "LATE": 42}
    page = client.get(f"/purchasing/{order.pk}").text
    assert 'id="grn-discrepancy"' in page
    assert 'data-status="received"' in page
    assert client.get(f"/purchasing/shipments/{shipment.pk}/receive").status_code == 302  # received once


def test_the_goods_receipt_page_is_for_the_distributor_of_the_order(client, org, depot):
    order = confirmed_po(org)
    shipment = services.po_ship(by=org.users["brand"], order=order, depot=depot.warehouse)
    assert signed_in(client, org, "brand").get(f"/purchasing/shipments/{shipment.pk}/receive").status_code == 403
    assert signed_in(client, org, "dist_four").get(f"/purchasing/shipments/{shipment.pk}/receive").status_code == 404


def test_the_navigation_links_purchase_orders_for_the_roles_that_see_them(client, org):
    assert 'href="/purchasing"' in signed_in(client, org, "dist_one").get("/").text
    assert 'href="/purchasing"' not in signed_in(client, org, "rep_del1").get("/").text


def test_the_stock_and_warehouse_pages_show_a_depot_to_the_brand(client, org, depot):
    signed_in(client, org, "brand")
    assert "DEPOT-N" in client.get("/warehouses").text
    assert "DEPOT-N/SKU-1/LATE" in client.get("/stock").text
    csv = b"".join(client.get("/stock.csv").streaming_content).decode()
    assert ",DEPOT-N,SKU-1," in csv
    signed_in(client, org, "dist_one")
    assert "DEPOT-N" not in client.get("/warehouses").text
    assert "DEPOT-N" not in client.get("/stock").text
