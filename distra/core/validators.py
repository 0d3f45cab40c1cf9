"""Validators for the identifiers master data carries: tax registrations, GTINs, phones, HSN codes.

Field libraries do the checking (python-stdnum for check digits, phonenumbers for phones).
"""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import ean
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.in_ import gstin
from stdnum.util import get_cc_module

_GENERIC_TAX_ID = re.compile(r"^[A-Z0-9][A-Z0-9\-./ ]{3,23}[A-Z0-9]$")
_HSN = re.compile(r"^(\d{4}|\d{6}|\d{8})$")


def normalize_tax_id(country_code: str, value: str) -> str:
    """Return the tax registration id in its compact form, or raise ValidationError.

    India: a GSTIN (15 characters, state code, PAN, check character). Countries python-stdnum
    knows a VAT number for: that format. Elsewhere: 5-25 letters, digits and separators.
    """
    value = (value or "").strip().upper()
    country = (country_code or "").strip().lower()
    if country == "in":
        try:
            return gstin.validate(value)
        except StdnumError as exc:
            raise ValidationError(
                _("%(value)s is not a valid GSTIN: %(reason)s"),
                code="invalid_gstin",
                params={"value": value, "reason": exc.message},
            ) from exc
    module = get_cc_module(country, "vat") if re.fullmatch(r"[a-z]{2}", country) else None
    if module is not None:
        try:
            return module.validate(value)
        except StdnumError as exc:
            raise ValidationError(
                _("%(value)s is not a valid tax number for %(country)s: %(reason)s"),
                code="invalid_tax_id",
                params={"value": value, "country": country.upper(), "reason": exc.message},
            ) from exc
    if not _GENERIC_TAX_ID.match(value):
        raise ValidationError(
            _("%(value)s is not a valid tax registration id (5-25 letters and digits)."),
            code="invalid_tax_id",
            params={"value": value},
        )
    return value


def normalize_gtin(value: str) -> str:
    """Return a GTIN-8/12/13/14 with a correct check digit, or raise ValidationError."""
    value = (value or "").strip()
    try:
        compact = ean.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("%(value)s is not a valid GTIN: %(reason)s"),
            code="invalid_gtin",
            params={"value": value, "reason": exc.message},
        ) from exc
    return compact


def normalize_phone(value: str, country_code: str) -> str:
    """Return the phone number in E.164 form, or raise ValidationError."""
    region = (country_code or "").upper() or None
    try:
        number = phonenumbers.parse((value or "").strip(), region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("%(value)s is not a phone number."), code="invalid_phone", params={"value": value}
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("%(value)s is not a valid phone number for %(country)s."),
            code="invalid_phone",
            params={"value": value, "country": region or "?"},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_hsn(value: str) -> None:
    if not _HSN.match(value or ""):
        raise ValidationError(_("An HSN code has 4, 6 or 8 digits."), code="invalid_hsn")


def validate_latitude(value) -> None:
    if value is not None and not -90 <= value <= 90:
        raise ValidationError(_("Latitude must be between -90 and 90."), code="invalid_latitude")


def validate_longitude(value) -> None:
    if value is not None and not -180 <= value <= 180:
        raise ValidationError(_("Longitude must be between -180 and 180."), code="invalid_longitude")
