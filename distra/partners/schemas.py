from datetime import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from distra.core.api import Id, PatchIn
from distra.partners.choices import Channel, DistributorStatus, OutletClass, OutletStatus

Latitude = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
Longitude = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)


class ContactOut(Schema):
    id: int
    name: str
    designation: str
    phone: str
    email: str
    is_primary: bool


class ContactIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    designation: str = Field("", max_length=80)
    phone: str = Field("", max_length=32)
    email: str = Field("", max_length=254)
    is_primary: bool = False


class DistributorOut(Schema):
    id: int
    code: str
    legal_name: str
    trade_name: str
    country_code: str
    tax_id: str
    status: DistributorStatus
    email: str
    phone: str
    address: str
    territory_ids: list[int]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_territory_ids(obj) -> list[int]:
        return [t.pk for t in obj.territories.all()]


class DistributorDetailOut(DistributorOut):
    contacts: list[ContactOut]
    warehouse_ids: list[int]

    @staticmethod
    def resolve_contacts(obj):
        return list(obj.contacts.all())

    @staticmethod
    def resolve_warehouse_ids(obj) -> list[int]:
        return [w.pk for w in obj.warehouses.all()]


class DistributorIn(Schema):
    code: str = Field(..., min_length=1, max_length=32)
    legal_name: str = Field(..., min_length=1, max_length=200)
    trade_name: str = Field("", max_length=200)
    country_code: str = Field("IN", min_length=2, max_length=2)
    tax_id: str = Field("", max_length=32)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=32)
    address: str = Field("", max_length=2000)
    territory_ids: list[Id] = []


class DistributorPatch(PatchIn):
    legal_name: str | None = Field(None, min_length=1, max_length=200)
    trade_name: str | None = Field(None, max_length=200)
    tax_id: str | None = Field(None, max_length=32)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=32)
    address: str | None = Field(None, max_length=2000)
    territory_ids: list[Id] | None = None


class DistributorStatusIn(Schema):
    status: DistributorStatus


class DistributorFilter(Schema):
    status: DistributorStatus | None = None
    territory_id: Id | None = None
    search: str | None = Field(None, max_length=100, description="Matches code, legal or trade name")
    sort: Literal["code", "-code", "legal_name", "-legal_name", "created_at", "-created_at", "status", "-status"] = "code"


class WarehouseOut(Schema):
    id: int
    kind: str = Field(..., description="distributor (a distributor's warehouse), depot (the brand's own; no distributor) or quarantine (a distributor's damaged stock; never sold from)")
    distributor_id: int | None
    code: str
    name: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    is_active: bool


class WarehouseIn(Schema):
    distributor_id: Id
    code: str = Field(..., min_length=1, max_length=32)
    name: str = Field(..., min_length=1, max_length=120)
    address: str = Field("", max_length=2000)
    latitude: Decimal | None = Latitude
    longitude: Decimal | None = Longitude
    is_active: bool = True


class WarehousePatch(PatchIn):
    name: str | None = Field(None, min_length=1, max_length=120)
    address: str | None = Field(None, max_length=2000)
    latitude: Decimal | None = Latitude
    longitude: Decimal | None = Longitude
    is_active: bool | None = None


class WarehouseFilter(Schema):
    distributor_id: Id | None = None
    search: str | None = Field(None, max_length=100)
    sort: Literal["code", "-code", "name", "-name"] = "code"


class OutletOut(Schema):
    id: int
    code: str
    name: str
    owner_name: str
    phone: str
    address: str
    city: str
    postal_code: str
    latitude: Decimal | None
    longitude: Decimal | None
    channel: Channel
    outlet_class: OutletClass
    territory_id: Id
    territory_name: str
    distributor_id: Id
    distributor_code: str
    status: OutletStatus
    tax_id: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_territory_name(obj) -> str:
        return obj.territory.name

    @staticmethod
    def resolve_distributor_code(obj) -> str:
        return obj.distributor.code


class OutletIn(Schema):
    code: str = Field(..., min_length=1, max_length=32)
    name: str = Field(..., min_length=1, max_length=200)
    owner_name: str = Field("", max_length=120)
    phone: str = Field("", max_length=32)
    address: str = Field("", max_length=2000)
    city: str = Field("", max_length=80)
    postal_code: str = Field("", max_length=12)
    latitude: Decimal | None = Latitude
    longitude: Decimal | None = Longitude
    channel: Channel = Channel.GENERAL_TRADE
    outlet_class: OutletClass = OutletClass.C
    territory_id: Id
    distributor_id: Id
    status: OutletStatus = OutletStatus.ACTIVE
    tax_id: str = Field("", max_length=32)


class OutletPatch(PatchIn):
    name: str | None = Field(None, min_length=1, max_length=200)
    owner_name: str | None = Field(None, max_length=120)
    phone: str | None = Field(None, max_length=32)
    address: str | None = Field(None, max_length=2000)
    city: str | None = Field(None, max_length=80)
    postal_code: str | None = Field(None, max_length=12)
    latitude: Decimal | None = Latitude
    longitude: Decimal | None = Longitude
    channel: Channel | None = None
    outlet_class: OutletClass | None = None
    territory_id: Id | None = None
    distributor_id: Id | None = None
    status: OutletStatus | None = None
    tax_id: str | None = Field(None, max_length=32)


class OutletFilter(Schema):
    territory_id: Id | None = None
    distributor_id: Id | None = None
    channel: Channel | None = None
    outlet_class: OutletClass | None = None
    status: OutletStatus | None = None
    search: str | None = Field(None, max_length=100, description="Matches code, name, owner or city")
    sort: Literal["code", "-code", "name", "-name", "city", "-city", "created_at", "-created_at", "outlet_class", "-outlet_class"] = "code"
