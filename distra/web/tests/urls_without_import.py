"""A URLconf without the import/export page: the navigation must not need it."""

from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("distra.web.urls")),
]
