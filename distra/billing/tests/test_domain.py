"""Billing calculations without the database: GST components, line and credit amounts, the
financial year, ageing buckets, oldest-first allocation, amounts in words."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from distra.billing.domain import (
    Amounts,
    ageing,
    ageing_bucket,
    allocate_oldest_first,
    amount_in_words,
    credit_amounts,
    financial_year,
    financial_year_label,
    line_amounts,
    total_of,
)
from distra.billing.tax import IndiaGST, Party, SingleVAT, gstin_state, regime_for, state_label
from distra.core.money import round_money

DELHI_SELLER = Party("D-One Traders", "IN", "07AAACD1234A1ZJ")
DELHI_BUYER = Party("Kirana", "IN", "07AAACE1234A1ZI")
PUNJAB_BUYER = Party("Ludhiana Mart", "IN", "03AAACF1234A1ZP")
UNREGISTERED = Party("Small shop", "IN", "")
GST = IndiaGST()

prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
rates = st.sampled_from([Decimal(r) for r in ("0", "0.25", "3", "5", "12", "18", "28")])
discounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2)
quantities = st.integers(min_value=1, max_value=10_000)


def amounts(buyer, quantity, price, discount, rate, regime=GST, seller=DELHI_SELLER):
    return line_amounts(regime=regime, seller=seller, buyer=buyer, quantity=quantity, unit_price=price,
                        discount_pct=discount, tax_rate=rate, hsn="1905")


def test_state_comes_from_the_gstins_first_two_digits():
    assert (gstin_state("07AAACD1234A1ZJ"), gstin_state("27AAACG1234A1ZE"), gstin_state(""), gstin_state("99X")) == ("07", "27", "", "")
    assert state_label("07") == "07-Delhi"


def test_within_a_state_cgst_and_sgst_are_half_the_rate_each():
    line = amounts(DELHI_BUYER, 10, Decimal("7.50"), Decimal("5"), Decimal("18"))
    assert (line.gross, line.discount, line.taxable) == (Decimal("75.00"), Decimal("3.75"), Decimal("71.25"))
    assert (line.cgst, line.sgst, line.igst) == (Decimal("6.41"), Decimal("6.41"), Decimal("0.00"))  # 6.4125 each
    assert line.total == Decimal("84.07")


def test_across_states_igst_is_the_full_rate():
    line = amounts(PUNJAB_BUYER, 10, Decimal("7.50"), Decimal("5"), Decimal("18"))
    assert (line.cgst, line.sgst, line.igst, line.total) == (Decimal("0.00"), Decimal("0.00"), Decimal("12.83"), Decimal("84.08"))


def test_an_unregistered_outlet_is_supplied_within_the_distributors_state():
    assert GST.place_of_supply(DELHI_SELLER, UNREGISTERED) == "07"
    assert GST.place_of_supply(DELHI_SELLER, PUNJAB_BUYER) == "03"
    assert amounts(UNREGISTERED, 1, Decimal("100"), Decimal("0"), Decimal("12")).cgst == Decimal("6.00")


def test_other_countries_get_one_vat_component():
    assert isinstance(regime_for("KE"), SingleVAT)
    assert isinstance(regime_for("IN"), IndiaGST)
    line = amounts(Party("Shop", "KE"), 3, Decimal("10.00"), Decimal("0"), Decimal("16"), regime=regime_for("KE"),
                   seller=Party("Dist", "KE", "P051234567X"))
    assert (line.vat, line.cgst, line.igst, line.total) == (Decimal("4.80"), Decimal("0.00"), Decimal("0.00"), Decimal("34.80"))


@given(quantity=quantities, price=prices, discount=discounts, rate=rates, interstate=st.booleans())
def test_gst_components_add_up_to_the_line_tax_within_the_rounding_rule(quantity, price, discount, rate, interstate):
    line = amounts(PUNJAB_BUYER if interstate else DELHI_BUYER, quantity, price, discount, rate)
    exact = line.taxable * rate / 100
    assert abs(line.tax - exact) <= Decimal("0.01")  # two half-up roundings at most
    assert abs(line.tax - round_money(exact)) <= Decimal("0.01")
    if interstate:
        assert line.cgst == line.sgst == 0
        assert line.igst == round_money(exact)
    else:
        assert line.cgst == line.sgst
        assert line.igst == 0
    assert line.total == line.taxable + line.tax
    assert line.taxable == line.gross - line.discount


@given(st.lists(st.tuples(quantities, prices, discounts, rates), min_size=1, max_size=8))
def test_document_totals_are_the_sums_of_the_lines(rows):
    lines = [amounts(DELHI_BUYER, *row) for row in rows]
    totals = total_of(lines)
    assert totals.taxable == sum(line.taxable for line in lines)
    assert totals.cgst == sum(line.cgst for line in lines) == totals.sgst
    assert totals.total == sum(line.total for line in lines)


@given(quantity=st.integers(min_value=1, max_value=500), price=prices, discount=discounts, rate=rates,
       cuts=st.lists(st.integers(min_value=1, max_value=50), min_size=1, max_size=10))
def test_partial_credits_never_exceed_the_line_and_the_last_one_reverses_it_exactly(quantity, price, discount, rate, cuts):
    invoiced = amounts(DELHI_BUYER, quantity, price, discount, rate)
    credited, credited_quantity = Amounts(), 0
    for cut in [*cuts, quantity]:
        take = min(cut, quantity - credited_quantity)
        if take == 0:
            break
        credit = credit_amounts(invoiced=invoiced, invoiced_quantity=quantity, credited=credited, credited_quantity=credited_quantity,
                                quantity=take, proportional=amounts(DELHI_BUYER, take, price, discount, rate))
        assert all(value >= 0 for value in credit.as_dict().values())
        credited, credited_quantity = credited + credit, credited_quantity + take
        assert all(credited.as_dict()[k] <= v for k, v in invoiced.as_dict().items())
    assert credited == invoiced


def test_a_partial_credit_follows_the_line_rule_for_its_units():
    invoiced = amounts(DELHI_BUYER, 10, Decimal("7.50"), Decimal("5"), Decimal("18"))
    three = amounts(DELHI_BUYER, 3, Decimal("7.50"), Decimal("5"), Decimal("18"))
    credit = credit_amounts(invoiced=invoiced, invoiced_quantity=10, credited=Amounts(), credited_quantity=0, quantity=3, proportional=three)
    assert (credit.taxable, credit.cgst, credit.total) == (Decimal("21.37"), Decimal("1.92"), Decimal("25.21"))  # discount 1.125 → 1.13


def test_financial_year_runs_april_to_march():
    assert (financial_year(date(2026, 3, 31)), financial_year(date(2026, 4, 1))) == (2025, 2026)
    assert financial_year_label(2025) == "2526"
    assert financial_year_label(2099) == "9900"


def test_ageing_buckets_by_days_past_due():
    assert [ageing_bucket(d) for d in (-5, 0, 1, 30, 31, 60, 61, 90, 91, 400)] == [
        "current", "current", "1_30", "1_30", "31_60", "31_60", "61_90", "61_90", "over_90", "over_90"]
    today = date(2026, 6, 30)
    buckets = ageing([(date(2026, 7, 5), Decimal("10")), (date(2026, 6, 1), Decimal("5.50")), (date(2026, 1, 1), Decimal("1"))],
                     as_of=today)
    assert buckets == {"current": Decimal("10"), "1_30": Decimal("5.50"), "31_60": 0, "61_90": 0, "over_90": Decimal("1")}


def test_payment_goes_to_the_oldest_invoices_first_and_the_rest_stays_unallocated():
    open_ = [(1, Decimal("100.00")), (2, Decimal("50.00")), (3, Decimal("70.00"))]
    assert allocate_oldest_first(Decimal("120.00"), open_) == [(1, Decimal("100.00")), (2, Decimal("20.00"))]
    assert allocate_oldest_first(Decimal("500.00"), open_) == open_
    assert allocate_oldest_first(Decimal("10.00"), []) == []


def test_amount_in_words_uses_lakhs_and_crores():
    assert amount_in_words(Decimal("123456.78")) == (
        "Rupees One Lakh Twenty-Three Thousand Four Hundred Fifty-Six and Seventy-Eight Paise Only")
    assert amount_in_words(Decimal("20000000")) == "Rupees Two Crore Only"
    assert amount_in_words(Decimal("0.05")) == "Rupees Zero and Five Paise Only"
