"""Property-based checks of the identifier validators: every correctly built identifier passes,
and changing its check character always fails."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum import ean

from distra.core.testing import valid_gstin
from distra.core.validators import normalize_gtin, normalize_tax_id

ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
letters = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=1)


@st.composite
def gstin_bodies(draw) -> str:
    """State code, a PAN (3 letters, the holder type, a letter, 4 digits, a letter), the entity
    number and the fixed 'Z'."""
    state = draw(st.sampled_from(["03", "06", "07", "08", "09", "19", "24", "27", "29", "33"]))
    holder = draw(st.sampled_from("ABCFGHJLPT"))  # company, person, HUF, firm, trust, …
    pan = "".join(draw(letters) for _ in range(3)) + holder + draw(letters)
    pan += f"{draw(st.integers(1, 9999)):04d}" + draw(letters)  # a PAN's serial is never 0000
    entity = draw(st.sampled_from("123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    return f"{state}{pan}{entity}Z"


@given(gstin_bodies(), st.sampled_from(ALNUM))
def test_a_gstin_passes_only_with_its_own_check_character(body, other):
    gstin = valid_gstin(body)
    assert normalize_tax_id("IN", gstin.lower()) == gstin
    if other != gstin[-1]:
        with pytest.raises(ValidationError) as excinfo:
            normalize_tax_id("IN", body + other)
        assert excinfo.value.code == "invalid_gstin"


@given(st.text("0123456789", min_size=12, max_size=12), st.integers(0, 9))
def test_a_gtin13_passes_only_with_its_own_check_digit(first_twelve, other):
    gtin = first_twelve + ean.calc_check_digit(first_twelve)
    assert normalize_gtin(gtin) == gtin
    if str(other) != gtin[-1]:
        with pytest.raises(ValidationError) as excinfo:
            normalize_gtin(first_twelve + str(other))
        assert excinfo.value.code == "invalid_gtin"
