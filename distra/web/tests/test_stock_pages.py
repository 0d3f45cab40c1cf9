"""The stock pages: each role sees exactly its scope's stock, filters and sorting work, the CSV
holds exactly the filtered rows, and the stock card shows each move with its running balance."""

import csv
import io
import re
from datetime import date

import pytest
from django.urls import reverse

from distra.inventory import services
from distra.inventory.models import Batch
from distra.inventory.selectors import stock_verify
from distra.web.tests.helpers import row_codes, row_order

pytestmark = pytest.mark.django_db

USERS = ["admin", "brand", "asm_delhi", "asm_mumbai", "dist_one", "dist_four", "rep_del1", "rep_mum"]
VISIBLE_WAREHOUSES = {
    "admin": {"W-D-ONE", "W-D-FOUR"}, "brand": {"W-D-ONE", "W-D-FOUR"}, "asm_delhi": {"W-D-ONE"}, "asm_mumbai": {"W-D-FOUR"},
    "dist_one": {"W-D-ONE"}, "dist_four": {"W-D-FOUR"}, "rep_del1": {"W-D-ONE"}, "rep_mum": {"W-D-FOUR"},
}
# (warehouse, batch) -> on hand after the fixture
STOCK = {("W-D-ONE", "B-001"): 100, ("W-D-ONE", "B-002"): 30, ("W-D-FOUR", "B-001"): 40}


def code(warehouse: str, batch: str) -> str:
    return f"{warehouse}/SKU-1/{batch}"


@pytest.fixture(autouse=True)
def _stock_verify_is_clean_afterwards(db):
    yield
    assert [d.describe() for d in stock_verify()] == []


@pytest.fixture
def stocked(org):
    sku = org.skus["SKU-1"]
    batches = {
        "B-001": Batch.objects.create(sku=sku, batch_number="B-001", manufactured_on=date(2026, 1, 1), expires_on=date(2026, 7, 1)),
        "B-002": Batch.objects.create(sku=sku, batch_number="B-002", manufactured_on=date(2026, 2, 1), expires_on=date(2026, 8, 1)),
    }
    admin = org.users["admin"]
    for (warehouse, batch), quantity in STOCK.items():
        services.stock_receive(by=admin, warehouse=org.warehouses[warehouse[2:]], sku=sku, batch=batches[batch], quantity=quantity)
    return batches


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("username", USERS)
def test_stock_list_shows_exactly_the_scope(org, client_for, stocked, username):
    response = client_for(org.users[username]).get(reverse("stock-list"))
    assert response.status_code == 200
    expected = {code(w, b) for (w, b) in STOCK if w in VISIBLE_WAREHOUSES[username]}
    assert row_codes(response) == expected


@pytest.mark.parametrize("username", USERS)
def test_the_csv_holds_exactly_the_scope(org, client_for, stocked, username):
    rows = csv_rows(client_for(org.users[username]).get(reverse("stock-export")))
    assert {code(r["warehouse"], r["batch"]) for r in rows} == {code(w, b) for (w, b) in STOCK if w in VISIBLE_WAREHOUSES[username]}


def test_filters_select_by_distributor_warehouse_sku_and_expiry(org, client_for, stocked):
    client = client_for(org.users["admin"])
    url = reverse("stock-list")
    assert row_codes(client.get(url, {"distributor": org.distributors["D-FOUR"].pk})) == {code("W-D-FOUR", "B-001")}
    assert row_codes(client.get(url, {"warehouse": org.warehouses["D-ONE"].pk})) == {
        code("W-D-ONE", "B-001"), code("W-D-ONE", "B-002")}
    assert row_codes(client.get(url, {"expiring_before": "2026-07-15"})) == {code("W-D-ONE", "B-001"), code("W-D-FOUR", "B-001")}
    assert len(row_codes(client.get(url, {"q": "glucose"}))) == 3
    assert row_codes(client.get(url, {"q": "no-such-sku"})) == set()
    # A value that does not parse is ignored, not an error.
    assert len(row_codes(client.get(url, {"expiring_before": "soon"}))) == 3


def test_a_distributor_cannot_widen_its_scope_with_a_filter(org, client_for, stocked):
    client = client_for(org.users["dist_one"])
    response = client.get(reverse("stock-list"), {"warehouse": org.warehouses["D-FOUR"].pk})
    assert row_codes(response) == {code("W-D-ONE", "B-001"), code("W-D-ONE", "B-002")}  # the foreign choice is ignored
    rows = csv_rows(client.get(reverse("stock-export"), {"distributor": org.distributors["D-FOUR"].pk}))
    assert {r["warehouse"] for r in rows} == {"W-D-ONE"}


def test_the_csv_holds_exactly_the_filtered_rows_with_the_pages_columns(org, client_for, stocked):
    client = client_for(org.users["admin"])
    services.stock_reserve(by=org.users["admin"], warehouse=org.warehouses["D-ONE"], sku=org.skus["SKU-1"],
                           batch=stocked["B-001"], quantity=10, source_key="order-1/1")
    params = {"expiring_before": "2026-07-15", "sort": "-on_hand"}
    page = client.get(reverse("stock-list"), params)
    rows = csv_rows(client.get(reverse("stock-export"), params))
    assert [code(r["warehouse"], r["batch"]) for r in rows] == row_order(page)
    assert rows[0] == {
        "distributor": "D-ONE", "warehouse": "W-D-ONE", "sku": "SKU-1", "sku_name": "Glucose biscuits 100 g", "batch": "B-001",
        "expires_on": "2026-07-01", "on_hand": "100", "reserved": "10", "available": "90", "value": "750.00",
        "days_of_cover": "",  # nothing sold in the last 28 days
    }
    assert 'href="/stock.csv?expiring_before=2026-07-15&amp;sort=-on_hand"' in page.content.decode()


def test_columns_sort_both_ways(org, client_for, stocked):
    client = client_for(org.users["admin"])
    by_value = row_order(client.get(reverse("stock-list"), {"sort": "value"}))
    assert by_value == [code("W-D-ONE", "B-002"), code("W-D-FOUR", "B-001"), code("W-D-ONE", "B-001")]
    assert row_order(client.get(reverse("stock-list"), {"sort": "-value"})) == by_value[::-1]
    assert row_order(client.get(reverse("stock-list"), {"sort": "-expires_on"}))[0] == code("W-D-ONE", "B-002")


def test_the_list_shows_available_and_value(org, client_for, stocked):
    html = client_for(org.users["dist_four"]).get(reverse("stock-list")).content.decode()
    assert "300.00" in html  # 40 × 7.50
    assert f'href="/stock/card?warehouse={org.warehouses["D-FOUR"].pk}&amp;sku={org.skus["SKU-1"].pk}"' in html


def card_url(org, warehouse="D-ONE") -> str:
    return f'{reverse("stock-card")}?warehouse={org.warehouses[warehouse].pk}&sku={org.skus["SKU-1"].pk}'


def card_rows(response) -> list[tuple[int, int]]:
    return [(int(q), int(b)) for q, b in re.findall(r'data-quantity="(-?\d+)" data-balance="(-?\d+)"', response.content.decode())]


def test_the_stock_card_runs_the_balance_through_receipt_adjustment_and_reservation(org, client_for, db):
    admin, sku, warehouse = org.users["admin"], org.skus["SKU-1"], org.warehouses["D-ONE"]
    batch = Batch.objects.create(sku=sku, batch_number="B-001", manufactured_on=date(2026, 1, 1), expires_on=date(2026, 7, 1))
    services.stock_receive(by=admin, warehouse=warehouse, sku=sku, batch=batch, quantity=100)
    services.stock_adjust(by=admin, warehouse=warehouse, sku=sku, batch=batch, reason="damage", quantity=-5)
    services.stock_reserve(by=admin, warehouse=warehouse, sku=sku, batch=batch, quantity=10, source_key="order-1/1")
    response = client_for(org.users["dist_one"]).get(card_url(org))
    assert response.status_code == 200
    assert card_rows(response) == [(100, 100), (-5, 95)]  # the reservation moves no stock
    html = response.content.decode()
    assert '<dd data-total="on_hand">95</dd>' in html
    assert '<dd data-total="reserved">10</dd>' in html
    assert '<dd data-total="available">85</dd>' in html
    for cell in ["<td>damage</td>", "<td>B-001</td>", "<td>admin</td>", "<td>goods receipt</td>"]:
        assert cell in html
    assert card_rows(client_for(admin).get(card_url(org) + "&sort=-time")) == [(-5, 95), (100, 100)]


def test_the_card_of_another_warehouse_is_404(org, client_for, stocked):
    client = client_for(org.users["dist_one"])
    assert client.get(card_url(org, "D-FOUR")).status_code == 404
    assert client_for(org.users["rep_del1"]).get(card_url(org, "D-FOUR")).status_code == 404
    assert client_for(org.users["rep_mum"]).get(card_url(org, "D-FOUR")).status_code == 200


@pytest.mark.parametrize("query", ["", "?warehouse=abc&sku=1", "?warehouse=999999&sku=1", "?sku=1"])
def test_a_card_without_a_known_warehouse_and_sku_is_404(org, client_for, query):
    assert client_for(org.users["admin"]).get(reverse("stock-card") + query).status_code == 404


def test_a_card_of_an_unknown_sku_is_404(org, client_for):
    url = f'{reverse("stock-card")}?warehouse={org.warehouses["D-ONE"].pk}&sku=999999'
    assert client_for(org.users["admin"]).get(url).status_code == 404


def test_a_role_without_the_stock_permission_gets_403(org, client_for, monkeypatch):
    user = org.users["rep_del1"]
    real = type(user).has_perm
    monkeypatch.setattr(type(user), "has_perm", lambda self, perm, obj=None: not perm.startswith("inventory.") and real(self, perm, obj))
    client = client_for(user)
    for url in [reverse("stock-list"), reverse("stock-export"), card_url(org)]:
        assert client.get(url).status_code == 403, url
    assert 'href="/stock"' not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("username", USERS)
def test_every_role_with_the_view_permission_has_the_stock_link(org, client_for, username):
    user = org.users[username]
    assert user.has_perm("inventory.view_stockbalance")
    assert 'href="/stock"' in client_for(user).get(reverse("home")).content.decode()


def test_the_stock_pages_are_in_hindi(org, client_for, stocked, settings, tmp_path):
    from distra.accounts.models import User
    from distra.web.tests.helpers import compile_catalogs

    settings.LOCALE_PATHS = [compile_catalogs(tmp_path)]
    user = org.users["dist_one"]
    User.objects.filter(pk=user.pk).update(language="hi")
    client = client_for(user)
    html = client.get(reverse("stock-list")).content.decode()
    for hindi_text in ["स्टॉक", "गोदाम", "हाथ में स्टॉक", "आरक्षित", "उपलब्ध", "CSV डाउनलोड करें", "इससे पहले समाप्त होने वाले"]:
        assert hindi_text in html
    card = client.get(card_url(org)).content.decode()
    for hindi_text in ["स्टॉक कार्ड", "माल की प्राप्ति", "शेष"]:
        assert hindi_text in card
