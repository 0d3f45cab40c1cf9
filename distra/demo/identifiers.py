"""Valid identifiers from a seeded generator: EAN-13 GTINs, GSTINs and Indian mobile numbers.

Check digits come from python-stdnum, so what the demo writes passes the same validators the
services apply (distra.core.validators).
"""

from __future__ import annotations

import random
import string

import phonenumbers
from stdnum import ean, luhn

GS1_INDIA_PREFIX = "890"
_GSTIN_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def gtin13(company_prefix: str, item_reference: int) -> str:
    """An EAN-13 under GS1 India: 890, a 5-digit company prefix, a 4-digit item reference and
    the check digit."""
    body = f"{GS1_INDIA_PREFIX}{company_prefix}{item_reference:04d}"
    if len(body) != 12:
        raise ValueError(f"GTIN body {body!r} must have 12 digits")
    return body + ean.calc_check_digit(body)


def pan(rng: random.Random, *, holder_type: str, initial: str) -> str:
    """A PAN-shaped number: 3 letters, holder type (C company, F firm, P person), the holder's
    initial, 4 digits (never 0000) and a letter."""
    letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(3))
    digits = f"{rng.randint(1, 9999):04d}"
    return f"{letters}{holder_type}{initial.upper()}{digits}{rng.choice(string.ascii_uppercase)}"


def gstin_for(state_code: str, pan_number: str, entity: int = 1) -> str:
    """The GSTIN of ``pan_number`` in ``state_code``: state, PAN, entity number, Z, check character
    (Luhn mod 36, as python-stdnum checks it)."""
    body = f"{state_code}{pan_number}{_GSTIN_ALPHABET[entity]}Z"
    return body + luhn.calc_check_digit(body, _GSTIN_ALPHABET)


_valid_prefixes: dict[str, bool] = {}


def indian_mobile(rng: random.Random) -> str:
    """A valid Indian mobile number in E.164 (+91 and ten digits starting 6-9).

    Validity depends on the leading digits (the number series allotted to operators), so it is
    checked with phonenumbers once per 5-digit prefix: 50,000 full checks would take seconds.
    """
    while True:
        first = rng.choices("9876", weights=(40, 30, 20, 10))[0]
        number = f"+91{first}{rng.randrange(10**9):09d}"
        prefix = number[:8]
        if prefix not in _valid_prefixes:
            _valid_prefixes[prefix] = phonenumbers.is_valid_number(phonenumbers.parse(number, None))
        if _valid_prefixes[prefix]:
            return number
