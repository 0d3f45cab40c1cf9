"""The suggestions API: an outlet's suggestion (worked examples), must-sell gaps, schemes and near
misses, scope (401/404), bad input (422 per field, nothing recorded), acceptance."""

from datetime import timedelta
from decimal import Decimal

import pytest

from distra.pricing.tests.conftest import live_scheme
from distra.suggestions import services
from distra.suggestions.models import Suggestion
from distra.suggestions.tests.conftest import at, place

pytestmark = pytest.mark.django_db


def url(org, code="O-DEL1-A"):
    return f"/api/v1/outlets/{org.outlets[code].pk}/suggestion"


def by_code(data):
    return {line["sku_code"]: line for line in data["lines"]}


def test_suggestion_rounds_to_cases_and_subtracts_the_shelf_count(org, weekly_buyer, api):
    rep = api(org.users["rep_del1"])
    answer = rep.post(url(org), {"shelf_counts": [{"sku_id": org.skus["SKU-1"].pk, "quantity": 40}]})
    assert answer.status_code == 201, answer.json()
    data = answer.json()
    assert (data["cycle_days"], data["cycle_derived"], data["orders_in_window"], data["shelf_counted"]) == (7, True, 8, True)
    sku1, sku2 = by_code(data)["SKU-1"], by_code(data)["SKU-2"]
    # SKU-1: 768 units over 56 days = 13.7143 a day; x 7 days = 96; less 40 counted = 56 -> 2 cases of 48.
    assert (sku1["quantity"], sku1["cases"], sku1["units"], sku1["in_cases"], sku1["basis"]) == (96, 2, 0, True, "history")
    assert sku1["figures"]["shelf"] == "40"
    assert sku1["figures"]["need"] == "56.0"
    # SKU-2 (not counted): 40 units over 56 days = 0.7143 a day -> 5.0 a week; the last 5 bought 7 days ago are
    # estimated sold (5 - 0.7143 x 7 = 0), so 5 units (loose: this outlet never bought whole cases of it).
    assert (sku2["quantity"], sku2["in_cases"], sku2["figures"]["shelf_counted"]) == (5, False, False)
    assert Suggestion.objects.get(pk=data["suggestion_id"]).lines.count() == 2


def test_a_larger_count_drops_to_one_case_and_a_full_shelf_to_none(org, weekly_buyer, api):
    rep = api(org.users["rep_del1"])
    sku1 = org.skus["SKU-1"].pk
    assert by_code(rep.post(url(org), {"shelf_counts": [{"sku_id": sku1, "quantity": 60}]}).json())["SKU-1"]["quantity"] == 48
    full = by_code(rep.post(url(org), {"shelf_counts": [{"sku_id": sku1, "quantity": 100}]}).json())["SKU-1"]
    assert full["quantity"] == 0
    assert "the shelf covers the period" in full["reason"]
    # The two calls of the day are one suggestion given (the last); the first is superseded.
    assert Suggestion.objects.filter(superseded_at__isnull=True).count() == 1
    assert Suggestion.objects.count() == 2


def test_must_sell_gap_is_suggested_and_bought_items_are_not(org, weekly_buyer, must_sell, sku2, api):
    sku2.is_active = True
    data = api(org.users["rep_del1"]).get(url(org)).json()
    assert {(m["sku_code"], m["bought"]) for m in data["must_sell"]} == {("SKU-1", True), ("SKU-2", True)}
    # O-DEL1-B bought SKU-1 only: SKU-2 is a gap, suggested as one case of 24.
    place(org, "O-DEL1-B", at(3), [("SKU-1", 48)])
    other = api(org.users["rep_del1"]).get(url(org, "O-DEL1-B")).json()
    assert {(m["sku_code"], m["bought"]) for m in other["must_sell"]} == {("SKU-1", True), ("SKU-2", False)}
    gap = by_code(other)["SKU-2"]
    assert (gap["quantity"], gap["cases"], gap["basis"]) == (24, 1, "must_sell")
    assert "MS-GT" in gap["reason"]


def test_no_history_falls_back_to_must_sell_and_channel_best_sellers(org, weekly_buyer, must_sell, api):
    data = api(org.users["rep_del1"]).get(url(org, "O-DEL1-B")).json()
    assert data["fallback"] == "no_history"
    assert data["cycle_derived"] is False
    assert data["last_order_on"] is None
    lines = by_code(data)
    # Must-sell first: SKU-1 at its list's starter quantity (12), SKU-2 one case; nothing left for best-sellers.
    assert (lines["SKU-1"]["quantity"], lines["SKU-1"]["basis"]) == (12, "must_sell")
    assert (lines["SKU-2"]["quantity"], lines["SKU-2"]["basis"]) == (24, "must_sell")


def test_no_history_without_must_sell_suggests_the_channels_best_sellers(org, weekly_buyer, api):
    data = api(org.users["rep_del1"]).get(url(org, "O-DEL1-B")).json()
    lines = by_code(data)
    # O-DEL1-A's lines (general trade, in the rep's scope): SKU-1 in 96s (whole cases), SKU-2 in 5s.
    assert (lines["SKU-1"]["quantity"], lines["SKU-1"]["basis"], lines["SKU-1"]["in_cases"]) == (96, "best_seller", True)
    assert (lines["SKU-2"]["quantity"], lines["SKU-2"]["basis"]) == (5, "best_seller")


def test_schemes_that_apply_and_the_near_miss_are_shown(org, weekly_buyer, api):
    live_scheme(org, "QS", "quantity_slab", per="case", slabs=[{"min": "3", "percent": "4"}])
    live_scheme(org, "P2", "percent_off", percent=Decimal("2"))
    data = api(org.users["rep_del1"]).get(url(org)).json()
    assert by_code(data)["SKU-1"]["quantity"] == 96  # 2 cases: one short of the 3-case slab
    assert [s["code"] for s in data["schemes_applied"]] == ["P2"]
    near = {n["code"]: n for n in data["near_misses"]}
    assert near["QS"]["reason_code"] == "below_slab"
    assert "1 more case" in near["QS"]["message"]
    assert Decimal(data["basket_total"]) > 0


def test_anonymous_is_401_and_an_outlet_out_of_scope_is_404(org, weekly_buyer, api):
    assert api().get(url(org)).status_code == 401
    for user in ("rep_mum", "dist_four", "asm_mumbai"):
        answer = api(org.users[user]).post(url(org), {})
        assert (answer.status_code, answer.json()["code"]) == (404, "not_found")
    assert api(org.users["rep_del1"]).get("/api/v1/outlets/999999/suggestion").json()["code"] == "not_found"
    assert Suggestion.objects.count() == 0


def test_bad_shelf_counts_are_422_per_field_and_nothing_is_recorded(org, weekly_buyer, api, sku2):
    sku2.is_active = False
    sku2.save()
    sku1 = org.skus["SKU-1"].pk
    answer = api(org.users["rep_del1"]).post(url(org), {"shelf_counts": [
        {"sku_id": sku1, "quantity": -1}, {"sku_id": sku1, "quantity": 2.5}, {"sku_id": 999999, "quantity": 1},
        {"sku_id": sku2.pk, "quantity": 3}]})
    assert answer.status_code == 422
    fields = {k: [p["code"] for p in v] for k, v in answer.json()["fields"].items()}
    assert fields == {"shelf_counts[0].quantity": ["negative"], "shelf_counts[1].sku_id": ["duplicate_sku"],
                      "shelf_counts[1].quantity": ["not_whole"], "shelf_counts[2].sku_id": ["not_found"],
                      "shelf_counts[3].sku_id": ["sku_inactive"]}
    assert Suggestion.objects.count() == 0
    text = api(org.users["rep_del1"]).post(url(org), {"shelf_counts": [{"sku_id": sku1, "quantity": "many"}]})
    assert text.status_code == 422


def test_outlet_share_of_the_distributor_forecast(org, fake_engine, api):
    from distra.forecasting.services import forecast_run_now
    from distra.forecasting.tests.conftest import add_sku, write_history

    add_sku(org)
    write_history(org)
    forecast_run_now(horizon=8)
    data = api(org.users["rep_del1"]).get(url(org)).json()
    line = by_code(data)["SKU-1"]
    # D-ONE sells 16 SKU-1 a week (O-DEL1-A 10, O-DEL2-B 6): O-DEL1-A's share 0.625 of 16/7 a day x 7 days = 10.
    assert line["basis"] == "distributor_share"
    assert (line["figures"]["share"], line["figures"]["demand"]) == ("0.6250", "10.0")


def test_acceptance_share_per_rep_and_distributor(org, weekly_buyer, must_sell, api):
    rep = org.users["rep_del1"]
    # 10 days ago at O-DEL1-B (no history): SKU-1 and SKU-2 suggested (must-sell); its next order, a day later, has SKU-1.
    services.suggestion_give(by=rep, outlet_id=org.outlets["O-DEL1-B"].pk, now=at(10, 9))
    place(org, "O-DEL1-B", at(9), [("SKU-1", 12)])
    # 6 days ago at O-DEL1-A: SKU-1 and SKU-2 suggested; its next order is 6 days later, after the 3 days: none accepted.
    services.suggestion_give(by=rep, outlet_id=org.outlets["O-DEL1-A"].pk, now=at(6, 9))
    place(org, "O-DEL1-A", at(0, 8), [("SKU-1", 96)])
    # Today: pending, outside the share.
    services.suggestion_give(by=rep, outlet_id=org.outlets["O-DEL1-A"].pk)
    data = api(rep).get("/api/v1/suggestions/acceptance").json()
    assert data["overall"] == {"key": "all", "label": "all", "suggestions": 3, "lines": 4, "accepted": 1, "pending_lines": 2,
                               "share": "0.2500"}
    assert [(t["label"], t["share"]) for t in data["by_rep"]] == [("rep_del1", "0.2500")]
    assert [(t["label"], t["lines"]) for t in data["by_distributor"]] == [("D-ONE", 4)]
    # Another scope sees none of it.
    assert api(org.users["rep_mum"]).get("/api/v1/suggestions/acceptance").json()["overall"]["suggestions"] == 0


def test_must_sell_lists_are_kept_by_the_brand(org, sku2, api):
    body = {"code": "MS-PH", "name": "Pharmacy", "channel": "pharmacy", "outlet_class": "A",
            "items": [{"sku_id": sku2.pk, "quantity": 6}]}
    assert api(org.users["rep_del1"]).post("/api/v1/suggestions/must-sell", body).status_code == 403
    made = api(org.users["brand"]).post("/api/v1/suggestions/must-sell", body)
    assert made.status_code == 201, made.json()
    assert made.json()["items"] == [{"sku_id": sku2.pk, "sku_code": "SKU-2", "quantity": 6}]
    again = api(org.users["brand"]).post("/api/v1/suggestions/must-sell", {**body, "channel": "bazaar", "items": [
        {"sku_id": sku2.pk}, {"sku_id": sku2.pk, "quantity": 0}]})
    assert again.status_code == 422
    assert set(again.json()["fields"]) == {"channel"}
    changed = api(org.users["brand"]).put(f"/api/v1/suggestions/must-sell/{made.json()['id']}", {
        "name": "Pharmacy A", "channel": "pharmacy", "outlet_class": "", "items": [{"sku_id": sku2.pk}, {"sku_id": sku2.pk}]})
    assert changed.status_code == 422
    assert list(changed.json()["fields"]) == ["items[1].sku_id"]
    listed = api(org.users["rep_del1"]).get("/api/v1/suggestions/must-sell").json()
    assert [(x["code"], x["outlet_class"]) for x in listed["items"]] == [("MS-PH", "A")]


def test_given_list_is_scoped(org, weekly_buyer, api):
    services.suggestion_give(by=org.users["rep_del1"], outlet_id=org.outlets["O-DEL1-A"].pk, now=at(1) - timedelta(hours=2))
    assert api(org.users["asm_delhi"]).get("/api/v1/suggestions/given").json()["count"] == 1
    assert api(org.users["asm_mumbai"]).get("/api/v1/suggestions/given").json()["count"] == 0


def test_an_inactive_outlet_is_previewed_but_not_given_a_suggestion(org, weekly_buyer, api):
    outlet = org.outlets["O-DEL1-A"]
    outlet.status = "inactive"
    outlet.save()
    rep = api(org.users["rep_del1"])
    assert rep.get(url(org)).status_code == 200
    answer = rep.post(url(org), {})
    assert (answer.status_code, answer.json()["fields"]["outlet_id"][0]["code"]) == (422, "outlet_inactive")
    assert Suggestion.objects.count() == 0


def test_outlet_forecast_comes_first_when_an_outlet_level_run_exists(org, fake_engine, api):
    from distra.forecasting.choices import ForecastLevel
    from distra.forecasting.services import forecast_run_now
    from distra.forecasting.tests.conftest import add_sku, write_history

    add_sku(org)
    write_history(org, plan={("O-DEL1-A", "SKU-1"): 14, ("O-DEL2-B", "SKU-1"): 6})
    forecast_run_now(horizon=8)
    forecast_run_now(level=ForecastLevel.OUTLET_SKU, horizon=8)
    line = by_code(api(org.users["rep_del1"]).get(url(org)).json())["SKU-1"]
    # O-DEL1-A's own series: 14 a week, flat: 2 a day x 7 days = 14.
    assert line["basis"] == "outlet_forecast"
    assert (line["figures"]["per_day"], line["figures"]["demand"]) == ("2.0000", "14.0")


def test_every_endpoint_needs_a_sign_in(org, api):
    anonymous = api()
    for path in ("/api/v1/suggestions/given", "/api/v1/suggestions/acceptance", "/api/v1/suggestions/must-sell",
                 "/api/v1/suggestions/must-sell/1", url(org)):
        assert anonymous.get(path).status_code == 401, path
    assert anonymous.post(url(org), {}).status_code == 401
    assert anonymous.post("/api/v1/suggestions/must-sell", {"code": "X", "name": "X"}).status_code == 401


def test_acceptance_dates_are_checked(org, api):
    rep = api(org.users["rep_del1"])
    reversed_range = rep.get("/api/v1/suggestions/acceptance", {"date_from": "2026-03-01", "date_to": "2026-01-01"})
    assert (reversed_range.status_code, list(reversed_range.json()["fields"])) == (422, ["date_from"])
    far = rep.get("/api/v1/suggestions/acceptance", {"date_to": "9999-12-31"})
    assert (far.status_code, far.json()["fields"]["date_to"][0]["code"]) == (422, "out_of_range")


def test_a_suggestion_given_shows_its_lines_and_which_were_accepted(org, weekly_buyer, api):
    given, _proposal = services.suggestion_give(by=org.users["rep_del1"], outlet_id=org.outlets["O-DEL1-A"].pk, now=at(10, 9))
    place(org, "O-DEL1-A", at(9), [("SKU-2", 5)])
    data = api(org.users["asm_delhi"]).get(f"/api/v1/suggestions/given/{given.pk}").json()
    assert (data["status"], data["suggested_lines"], data["accepted_lines"]) == ("decided", 2, 1)
    assert {line["sku_code"]: line["accepted"] for line in data["lines"]} == {"SKU-1": False, "SKU-2": True}
    assert api(org.users["asm_mumbai"]).get(f"/api/v1/suggestions/given/{given.pk}").status_code == 404
    assert api().get(f"/api/v1/suggestions/given/{given.pk}").status_code == 401
