import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse, reverse_lazy

from distra.integrations.models import ImportJob
from distra.integrations.tabular import read_table
from distra.partners.models import Outlet

from .helpers import OUTLET_HEADER, csv_file, outlet_row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _base_template(settings, tmp_path):
    """The pages extend web/base.html; should it be missing from the tree, a minimal stand-in."""
    try:
        get_template("web/base.html")
    except TemplateDoesNotExist:
        (tmp_path / "web").mkdir()
        (tmp_path / "web" / "base.html").write_text("<title>{% block title %}{% endblock %}</title>{% block content %}{% endblock %}")
        settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]


@pytest.fixture
def signed_in(client, org):
    def sign_in(username):
        client.force_login(org.users[username])
        return client

    return sign_in


def post_file(client, data, follow=False, **buttons):
    return client.post(reverse("data-import"), {"kind": "outlets", "file": SimpleUploadedFile("outlets.csv", data), **buttons}, follow=follow)


def test_page_offers_import_exports_and_templates(signed_in):
    response = signed_in("dist_one").get(reverse("data-import"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="dry_run"' in html
    assert 'name="import"' in html
    assert reverse("data-export", kwargs={"kind": "outlets", "format": "xlsx"}) in html
    assert reverse("data-template", kwargs={"kind": "outlets", "format": "csv"}) in html
    assert list(response.context["form"].fields["kind"].choices) == [("outlets", "Outlets")]


def test_check_only_shows_problems_by_row_and_column_and_writes_nothing(signed_in):
    data = csv_file(OUTLET_HEADER, [outlet_row("O-WEB-1"), outlet_row("O-WEB-2", phone="12", territory="T-MUM")])
    response = post_file(signed_in("dist_one"), data, dry_run="1", follow=True)
    assert response.redirect_chain == [(reverse("data-import-job", kwargs={"pk": ImportJob.objects.get().pk}), 302)]
    assert response.status_code == 200
    problems = [(p["row"], p["column"]) for p in response.context["report"]["problems"]]
    assert problems == [(3, "territory_code"), (3, "phone")]
    assert 'id="import-problems"' in response.content.decode()
    assert not Outlet.objects.filter(code__startswith="O-WEB").exists()


def test_import_button_writes(signed_in):
    response = post_file(signed_in("dist_one"), csv_file(OUTLET_HEADER, [outlet_row("O-WEB-1")]), follow=True, **{"import": "1"})
    assert response.context["report"]["committed"] is True
    assert Outlet.objects.filter(code="O-WEB-1").exists()


def test_bad_header_is_422_with_the_report(signed_in):
    response = post_file(signed_in("admin"), b"code,colour\nX,red\n", **{"import": "1"})
    assert response.status_code == 422
    assert "colour" in response.content.decode()


def test_kind_the_role_may_not_import_is_refused(signed_in):
    client = signed_in("dist_one")
    response = client.post(reverse("data-import"), {"kind": "skus", "file": SimpleUploadedFile("s.csv", b"code\n")})
    assert response.status_code == 422  # not a choice offered to this role
    assert signed_in("rep_del1").get(reverse("data-export", kwargs={"kind": "outlets", "format": "csv"})).status_code == 403


def test_export_and_template_downloads(signed_in):
    client = signed_in("dist_four")
    response = client.get(reverse("data-export", kwargs={"kind": "outlets", "format": "csv"}))
    assert response["Content-Disposition"] == 'attachment; filename="outlets.csv"'
    assert [cells[0] for _, cells in read_table(b"".join(response.streaming_content)).rows] == ["O-MUM-A"]
    response = client.get(reverse("data-template", kwargs={"kind": "skus", "format": "xlsx"}))
    assert read_table(response.content).header[:3] == ["code", "gtin", "name"]
    assert client.get("/data/export/nothing.csv").status_code == 404


@pytest.mark.parametrize(
    "url", [reverse_lazy("data-import"), reverse_lazy("data-export", kwargs={"kind": "outlets", "format": "csv"})]
)
def test_anonymous_gets_401_with_the_sign_in_form(client, org, url):
    response = client.get(url)
    assert response.status_code == 401
    assert 'name="password"' in response.content.decode()
