from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from distra.config.api import api
from distra.core import health

urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("web/favicon.svg"), permanent=True)),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("distra.web.urls")),
    path("", include("distra.integrations.urls")),
    path("", include("distra.inventory.urls")),
    path("", include("distra.orders.urls")),
    path("", include("distra.billing.urls")),
    path("", include("distra.purchasing.urls")),
    path("", include("distra.pricing.urls")),
    path("", include("distra.claims.urls")),
    path("", include("distra.forecasting.urls")),
    path("", include("distra.replenishment.urls")),
    path("", include("distra.suggestions.urls")),
]
# Uploaded files (import files) are private: they are never served, in DEBUG or not.
