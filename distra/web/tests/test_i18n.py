"""Language choice: a user who picks Hindi is served in Hindi; the Hindi catalog covers the pages."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from distra.accounts.models import User
from distra.web.tests.helpers import compile_catalogs

pytestmark = pytest.mark.django_db

PO_FILE = Path(django_settings.LOCALE_PATHS[0]) / "hi" / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="session")
def compiled_locale(tmp_path_factory) -> Path:
    return compile_catalogs(tmp_path_factory.mktemp("locale"))


@pytest.fixture
def hindi(settings, compiled_locale):
    settings.LOCALE_PATHS = [compiled_locale]


def test_picking_hindi_on_the_profile_serves_the_pages_in_hindi(org, client_for, hindi):
    user = org.users["rep_del1"]
    client = client_for(user)
    assert "Outlets" in client.get(reverse("outlet-list")).content.decode()
    response = client.post(reverse("profile"), {"language": "hi"})
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).language == "hi"
    profile = client.get(response["Location"]).content.decode()
    assert "आपकी भाषा सहेज ली गई है।" in profile
    html = client.get(reverse("outlet-list")).content.decode()
    assert '<html lang="hi">' in html
    for hindi_text in ["आउटलेट", "वितरक", "होम", "खोजें", "टेरिटरी", "साइन आउट करें", "फ़िल्टर करें"]:
        assert hindi_text in html
    for english in ["Sign out", "Search", ">Outlets<", ">Filter<"]:
        assert english not in html


def test_switching_back_to_english(org, client_for, hindi):
    user = org.users["asm_delhi"]
    User.objects.filter(pk=user.pk).update(language="hi")
    client = client_for(user)
    assert "होम" in client.get(reverse("home")).content.decode()
    client.post(reverse("profile"), {"language": "en"})
    assert ">Home<" in client.get(reverse("home")).content.decode()


def test_the_outlet_form_labels_and_choices_are_in_hindi(org, client_for, hindi):
    user = org.users["dist_one"]
    User.objects.filter(pk=user.pk).update(language="hi")
    html = client_for(user).get(reverse("outlet-create")).content.decode()
    for hindi_text in ["नया आउटलेट", "मालिक", "पिन कोड", "सेवा देने वाला वितरक", "सामान्य व्यापार", "सहेजें"]:
        assert hindi_text in html


def test_an_unknown_language_is_refused_and_nothing_changes(org, client_for):
    user = org.users["rep_del1"]
    response = client_for(user).post(reverse("profile"), {"language": "xx"})
    assert response.status_code == 422
    assert User.objects.get(pk=user.pk).language == "en"


def test_the_login_page_follows_the_language_cookie(org, client, hindi):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "hi"
    html = client.get(reverse("login")).content.decode()
    for hindi_text in ["साइन इन करें", "उपयोगकर्ता नाम", "पासवर्ड"]:
        assert hindi_text in html


def _entries(po_text: str):
    for block in po_text.split("\n\n")[1:]:
        refs = " ".join(line[3:] for line in block.splitlines() if line.startswith("#:"))
        strings = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block, re.M)
        translations = ["".join(re.findall(r'"(.*)"', s)) for s in strings]
        yield refs, block, translations


def test_every_string_of_the_pages_has_a_hindi_translation():
    untranslated = [
        block.splitlines()[-1]
        for refs, block, translations in _entries(PO_FILE.read_text(encoding="utf-8"))
        if "web/" in refs and (not all(translations) or "#, fuzzy" in block)
    ]
    assert untranslated == []
