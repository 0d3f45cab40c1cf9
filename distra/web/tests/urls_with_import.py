"""A URLconf with a stand-in for the import/export page, to test the navigation link to it."""

from django.http import HttpResponse
from django.urls import include, path

urlpatterns = [
    path("data/import", lambda request: HttpResponse("import"), name="data-import"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("distra.web.urls")),
]
