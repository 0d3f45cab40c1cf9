"""The identifier validators, without a database."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from distra.core.validators import (
    normalize_gtin,
    normalize_phone,
    normalize_tax_id,
    validate_hsn,
    validate_latitude,
    validate_longitude,
)


def error_code(func, *args) -> str:
    with pytest.raises(ValidationError) as info:
        func(*args)
    return info.value.code


# GSTIN (India) ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["07AAACD1234A1ZJ", "27AAACG1234A1ZE", "07aaacd1234a1zj", " 07AAACD1234A1ZJ "])
def test_valid_gstin_is_returned_compact_and_upper_case(value):
    assert normalize_tax_id("IN", value) == value.strip().upper()


def test_gstin_country_code_is_case_insensitive():
    assert normalize_tax_id("in", "07AAACD1234A1ZJ") == "07AAACD1234A1ZJ"


@pytest.mark.parametrize(
    "value",
    [
        "07AAACD1234A1ZK",  # check character wrong
        "07AAACD1234A1Z",  # one character short
        "99AAACD1234A1ZJ",  # no such state
        "07AAACD1234A1XJ",  # the 14th character must be Z
        "",
    ],
)
def test_invalid_gstin_is_rejected_with_its_code(value):
    assert error_code(normalize_tax_id, "IN", value) == "invalid_gstin"


def test_gstin_message_names_the_value():
    with pytest.raises(ValidationError) as info:
        normalize_tax_id("IN", "07AAACD1234A1ZK")
    assert "07AAACD1234A1ZK is not a valid GSTIN" in info.value.message % info.value.params


# Other countries -------------------------------------------------------------------------------

def test_vat_number_of_a_country_python_stdnum_knows_is_checked():
    assert normalize_tax_id("DE", "DE 136 695 976") == "136695976"
    assert error_code(normalize_tax_id, "DE", "DE136695977") == "invalid_tax_id"


@pytest.mark.parametrize("country", ["NG", "AE", "", "X"])
def test_generic_fallback_accepts_5_to_25_letters_and_digits(country):
    assert normalize_tax_id(country, "rc-123456/a") == "RC-123456/A"


@pytest.mark.parametrize("value", ["AB1", "-ABC12", "ABC12-", "A" * 26, "ABC$123", ""])
def test_generic_fallback_rejects_other_shapes(value):
    assert error_code(normalize_tax_id, "NG", value) == "invalid_tax_id"


# GTIN ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "value",
    ["40170725", "12345670", "8901234567890", "4006381333931", "10614141000415", "036000291452"],
    ids=["gtin8", "gtin8-b", "gtin13", "gtin13-b", "gtin14", "gtin12"],
)
def test_valid_gtins_pass(value):
    assert normalize_gtin(value) == value


def test_gtin_is_returned_without_spaces():
    assert normalize_gtin(" 8901234567890 ") == "8901234567890"


@pytest.mark.parametrize(
    "value",
    ["40170726", "8901234567891", "10614141000416", "890123456789", "89012345678901234", "89012345678A0", ""],
    ids=["gtin8-check", "gtin13-check", "gtin14-check", "gtin12-check", "too-long", "letter", "empty"],
)
def test_invalid_gtins_are_rejected(value):
    assert error_code(normalize_gtin, value) == "invalid_gtin"


# Phones ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "country", "e164"),
    [
        ("98765 43210", "IN", "+919876543210"),
        ("+91 98765 43210", "IN", "+919876543210"),
        ("022 2345 6789", "in", "+912223456789"),
        ("+1 415 555 2671", "IN", "+14155552671"),  # an explicit country code wins over the default
        ("020 7946 0018", "GB", "+442079460018"),
    ],
)
def test_phone_is_returned_in_e164(value, country, e164):
    assert normalize_phone(value, country) == e164


@pytest.mark.parametrize(
    ("value", "country"),
    [("12345", "IN"), ("+91 98765 4321", "IN"), ("call me", "IN"), ("", "IN"), ("98765 43210", "")],
    ids=["too-short", "one-digit-short", "words", "empty", "no-country-no-prefix"],
)
def test_invalid_phone_is_rejected(value, country):
    assert error_code(normalize_phone, value, country) == "invalid_phone"


# HSN and coordinates ---------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["1905", "190531", "19053100"])
def test_hsn_of_4_6_or_8_digits_passes(value):
    validate_hsn(value)


@pytest.mark.parametrize("value", ["190", "19053", "1905310", "190531000", "19O5", ""])
def test_other_hsn_codes_are_rejected(value):
    assert error_code(validate_hsn, value) == "invalid_hsn"


@pytest.mark.parametrize("value", [Decimal("-90"), Decimal("0"), Decimal("90"), None])
def test_latitude_in_range_passes(value):
    validate_latitude(value)


@pytest.mark.parametrize("value", [Decimal("-90.000001"), Decimal("90.5"), Decimal("123")])
def test_latitude_out_of_range_is_rejected(value):
    assert error_code(validate_latitude, value) == "invalid_latitude"


@pytest.mark.parametrize("value", [Decimal("-180"), Decimal("180"), None])
def test_longitude_in_range_passes(value):
    validate_longitude(value)


@pytest.mark.parametrize("value", [Decimal("-180.5"), Decimal("180.000001")])
def test_longitude_out_of_range_is_rejected(value):
    assert error_code(validate_longitude, value) == "invalid_longitude"
