"""outlet_breakdown: the home page's chart numbers are the user's scoped counts, never more."""

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from distra.accounts.choices import Role
from distra.core.scoping import scope_for
from distra.core.testing import VISIBLE_OUTLETS, make_user
from distra.partners.choices import Channel, OutletClass, OutletStatus
from distra.partners.models import Outlet
from distra.partners.selectors import outlet_breakdown, outlet_list

pytestmark = pytest.mark.django_db

# build_org() makes every outlet general trade, class C, active; vary them so that each count
# tells scopes apart.
VARIETY = {
    "O-DEL1-A": (Channel.MODERN_TRADE, OutletClass.A, OutletStatus.ACTIVE),
    "O-DEL1-B": (Channel.PHARMACY, OutletClass.B, OutletStatus.INACTIVE),
    "O-DEL2-A": (Channel.PHARMACY, OutletClass.A, OutletStatus.CLOSED),
    "O-DEL2-B": (Channel.GENERAL_TRADE, OutletClass.A, OutletStatus.ACTIVE),
    "O-LDH-A": (Channel.WHOLESALE, OutletClass.B, OutletStatus.ACTIVE),
    "O-MUM-A": (Channel.HORECA, OutletClass.C, OutletStatus.CLOSED),
}


@pytest.fixture
def varied(org):
    for code, (channel, outlet_class, status) in VARIETY.items():
        Outlet.objects.filter(code=code).update(channel=channel, outlet_class=outlet_class, status=status)
    return org


def expected_counts(codes: set[str], position: int, choices) -> dict[str, int]:
    counted = Counter(VARIETY[code][position] for code in codes)
    return {value: counted.get(value, 0) for value in choices.values}


@pytest.mark.parametrize("username", sorted(VISIBLE_OUTLETS))
def test_breakdown_counts_exactly_the_outlets_in_the_users_scope(varied, username):
    visible = VISIBLE_OUTLETS[username]
    breakdown = outlet_breakdown(user=varied.users[username])

    assert breakdown.total == len(visible) == outlet_list(user=varied.users[username]).count()
    assert breakdown.by_channel == expected_counts(visible, 0, Channel)
    assert breakdown.by_status == expected_counts(visible, 2, OutletStatus)
    per_territory = {varied.outlets[code].territory.name: Counter() for code in visible}
    for code in visible:
        per_territory[varied.outlets[code].territory.name][VARIETY[code][1]] += 1
    assert {t.name: t.by_class for t in breakdown.territories} == {
        name: {value: counted.get(value, 0) for value in OutletClass.values} for name, counted in per_territory.items()
    }
    assert breakdown.territory_count == len(per_territory)


def test_distributor_user_counts_only_its_own_outlets_in_a_shared_territory(varied):
    # Gurugram is served by D-ONE and D-TWO: D-ONE's user sees its one outlet there, not D-TWO's.
    breakdown = outlet_breakdown(user=varied.users["dist_one"])
    gurugram = next(t for t in breakdown.territories if t.name == "Gurugram")
    assert gurugram.by_class == {"A": 1, "B": 0, "C": 0}
    assert breakdown.by_status == {"active": 2, "inactive": 1, "closed": 0}
    assert breakdown.by_channel["wholesale"] == breakdown.by_channel["horeca"] == 0


def test_every_choice_appears_in_choice_order_even_at_zero(varied):
    breakdown = outlet_breakdown(user=varied.users["rep_mum"])
    assert list(breakdown.by_channel) == Channel.values
    assert list(breakdown.by_status) == OutletStatus.values
    assert breakdown.by_channel == {"general_trade": 0, "modern_trade": 0, "pharmacy": 0, "horeca": 1, "wholesale": 0}


def test_territories_are_the_top_ones_by_outlet_count_most_first_then_by_name(varied):
    # Outlets per territory for the administrator: Delhi Central 2, Gurugram 2, Ludhiana 1, Mumbai South 1.
    admin = varied.users["admin"]
    assert [(t.name, t.total) for t in outlet_breakdown(user=admin).territories] == [
        ("Delhi Central", 2), ("Gurugram", 2), ("Ludhiana", 1), ("Mumbai South", 1),
    ]
    top_two = outlet_breakdown(user=admin, top=2)
    assert [t.name for t in top_two.territories] == ["Delhi Central", "Gurugram"]
    assert top_two.territory_count == 4
    assert top_two.total == 6  # the cut shortens the territory chart only


def test_a_user_without_a_scope_gets_zeros(org):
    nobody = make_user("rep_nowhere", Role.FIELD_REP)
    breakdown = outlet_breakdown(user=nobody)
    assert breakdown.total == 0
    assert breakdown.territories == []
    assert breakdown.territory_count == 0
    assert set(breakdown.by_channel.values()) == set(breakdown.by_status.values()) == {0}


@pytest.mark.parametrize("username", ["admin", "asm_delhi", "dist_one"])
def test_breakdown_takes_two_queries_however_many_outlets(varied, username):
    user = varied.users[username]
    scope_for(user)  # built once per request, before the page's first read
    with CaptureQueriesContext(connection) as queries:
        outlet_breakdown(user=user)
    assert len(queries.captured_queries) == 2
