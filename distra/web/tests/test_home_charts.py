"""The home page's charts: the numbers the page carries (json_script) and shows in its tables are
the user's scope, and roles that may not see outlets, or have none, get no charts."""

import json
import re
from collections import Counter

import pytest
from django.urls import reverse

from distra.accounts.choices import Role
from distra.core.testing import VISIBLE_OUTLETS, make_user
from distra.partners.choices import Channel, OutletClass
from distra.partners.models import Outlet
from distra.web.tests.helpers import compile_catalogs

pytestmark = pytest.mark.django_db

@pytest.fixture
def hindi(settings, tmp_path):
    settings.LOCALE_PATHS = [compile_catalogs(tmp_path)]


CHART_DATA = re.compile(r'<script id="home-chart-data" type="application/json">(.*?)</script>', re.S)


def chart_data(response) -> dict:
    found = CHART_DATA.search(response.content.decode())
    return json.loads(found.group(1)) if found else {}


def table_rows(response, key: str) -> dict[str, list[str]]:
    """The rows of a chart's table: label -> its cells."""
    html = response.content.decode()
    table = re.search(rf'<table [^>]*id="chart-{key}-numbers">(.*?)</table>', html, re.S).group(1)
    body = table.split("<tbody>")[1]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        label = re.search(r'<th scope="row"[^>]*>(.*?)</th>', row, re.S).group(1).strip()
        rows[label] = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    return rows


@pytest.mark.parametrize("username", sorted(VISIBLE_OUTLETS))
def test_the_charts_data_on_the_home_page_is_the_users_scope(org, client_for, username):
    Outlet.objects.filter(code__in=["O-DEL2-A", "O-MUM-A"]).update(channel=Channel.PHARMACY, outlet_class=OutletClass.A)
    visible = VISIBLE_OUTLETS[username]
    response = client_for(org.users[username]).get(reverse("home"))
    data = chart_data(response)

    assert set(data) == {"channel", "status", "territory-class"}
    channel = data["channel"]
    counted = Counter(Outlet.objects.filter(code__in=visible).values_list("channel", flat=True))
    assert dict(zip(channel["keys"], channel["series"][0]["values"], strict=True)) == {
        value: counted.get(value, 0) for value in Channel.values
    }
    assert sum(data["status"]["series"][0]["values"]) == len(visible)
    territories = {org.outlets[code].territory.name for code in visible}
    by_class = data["territory-class"]
    assert set(by_class["labels"]) == territories
    assert [s["key"] for s in by_class["series"]] == ["A", "B", "C"]
    assert sum(sum(s["values"]) for s in by_class["series"]) == len(visible)


def test_a_distributor_user_sees_only_its_outlets_in_a_shared_territory(org, client_for):
    # D-TWO's outlet in Gurugram is a pharmacy of class A; D-ONE's user must not count it.
    Outlet.objects.filter(code="O-DEL2-A").update(channel=Channel.PHARMACY, outlet_class=OutletClass.A)
    response = client_for(org.users["dist_one"]).get(reverse("home"))
    data = chart_data(response)
    assert dict(zip(data["channel"]["keys"], data["channel"]["series"][0]["values"], strict=True))["pharmacy"] == 0
    assert table_rows(response, "territory-class") == {
        "Delhi Central": ["0", "0", "2", "2"], "Gurugram": ["0", "0", "1", "1"],
    }
    assert table_rows(response, "channel")["Pharmacy"] == ["0"]
    assert table_rows(response, "status")["Active"] == ["3"]


def test_the_tables_match_the_chart_data_and_are_readable_without_script(org, client_for):
    response = client_for(org.users["admin"]).get(reverse("home"))
    html = response.content.decode()
    data = chart_data(response)
    rows = table_rows(response, "channel")
    assert list(rows) == data["channel"]["labels"] == ["General trade", "Modern trade", "Pharmacy", "HoReCa", "Wholesale"]
    assert rows["General trade"] == ["6"]
    # Open until the script draws the charts; the canvases wait hidden and point at their tables.
    assert html.count('<details class="chart-numbers" open>') == 3
    assert html.count('<div class="chart-box" hidden>') == 3
    assert 'aria-describedby="chart-status-numbers"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html
    assert "web/charts.js" in html


def test_only_the_top_territories_are_charted_with_a_note_saying_so(org, client_for, monkeypatch):
    monkeypatch.setattr("distra.partners.selectors.TOP_TERRITORIES", 2)
    response = client_for(org.users["admin"]).get(reverse("home"))
    assert chart_data(response)["territory-class"]["labels"] == ["Delhi Central", "Gurugram"]
    assert "The 2 territories with the most outlets, of 4." in response.content.decode()


def test_no_charts_without_outlets_in_scope(org, client_for):
    nobody = make_user("rep_nowhere", Role.FIELD_REP)
    response = client_for(nobody).get(reverse("home"))
    assert response.status_code == 200
    assert chart_data(response) == {}
    assert "chartjs" not in response.content.decode()


def test_the_charts_speak_hindi(org, client_for, hindi):
    user = org.users["asm_delhi"]
    type(user).objects.filter(pk=user.pk).update(language="hi")
    response = client_for(user).get(reverse("home"))
    html = response.content.decode()
    for hindi_text in ["आपके आउटलेट एक नज़र में", "चैनल के अनुसार आउटलेट", "स्थिति के अनुसार आउटलेट", "आँकड़े", "कुल"]:
        assert hindi_text in html
    data = chart_data(response)
    assert data["territory-class"]["series"][0]["label"] == "वर्ग A"
    assert "सामान्य व्यापार" in data["channel"]["labels"]
