"""The pricing pages, each behind ``signed_in`` like every page of the site."""

from django.urls import path

from distra.pricing import views
from distra.web.pages import signed_in

urlpatterns = [
    path("pricing/price-lists", signed_in(views.price_list_list), name="price-list-list"),
    path("pricing/price-lists/new", signed_in(views.price_list_create), name="price-list-create"),
    path("pricing/price-lists/<int:pk>", signed_in(views.price_list_detail), name="price-list-detail"),
    path("pricing/schemes", signed_in(views.scheme_list), name="scheme-list"),
    path("pricing/schemes/new", signed_in(views.scheme_create), name="scheme-create"),
    path("pricing/schemes/<int:pk>", signed_in(views.scheme_detail), name="scheme-detail"),
    path("pricing/<str:what>/<int:pk>/<str:action>", signed_in(views.lifecycle_action), name="pricing-action"),
]
