from typing import Literal

from ninja import Field, Schema

from distra.core.api import Id, PatchIn
from distra.geography.choices import GeoKind


class GeoNodeOut(Schema):
    id: int
    code: str
    name: str
    kind: GeoKind
    parent_id: int | None
    path: str
    country_code: str


class GeoNodeIn(Schema):
    code: str = Field(..., min_length=1, max_length=32)
    name: str = Field(..., min_length=1, max_length=120)
    kind: GeoKind
    parent_id: Id | None = None
    country_code: str = Field("IN", min_length=2, max_length=2)


class GeoNodePatch(PatchIn):
    code: str | None = Field(None, min_length=1, max_length=32)
    name: str | None = Field(None, min_length=1, max_length=120)


class GeoNodeFilter(Schema):
    kind: GeoKind | None = None
    parent_id: Id | None = None
    search: str | None = Field(None, max_length=100)
    sort: Literal["path", "-path", "code", "-code", "name", "-name"] = "path"
