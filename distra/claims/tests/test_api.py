"""The claims API: anonymous, forbidden and out-of-scope cases, the whole flow, bad input."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from distra.claims import services
from distra.claims.models import Claim, ClaimAttachment, ClaimLine
from distra.claims.tests.conftest import last_period

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def claim(org, delivered):
    start, end = last_period()
    return services.claim_generate_period(distributor=org.distributors["D-ONE"], start=start, end=end)


def test_anonymous_gets_401_on_every_claims_operation(api, claim):
    import re

    from distra.config.api import api as ninja_api

    operations = [(method, path) for path, ops in ninja_api.get_openapi_schema()["paths"].items()
                  if path.startswith("/api/v1/claims") for method in ops]
    assert len(operations) > 10
    for method, path in operations:
        concrete = re.sub(r"\{[a-z_]+\}", str(claim.pk), path)
        answer = getattr(api(None), method)(concrete) if method in ("get", "delete") else getattr(api(None), method)(concrete, {})
        assert answer.status_code == 401, (method, path, answer.status_code)
    assert Claim.objects.count() == 1


def test_scope_hides_other_distributors_claims(org, api, claim):
    assert api(org.users["dist_four"]).get(f"/api/v1/claims/{claim.pk}").status_code == 404
    assert api(org.users["dist_four"]).get("/api/v1/claims").json()["count"] == 0
    assert api(org.users["dist_four"]).post(f"/api/v1/claims/{claim.pk}/submit").status_code == 404
    assert api(org.users["dist_one"]).get("/api/v1/claims").json()["count"] == 1
    assert api(org.users["asm_mumbai"]).get("/api/v1/claims").json()["count"] == 0


def test_roles_may_only_do_their_part(org, api, claim):
    assert api(org.users["rep_del1"]).get("/api/v1/claims").status_code == 403
    assert api(org.users["brand"]).post(f"/api/v1/claims/{claim.pk}/submit").status_code == 403
    assert api(org.users["dist_one"]).post(f"/api/v1/claims/{claim.pk}/review").status_code == 403
    assert api(org.users["dist_one"]).post(f"/api/v1/claims/{claim.pk}/settle").status_code == 403


def test_review_approve_cut_settle_over_the_api(org, api, claim):
    distributor, brand = api(org.users["dist_one"]), api(org.users["brand"])
    body = distributor.get(f"/api/v1/claims/{claim.pk}").json()
    assert body["claimed"] == "7.50"
    assert {line["invoice_number"] for line in body["lines"]} == {claim.lines.first().invoice_line.invoice.number}
    assert distributor.post(f"/api/v1/claims/{claim.pk}/submit").json()["status"] == "submitted"
    assert brand.post(f"/api/v1/claims/{claim.pk}/review").json()["status"] == "under_review"
    discount, free = (claim.lines.get(kind=k).pk for k in ("discount", "free_goods"))
    answer = brand.post(f"/api/v1/claims/{claim.pk}/decisions", {"lines": [
        {"line_id": discount, "decision": "approve"},
        {"line_id": free, "decision": "cut", "approved_amount": "1.25", "reason": "Valued at the old landing price"}]})
    assert answer.status_code == 200, answer.json()
    assert brand.post(f"/api/v1/claims/{claim.pk}/finish", {}).json()["status"] == "partially_approved"
    settled = brand.post(f"/api/v1/claims/{claim.pk}/settle", {"note": "NEFT"})
    assert settled.status_code == 201
    assert settled.json()["amount"] == "5.00"
    assert distributor.get(f"/api/v1/claims/{claim.pk}/credit-note").json()["number"] == settled.json()["number"]
    events = distributor.get(f"/api/v1/claims/{claim.pk}").json()["events"]
    assert [(e["kind"], e["channel"]) for e in events][:2] == [("created", "system"), ("lines_added", "system")]
    assert {e["channel"] for e in events[2:]} == {"api"}
    kpi = brand.get("/api/v1/claims/kpis/settlement").json()
    assert kpi["overall"]["settlement"]["settled"] == 1
    assert kpi["distributors"][0]["distributor_code"] == "D-ONE"


def test_bad_decisions_are_4xx_with_codes_and_write_nothing(org, api, claim):
    services.claim_submit(by=org.users["dist_one"], claim=claim)
    brand = api(org.users["brand"])
    assert brand.post(f"/api/v1/claims/{claim.pk}/finish", {}).json()["code"] == "transition_not_allowed"
    brand.post(f"/api/v1/claims/{claim.pk}/review")
    line = claim.lines.get(kind="discount")
    before = list(ClaimLine.objects.values())
    answer = brand.post(f"/api/v1/claims/{claim.pk}/decisions", {"lines": [{"line_id": line.pk, "decision": "cut", "approved_amount": "9.99",
                                                                           "reason": "x"}]})
    assert answer.status_code == 422
    assert answer.json()["fields"]["lines[0].approved_amount"][0]["code"] == "approval_exceeds_claim"
    assert list(ClaimLine.objects.values()) == before


def test_already_claimed_and_foreign_lines(org, api, claim, delivered):
    start, end = last_period()
    line = delivered.lines.get(line_no=1)
    scheme_id = line.scheme_benefits.get().scheme_id
    services.claim_submit(by=org.users["dist_one"], claim=claim)
    draft = Claim.objects.create(distributor=org.distributors["D-ONE"], kind="scheme", period_start=start, period_end=end)
    answer = api(org.users["dist_one"]).post(f"/api/v1/claims/{draft.pk}/lines", {"invoice_line_id": line.invoice_line.pk, "scheme_id": scheme_id})
    assert (answer.status_code, answer.json()["code"]) == (409, "already_claimed")
    foreign = Claim.objects.create(distributor=org.distributors["D-FOUR"], kind="scheme", period_start=start, period_end=end)
    answer = api(org.users["admin"]).post(f"/api/v1/claims/{foreign.pk}/lines", {"invoice_line_id": line.invoice_line.pk, "scheme_id": scheme_id})
    assert (answer.status_code, answer.json()["code"]) == (422, "line_not_of_distributor")


def test_manual_claim_with_evidence(org, api, client):
    distributor = api(org.users["dist_one"])
    answer = distributor.post("/api/v1/claims", {"reason": "damage", "description": "Water damage in transit",
                                                  "lines": [{"description": "12 packs SKU-1", "amount": "90.00", "quantity": 12}]})
    assert answer.status_code == 201
    assert answer.json()["claimed"] == "90.00"
    claim_id = answer.json()["id"]
    bad = distributor.post("/api/v1/claims", {"reason": "damage", "description": "x", "lines": [{"description": "y", "amount": "0"}]})
    assert (bad.status_code, bad.json()["fields"]["lines[0].amount"][0]["code"]) == (422, "amount_not_positive")
    upload = distributor.client.post(f"/api/v1/claims/{claim_id}/attachments", {"file": SimpleUploadedFile("photo.exe", b"MZ\x90\x00")},
                                     **distributor.headers)
    assert (upload.status_code, upload.json()["code"]) == (422, "validation_error")
    assert upload.json()["fields"]["file"][0]["code"] == "attachment_type_not_allowed"
    upload = distributor.client.post(f"/api/v1/claims/{claim_id}/attachments", {"file": SimpleUploadedFile("bill.pdf", PDF)}, **distributor.headers)
    assert upload.status_code == 201
    url = upload.json()["url"]
    download = distributor.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert api(org.users["dist_four"]).get(url).status_code == 404
    assert ClaimAttachment.objects.count() == 1
    assert distributor.post(f"/api/v1/claims/{claim_id}/submit").json()["status"] == "submitted"


def test_generate_endpoint_is_idempotent(org, api, delivered):
    brand = api(org.users["brand"])
    on = str(last_period()[0])
    first = brand.post("/api/v1/claims/generate", {"on": on})
    assert first.status_code == 200
    assert len(first.json()) == 1
    assert first.json()[0]["claimed"] == "7.50"
    assert brand.post("/api/v1/claims/generate", {"on": on}).json() == []
    assert api(org.users["dist_one"]).post("/api/v1/claims/generate", {"on": on}).status_code == 403


def test_a_distributor_claim_period_is_the_brands_to_set(org, api, delivered):
    d = org.distributors["D-ONE"]
    assert api(org.users["dist_one"]).get(f"/api/v1/claims/policies/{d.pk}").json() == {"distributor_id": d.pk, "period": "month",
                                                                                        "default": True}
    assert api(org.users["dist_one"]).put(f"/api/v1/claims/policies/{d.pk}", {"period": "week"}).status_code == 403
    assert api(org.users["brand"]).put(f"/api/v1/claims/policies/{d.pk}", {"period": "yearly"}).status_code == 422
    answer = api(org.users["brand"]).put(f"/api/v1/claims/policies/{d.pk}", {"period": "quarter"})
    assert answer.json() == {"distributor_id": d.pk, "period": "quarter", "default": False}
    assert services.claim_period_of(d.pk) == "quarter"


def test_generation_and_manual_dates_are_bounded(org, api):
    brand, distributor = api(org.users["brand"]), api(org.users["dist_one"])
    for day in ("9999-12-31", "0001-01-01"):
        answer = brand.post("/api/v1/claims/generate", {"on": day})
        assert (answer.status_code, answer.json()["fields"]["on"][0]["code"]) == (422, "out_of_range")
    answer = distributor.post("/api/v1/claims", {"reason": "damage", "description": "x", "occurred_on": "2999-01-01",
                                                  "lines": [{"description": "y", "amount": "5"}]})
    assert (answer.status_code, answer.json()["fields"]["occurred_on"][0]["code"]) == (422, "in_future")
    assert Claim.objects.count() == 0


def test_area_managers_see_their_area_and_lists_filter(org, api, claim):
    assert api(org.users["asm_delhi"]).get("/api/v1/claims").json()["count"] == 1
    assert api(org.users["asm_delhi"]).post(f"/api/v1/claims/{claim.pk}/review").status_code == 403
    brand = api(org.users["brand"])
    assert brand.get("/api/v1/claims", {"status": "draft", "kind": "scheme"}).json()["count"] == 1
    assert brand.get("/api/v1/claims", {"status": "settled"}).json()["count"] == 0
    before = last_period()[0] - timedelta(days=1)
    assert brand.get("/api/v1/claims", {"period_to": str(before)}).json()["count"] == 0
    assert brand.get("/api/v1/claims", {"status": "nonsense"}).status_code == 422
