"""Reading the pages' HTML in tests: the rows a list shows, the problems a form shows."""

import re

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
