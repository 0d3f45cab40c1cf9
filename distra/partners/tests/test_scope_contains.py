"""``Outlet.scope_contains`` (the order path's test of an outlet row it has read) agrees with
``Outlet.scope_q`` (what every list and lookup filters by) for every user and outlet."""

import pytest

from distra.core.scoping import scope_for
from distra.partners.models import Outlet

pytestmark = pytest.mark.django_db


def test_scope_contains_agrees_with_the_scope_filter_for_every_user_and_outlet(org):
    outlets = list(Outlet.objects.all())
    assert outlets
    checked = 0
    for user in org.users.values():
        visible = set(Outlet.objects.for_user(user).values_list("id", flat=True))
        scope = scope_for(user)
        for outlet in outlets:
            contained = Outlet.scope_contains(scope, distributor_id=outlet.distributor_id, territory_id=outlet.territory_id)
            assert contained == (outlet.pk in visible), (user.username, outlet.code)
            checked += 1
    assert checked >= 2 * len(outlets)
