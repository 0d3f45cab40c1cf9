"""The suggestions pages, each behind ``signed_in`` like every page of the site."""

from django.urls import path

from distra.suggestions import views
from distra.web.pages import signed_in

urlpatterns = [
    path("suggestions/acceptance", signed_in(views.acceptance_page), name="suggestion-acceptance"),
    path("suggestions/must-sell", signed_in(views.must_sell_page), name="must-sell-lists"),
]
