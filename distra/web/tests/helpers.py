"""Reading the pages' HTML in tests: the rows a list shows, the problems a form shows."""

import re
from pathlib import Path

ROW = re.compile(r'<tr data-code="([^"]+)"')
FIELD_ERROR = re.compile(r'data-field="([^"]+)">([^<]*)<')


def row_codes(response) -> set[str]:
    return set(ROW.findall(response.content.decode()))


def row_order(response) -> list[str]:
    return ROW.findall(response.content.decode())


def field_errors(response) -> dict[str, str]:
    return {name: text.strip() for name, text in FIELD_ERROR.findall(response.content.decode())}


def is_login_form(response) -> bool:
    html = response.content.decode()
    return 'id="login-form"' in html and 'name="password"' in html


def compile_catalogs(target: Path) -> Path:
    """Compile every committed .po under LOCALE_PATHS into ``target`` (a fresh locale dir), with
    Babel as `make messages` does, so that tests check the .po files and not a stale .mo."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from django.conf import settings

    source = Path(settings.LOCALE_PATHS[0])
    for po_path in source.glob("*/LC_MESSAGES/django.po"):
        out_dir = target / po_path.parent.relative_to(source)
        out_dir.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=po_path.parent.parent.name)
        with (out_dir / "django.mo").open("wb") as fh:
            write_mo(fh, catalog)
    return target
