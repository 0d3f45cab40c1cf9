from django.db import models
from django.utils.translation import gettext_lazy as _


class GeoKind(models.TextChoices):
    COUNTRY = "country", _("Country")
    REGION = "region", _("Region")
    AREA = "area", _("Area")
    TERRITORY = "territory", _("Territory")


# Which kind of node may sit under which: the tree is country → region → area → territory.
PARENT_KIND = {
    GeoKind.COUNTRY: None,
    GeoKind.REGION: GeoKind.COUNTRY,
    GeoKind.AREA: GeoKind.REGION,
    GeoKind.TERRITORY: GeoKind.AREA,
}
