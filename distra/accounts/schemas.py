from ninja import Schema


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


class MeOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    role: str
    language: str
    distributor_id: int | None
    geo_node_ids: list[int]
    permissions: list[str]
