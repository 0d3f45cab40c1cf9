"""The pricing API: anonymous (401), forbidden or out of scope (403/404) and allowed cases of each
endpoint, and bad input as 4xx with a stable code per field, nothing written."""

from datetime import timedelta

import pytest

from distra.pricing.models import PriceList, Scheme
from distra.pricing.tests.conftest import live_price_list, live_scheme, today

pytestmark = pytest.mark.django_db
BASE = "/api/v1/pricing"


def scheme_body(**extra):
    return {"code": "S-API", "name": "Five off", "kind": "percent_off", "percent": "5", "valid_from": str(today()), **extra}


# Quote ------------------------------------------------------------------------------------------------

def test_quote_explains_every_line_and_the_upsell(org, catalog, api):
    live_price_list(org)
    live_scheme(org, "QS", "quantity_slab", per="case", slabs=[{"min": "2", "max": "4", "percent": "2"}, {"min": "5", "percent": "4"}])
    body = {"outlet_id": org.outlets["O-DEL1-A"].pk, "lines": [{"sku_id": catalog["SKU-1"].pk, "quantity": 96}]}
    answer = api(org.users["rep_del1"]).post(f"{BASE}/quote", body)
    assert answer.status_code == 200, answer.json()
    data = answer.json()
    line = data["lines"][0]
    # 96 x 7.00 = 672.00; 2 cases: 2 % = 13.44; net 658.56; tax 18 % = 118.54; total 777.10.
    assert (line["price_list_code"], line["unit_price"], line["landing_price"], line["margin"]) == ("PL-ALL", "7.00", "6.20", "0.80")
    assert (line["gross"], line["discount"], line["net"], line["tax"], line["total"]) == ("672.00", "13.44", "658.56", "118.54", "777.10")
    assert line["applied"][0]["reason"] == "2 % slab for 2 cases (slab from 2)"
    assert line["applied"][0]["hint"] == "3 more cases for the 4 % slab"
    assert data["total"] == "777.10"


def test_quote_anonymous_other_scope_and_bad_input(org, catalog, api):
    body = {"outlet_id": org.outlets["O-DEL1-A"].pk, "lines": [{"sku_id": catalog["SKU-1"].pk, "quantity": 1}]}
    assert api().post(f"{BASE}/quote", body).status_code == 401
    assert api(org.users["dist_four"]).post(f"{BASE}/quote", body).json()["code"] == "not_found"
    bad = api(org.users["rep_del1"]).post(f"{BASE}/quote", {**body, "lines": [
        {"sku_id": catalog["SKU-OLD"].pk, "quantity": 1}, {"sku_id": catalog["SKU-1"].pk, "quantity": 1},
        {"sku_id": catalog["SKU-1"].pk, "quantity": 2}]})
    assert bad.status_code == 422
    assert {k: [p["code"] for p in v] for k, v in bad.json()["fields"].items()} == {"lines[0].sku_id": ["sku_inactive"],
                                                                                  "lines[2].sku_id": ["duplicate_sku"]}
    zero = api(org.users["rep_del1"]).post(f"{BASE}/quote", {**body, "lines": [{"sku_id": catalog["SKU-1"].pk, "quantity": 0}]})
    assert (zero.status_code, list(zero.json()["fields"])) == (422, ["lines[0].quantity"])


# Price lists --------------------------------------------------------------------------------------------

def test_price_list_create_roles_and_mrp(org, catalog, api):
    body = {"code": "PL-API", "name": "API", "valid_from": str(today()), "items": [{"sku_id": catalog["SKU-1"].pk, "selling_price": "7.10"}]}
    assert api().post(f"{BASE}/price-lists", body).status_code == 401
    assert api(org.users["dist_one"]).post(f"{BASE}/price-lists", body).status_code == 403
    dear = api(org.users["brand"]).post(f"{BASE}/price-lists", {**body, "items": [{"sku_id": catalog["SKU-1"].pk, "selling_price": "8.50"}]})
    assert (dear.status_code, dear.json()["fields"]["items[0].selling_price"][0]["code"]) == (422, "above_mrp")
    backwards = api(org.users["brand"]).post(f"{BASE}/price-lists", {**body, "valid_to": str(today() - timedelta(days=1))})
    assert backwards.json()["fields"]["valid_to"][0]["code"] == "window_ends_before_start"
    assert not PriceList.objects.exists()
    made = api(org.users["brand"]).post(f"{BASE}/price-lists", body)
    assert made.status_code == 201
    assert made.json()["items"][0] == {"sku_id": catalog["SKU-1"].pk, "sku_code": "SKU-1", "mrp": "10.00", "tax_rate": "18.00",
                                       "selling_price": "7.10", "landing_price": "7.10", "margin": "0.00"}
    pk = made.json()["id"]
    assert api(org.users["dist_one"]).post(f"{BASE}/price-lists/{pk}/activate", {}).status_code == 403
    live = api(org.users["brand"]).post(f"{BASE}/price-lists/{pk}/activate", {"note": "go"})
    assert (live.status_code, live.json()["status"]) == (200, "active")
    assert api(org.users["brand"]).post(f"{BASE}/price-lists/{pk}/activate", {}).json()["code"] == "transition_not_allowed"
    assert api(org.users["brand"]).post(f"{BASE}/price-lists/{pk}/launch", {}).status_code == 404


def test_a_distributor_price_list_is_hidden_from_other_distributors(org, catalog, api):
    pl = live_price_list(org, "PL-D1", distributor=org.distributors["D-ONE"])
    assert api(org.users["dist_one"]).get(f"{BASE}/price-lists/{pl.pk}").status_code == 200
    assert api(org.users["dist_four"]).get(f"{BASE}/price-lists/{pl.pk}").status_code == 404
    assert api(org.users["dist_four"]).get(f"{BASE}/price-lists").json()["count"] == 0
    assert api().get(f"{BASE}/price-lists").status_code == 401


def test_price_list_preview_and_patch_of_a_draft(org, catalog, api):
    brand = api(org.users["brand"])
    made = brand.post(f"{BASE}/price-lists", {"code": "PL-D", "name": "d", "valid_from": str(today()),
                                               "items": [{"sku_id": catalog["SKU-1"].pk, "selling_price": "6.50", "landing_price": "6"}]}).json()
    basket = {"outlet_id": org.outlets["O-DEL1-A"].pk, "lines": [{"sku_id": catalog["SKU-1"].pk, "quantity": 10}]}
    assert brand.post(f"{BASE}/price-lists/{made['id']}/preview", basket).json()["lines"][0]["unit_price"] == "6.50"
    assert brand.post(f"{BASE}/quote", basket).json()["lines"][0]["unit_price"] == "7.50"  # still a draft
    patched = brand.patch(f"{BASE}/price-lists/{made['id']}", {"name": "renamed", "priority": 3})
    assert (patched.json()["name"], patched.json()["priority"]) == ("renamed", 3)
    assert api(org.users["rep_del1"]).patch(f"{BASE}/price-lists/{made['id']}", {"name": "x"}).status_code == 403


# Schemes ------------------------------------------------------------------------------------------------

def test_scheme_create_roles_and_bad_input(org, catalog, api):
    assert api().post(f"{BASE}/schemes", scheme_body()).status_code == 401
    assert api(org.users["asm_delhi"]).post(f"{BASE}/schemes", scheme_body()).status_code == 403
    brand = api(org.users["brand"])
    overlap = brand.post(f"{BASE}/schemes", scheme_body(kind="quantity_slab", percent=None,
                                                        slabs=[{"min": "5", "max": "9", "percent": "2"}, {"min": "8", "percent": "4"}]))
    assert (overlap.status_code, overlap.json()["fields"]["slabs[1].min"][0]["code"]) == (422, "slab_overlap")
    free = brand.post(f"{BASE}/schemes", scheme_body(kind="free_goods", percent=None, buy_quantity=10, free_quantity=1,
                                                     free_sku_id=catalog["SKU-OLD"].pk))
    assert free.json()["fields"]["free_sku_id"][0]["code"] == "free_sku_inactive"
    assert not Scheme.objects.exists()
    made = brand.post(f"{BASE}/schemes", scheme_body(targets={"channels": ["general_trade"], "category_ids": [org.categories["FOOD"].pk]},
                                                     budget_basis="value", budgets=[{"limit": "5000"}]))
    assert made.status_code == 201, made.json()
    assert {(t["kind"], t["value"], t["category_id"]) for t in made.json()["targets"]} == {
        ("channel", "general_trade", None), ("category", "", org.categories["FOOD"].pk)}
    assert made.json()["budgets"] == [{"distributor_id": None, "limit": "5000.00", "left": "5000.00"}]


def test_scheme_lifecycle_preview_and_performance(org, catalog, api):
    brand = api(org.users["brand"])
    scheme = brand.post(f"{BASE}/schemes", scheme_body()).json()
    basket = {"outlet_id": org.outlets["O-DEL1-A"].pk, "lines": [{"sku_id": catalog["SKU-1"].pk, "quantity": 100}]}
    preview = brand.post(f"{BASE}/schemes/{scheme['id']}/preview", basket).json()
    assert (preview["discount"], preview["lines"][0]["applied"][0]["code"]) == ("37.50", "S-API")
    assert brand.post(f"{BASE}/quote", basket).json()["discount"] == "0.00"
    for action, status in (("activate", "active"), ("pause", "paused"), ("activate", "active"), ("end", "ended")):
        answer = brand.post(f"{BASE}/schemes/{scheme['id']}/{action}", {})
        assert answer.json()["status"] == status
    events = brand.get(f"{BASE}/schemes/{scheme['id']}").json()["events"]
    assert [(e["from_status"], e["to_status"]) for e in events] == [
        ("", "draft"), ("draft", "active"), ("active", "paused"), ("paused", "active"), ("active", "ended")]
    assert brand.patch(f"{BASE}/schemes/{scheme['id']}", {"name": "x"}).json()["code"] == "transition_not_allowed"
    perf = api(org.users["rep_del1"]).get(f"{BASE}/schemes/{scheme['id']}/performance")
    assert (perf.status_code, perf.json()["spend_to_date"], perf.json()["orders_touched"]) == (200, "0.00", 0)
    assert api().get(f"{BASE}/schemes/{scheme['id']}/performance").status_code == 401


def test_a_scheme_for_one_distributor_is_hidden_from_others(org, catalog, api):
    scheme = live_scheme(org, "D1-ONLY", targets={"distributor_ids": [org.distributors["D-ONE"].pk]})
    assert api(org.users["dist_one"]).get(f"{BASE}/schemes/{scheme.pk}").status_code == 200
    assert api(org.users["dist_four"]).get(f"{BASE}/schemes/{scheme.pk}").status_code == 404
    assert api(org.users["rep_mum"]).get(f"{BASE}/schemes").json()["count"] == 0
    assert api(org.users["rep_del1"]).get(f"{BASE}/schemes").json()["count"] == 1
