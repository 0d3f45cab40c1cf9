"""Building import files in memory for the tests."""

import csv
import io
import threading

from distra.integrations.tabular import xlsx_bytes


def csv_file(header: list[str], rows: list[list], delimiter: str = ",", bom: bool = False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + buffer.getvalue().encode()


def xlsx_file(header: list[str], rows: list[list]) -> bytes:
    return xlsx_bytes(header, rows)


OUTLET_HEADER = [
    "code", "name", "owner_name", "phone", "address", "city", "postal_code", "latitude", "longitude",
    "channel", "outlet_class", "territory_code", "distributor_code", "status", "tax_id",
]


def outlet_row(code: str, territory: str = "T-DEL-1", distributor: str = "D-ONE", **overrides) -> list[str]:
    values = {
        "code": code, "name": f"{code} Kirana", "owner_name": "Ramesh", "phone": "98765 43210", "address": "12 Main Road",
        "city": "Delhi", "postal_code": "110001", "latitude": "28.61", "longitude": "77.2", "channel": "general_trade",
        "outlet_class": "B", "territory_code": territory, "distributor_code": distributor, "status": "active", "tax_id": "",
    }
    values.update(overrides)
    return [values[name] for name in OUTLET_HEADER]


SKU_HEADER = [
    "code", "gtin", "name", "brand_code", "category_code", "hsn_code", "units_per_case", "case_weight_kg",
    "case_volume_l", "mrp", "base_price", "tax_rate", "shelf_life_days", "is_active",
]


def sku_row(code: str, gtin: str = "4006381333931", **overrides) -> list[str]:
    values = {
        "code": code, "gtin": gtin, "name": f"{code} cream biscuits", "brand_code": "SUN", "category_code": "BISC",
        "hsn_code": "1905", "units_per_case": "24", "case_weight_kg": "3.5", "case_volume_l": "8", "mrp": "20.00",
        "base_price": "15.00", "tax_rate": "18", "shelf_life_days": "180", "is_active": "true",
    }
    values.update(overrides)
    return [values[name] for name in SKU_HEADER]


DISTRIBUTOR_HEADER = [
    "code", "legal_name", "trade_name", "country_code", "tax_id", "status", "email", "phone", "address",
    "territory_codes", "contact_name", "contact_phone", "contact_email",
]


def distributor_row(code: str, **overrides) -> list[str]:
    values = {
        "code": code, "legal_name": f"{code} Distributors Pvt Ltd", "trade_name": f"{code} Traders", "country_code": "IN",
        "tax_id": "", "status": "active", "email": "orders@example.com", "phone": "98765 43210", "address": "Okhla",
        "territory_codes": "T-DEL-1|T-DEL-2", "contact_name": "Sunita", "contact_phone": "98111 22233",
        "contact_email": "sunita@example.com",
    }
    values.update(overrides)
    return [values[name] for name in DISTRIBUTOR_HEADER]


def pause_import_at(monkeypatch, code: str, timeout: float) -> tuple[threading.Event, threading.Event]:
    """Hold an outlet import just before it creates ``code``: returns (reached, release); the
    import sets ``reached`` there and waits for ``release`` (at most ``timeout`` seconds)."""
    from distra.integrations.importers.outlets import OutletImporter

    reached, release = threading.Event(), threading.Event()
    original = OutletImporter.create

    def create(self, values):
        if values["code"] == code:
            reached.set()
            release.wait(timeout)
        return original(self, values)

    monkeypatch.setattr(OutletImporter, "create", create)
    return reached, release
