"""The replenishment pages, each behind ``signed_in`` like every page of the site."""

from django.urls import path

from distra.replenishment import views
from distra.web.pages import signed_in

urlpatterns = [
    path("replenishment", signed_in(views.suggestion_list), name="suggestion-list"),
    path("replenishment/generate", signed_in(views.suggestion_generate), name="suggestion-generate"),
    path("replenishment/fair-share", signed_in(views.fair_share), name="fair-share"),
    path("replenishment/near-expiry", signed_in(views.near_expiry), name="near-expiry"),
    path("replenishment/<int:pk>", signed_in(views.suggestion_detail), name="suggestion-detail"),
    path("replenishment/<int:pk>/<str:action>", signed_in(views.suggestion_action), name="suggestion-action"),
]
