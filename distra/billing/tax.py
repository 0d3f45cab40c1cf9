"""Tax regimes, without the database: which tax components a line of a supply carries.

A regime turns (seller, buyer, the line's net amount, the rate, the HSN code) into tax
components. India's GST is the first real one; other countries get a single VAT component at the
SKU's rate until a regime of their own is written.

GST rule: the supplier's state is the first two digits of its GSTIN. The place of supply is the
buyer's state (first two digits of the outlet's GSTIN) when the outlet is GST-registered; an
unregistered outlet is supplied within the distributor's state (the goods are delivered by the
distributor in its own territories, and the geography holds no states). When the supplier's state
equals the place of supply the line carries CGST and SGST at half the rate each, each rounded
half-up to the paisa; otherwise IGST at the full rate, rounded half-up to the paisa.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from distra.core.money import round_money

HUNDRED = Decimal(100)

GST_STATES = {
    "01": "Jammu and Kashmir", "02": "Himachal Pradesh", "03": "Punjab", "04": "Chandigarh", "05": "Uttarakhand",
    "06": "Haryana", "07": "Delhi", "08": "Rajasthan", "09": "Uttar Pradesh", "10": "Bihar", "11": "Sikkim",
    "12": "Arunachal Pradesh", "13": "Nagaland", "14": "Manipur", "15": "Mizoram", "16": "Tripura", "17": "Meghalaya",
    "18": "Assam", "19": "West Bengal", "20": "Jharkhand", "21": "Odisha", "22": "Chhattisgarh", "23": "Madhya Pradesh",
    "24": "Gujarat", "25": "Daman and Diu", "26": "Dadra and Nagar Haveli and Daman and Diu", "27": "Maharashtra",
    "28": "Andhra Pradesh (before 2014)", "29": "Karnataka", "30": "Goa", "31": "Lakshadweep", "32": "Kerala",
    "33": "Tamil Nadu", "34": "Puducherry", "35": "Andaman and Nicobar Islands", "36": "Telangana", "37": "Andhra Pradesh",
    "38": "Ladakh", "97": "Other Territory",
}


@dataclass(frozen=True)
class Party:
    """A side of the supply as the tax rules see it."""

    name: str
    country_code: str = "IN"
    tax_id: str = ""

    @property
    def state_code(self) -> str:
        """The GST state code (first two digits of a GSTIN), or "" when the party has no GSTIN."""
        return gstin_state(self.tax_id) if self.country_code == "IN" else ""


@dataclass(frozen=True)
class TaxComponent:
    name: str  # "CGST", "SGST", "IGST", "VAT"
    rate: Decimal
    amount: Decimal


class TaxRegime(Protocol):
    code: str

    def place_of_supply(self, seller: Party, buyer: Party) -> str: ...

    def components(self, *, seller: Party, buyer: Party, net: Decimal, rate: Decimal, hsn: str) -> list[TaxComponent]: ...


def gstin_state(gstin: str) -> str:
    """The state code of a GSTIN ("07" for "07AAACD1234A1ZJ"), or "" if it does not start with one."""
    code = (gstin or "").strip()[:2]
    return code if code in GST_STATES else ""


def state_label(code: str) -> str:
    return f"{code}-{GST_STATES[code]}" if code in GST_STATES else code


class IndiaGST:
    """CGST + SGST within a state, IGST across states (see the module's docstring)."""

    code = "gst_in"

    def place_of_supply(self, seller: Party, buyer: Party) -> str:
        return buyer.state_code or seller.state_code

    def components(self, *, seller: Party, buyer: Party, net: Decimal, rate: Decimal, hsn: str) -> list[TaxComponent]:
        if seller.state_code == self.place_of_supply(seller, buyer):
            half = rate / 2
            amount = round_money(net * half / HUNDRED)
            return [TaxComponent("CGST", half, amount), TaxComponent("SGST", half, amount)]
        return [TaxComponent("IGST", rate, round_money(net * rate / HUNDRED))]


class SingleVAT:
    """One VAT component at the SKU's rate, rounded half-up to the minor unit (countries without
    a regime of their own)."""

    code = "vat"

    def place_of_supply(self, seller: Party, buyer: Party) -> str:
        return buyer.country_code or seller.country_code

    def components(self, *, seller: Party, buyer: Party, net: Decimal, rate: Decimal, hsn: str) -> list[TaxComponent]:
        return [TaxComponent("VAT", rate, round_money(net * rate / HUNDRED))]


REGIMES: dict[str, TaxRegime] = {"IN": IndiaGST()}


def regime_for(country_code: str) -> TaxRegime:
    """The regime of the seller's country (the supply is taxed where the distributor sells)."""
    return REGIMES.get(country_code, SingleVAT())
