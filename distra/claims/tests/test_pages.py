"""Claims pages through Django's test client: scope, the manual claim form, the review actions."""

from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from distra.claims import services
from distra.claims.models import Claim
from distra.claims.tests.conftest import last_period

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def claim(org, delivered):
    start, end = last_period()
    return services.claim_generate_period(distributor=org.distributors["D-ONE"], start=start, end=end)


def test_list_and_detail_keep_to_the_scope(org, claim):
    assert claim.number in client_for(org.users["dist_one"]).get("/claims").content.decode()
    assert claim.number not in client_for(org.users["dist_four"]).get("/claims").content.decode()
    assert client_for(org.users["dist_four"]).get(f"/claims/{claim.pk}").status_code == 404
    assert client_for(org.users["rep_del1"]).get("/claims").status_code == 403
    assert Client().get("/claims").status_code == 401
    filtered = client_for(org.users["brand"]).get("/claims", {"status": "settled"}).content.decode()
    assert claim.number not in filtered


def test_manual_claim_form_saves_a_draft_with_its_evidence(org):
    client = client_for(org.users["dist_one"])
    answer = client.post("/claims/new", {"distributor": org.distributors["D-ONE"].pk, "reason": "expiry", "description": "Expired batch",
                                         "line_0_description": "24 packs", "line_0_amount": "180.00", "line_0_quantity": "24",
                                         "evidence": SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0" + b"0" * 50)})
    assert answer.status_code == 302
    claim = Claim.objects.get()
    assert (claim.claimed, claim.attachments.count(), claim.reason) == (D("180.00"), 1, "expiry")


def test_manual_claim_form_shows_the_problem_and_writes_nothing(org):
    client = client_for(org.users["dist_one"])
    answer = client.post("/claims/new", {"distributor": org.distributors["D-ONE"].pk, "reason": "damage", "description": "Broken",
                                         "line_0_description": "Packs", "line_0_amount": "-5",
                                         "evidence": SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0" + b"0" * 50)})
    assert answer.status_code == 422
    assert "more than 0" in answer.content.decode()
    assert Claim.objects.count() == 0


def test_review_actions_from_the_page(org, claim):
    services.claim_submit(by=org.users["dist_one"], claim=claim)
    brand = client_for(org.users["brand"])
    brand.post(f"/claims/{claim.pk}/review")
    line = claim.lines.get(kind="free_goods")
    answer = brand.post(f"/claims/{claim.pk}/decide", {"line_id": line.pk, "decision": "cut", "approved_amount": "9", "reason": "x"},
                        follow=True)
    assert "At most the 3.75 claimed" in answer.content.decode()
    brand.post(f"/claims/{claim.pk}/decide", {"line_id": line.pk, "decision": "cut", "approved_amount": "2", "reason": "Cap"})
    brand.post(f"/claims/{claim.pk}/finish", {"approve_rest": "1"})
    brand.post(f"/claims/{claim.pk}/settle")
    claim.refresh_from_db()
    assert (claim.status, claim.approved) == ("settled", D("5.75"))
    listing = client_for(org.users["brand"]).get("/claims").content.decode()
    assert "1 settled" in listing
    page = client_for(org.users["dist_one"]).get(f"/claims/{claim.pk}/credit-note").content.decode()
    assert claim.credit_note.number in page
    assert "5.75" in page
    pdf = client_for(org.users["dist_one"]).get(f"/claims/{claim.pk}/credit-note", {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert client_for(org.users["dist_four"]).get(f"/claims/{claim.pk}/credit-note", {"format": "pdf"}).status_code == 404
