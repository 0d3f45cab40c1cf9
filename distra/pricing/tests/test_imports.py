"""Price lists and schemes from CSV through the master-data import engine: a dry run reports
every row's problems at its column and writes nothing; a clean file creates drafts."""

import pytest

from distra.integrations.services import data_import
from distra.pricing.models import PriceList, PriceListItem, Scheme

pytestmark = pytest.mark.django_db

PRICES = """price_list_code,name,valid_from,channel,distributor_code,sku_code,selling_price,landing_price
PL-GT,General trade,2026-01-01,general_trade,,SKU-1,7.00,6.20
PL-GT,,,,,SKU-2,90.00,80.00
PL-D1,D-ONE special,2026-01-01,,D-ONE,SKU-1,6.90,6.00
PL-BAD,Bad,2026-01-01,,,SKU-1,8.50,
"""

SCHEMES = """code,name,kind,valid_from,percent,per,slabs,buy_quantity,free_quantity,channels,category_codes,budget_basis,budget
S-SLAB,Slabs,quantity_slab,2026-01-01,,case,5-9:2|10-:4,,,general_trade,FOOD,value,5000
S-FREE,Free,free_goods,2026-01-01,,unit,,10,1,,,,
S-GAP,Gap,quantity_slab,2026-01-01,,case,5-9:2|11-:4,,,,,,
"""


def run(org, kind, text, **kw):
    return data_import(by=org.users["brand"], kind=kind, data=text.encode(), filename=f"{kind}.csv", **kw)


def test_price_lists_dry_run_then_import(org, catalog):
    report = run(org, "price_lists", PRICES, dry_run=True)
    assert (report.rows, report.created, report.failed) == (4, 3, 1)
    assert [(p.row, p.column, p.code) for p in report.problems] == [(5, "selling_price", "above_mrp")]
    assert not PriceList.objects.exists()
    report = run(org, "price_lists", PRICES.replace("8.50", "6.50"))
    assert report.committed
    assert sorted(PriceList.objects.values_list("code", "status")) == [("PL-BAD", "draft"), ("PL-D1", "draft"), ("PL-GT", "draft")]
    assert PriceListItem.objects.filter(price_list__code="PL-GT").count() == 2
    assert PriceList.objects.get(code="PL-D1").distributor == org.distributors["D-ONE"]


def test_schemes_dry_run_reports_the_gap_and_a_clean_file_makes_drafts(org, catalog):
    report = run(org, "schemes", SCHEMES, dry_run=True)
    assert [(p.row, p.column, p.code) for p in report.problems] == [(4, "slabs", "slab_gap")]
    assert not Scheme.objects.exists()
    report = run(org, "schemes", SCHEMES.replace("11-:4", "10-:4"))
    assert report.committed
    slab = Scheme.objects.get(code="S-SLAB")
    assert slab.status == "draft"
    assert slab.slabs == [{"min": "5", "max": "9", "percent": "2"}, {"min": "10", "max": None, "percent": "4"}]
    assert sorted(slab.targets.values_list("kind", flat=True)) == ["category", "channel"]
    assert slab.budgets.get().limit == 5000
    again = run(org, "schemes", SCHEMES.replace("11-:4", "10-:4").replace("5-9:2|10-:4", "3-9:1|10-:4"))
    assert again.updated == 3
    assert Scheme.objects.get(code="S-SLAB").slabs[0]["min"] == "3"


def test_only_the_brand_imports_pricing(org, catalog):
    from distra.core.errors import Forbidden

    with pytest.raises(Forbidden):
        data_import(by=org.users["dist_one"], kind="schemes", data=SCHEMES.encode(), filename="s.csv")


def test_an_export_of_draft_schemes_and_lists_imports_back_cleanly(org, catalog):
    import csv
    import io

    from distra.integrations.selectors import export_table

    run(org, "schemes", SCHEMES.replace("11-:4", "10-:4"))
    run(org, "price_lists", PRICES.replace("8.50", "6.50"))
    for kind in ("schemes", "price_lists"):
        header, rows = export_table(user=org.users["brand"], kind=kind)
        out = io.StringIO()
        csv.writer(out).writerows([header, *rows])
        report = run(org, kind, out.getvalue(), dry_run=True)
        assert (kind, report.problems, report.failed) == (kind, [], 0)
