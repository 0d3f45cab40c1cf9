"""The purchasing pages, each behind ``signed_in`` like every page of the site."""

from django.urls import path

from distra.purchasing import views
from distra.web.pages import signed_in

urlpatterns = [
    path("purchasing", signed_in(views.po_list), name="po-list"),
    path("purchasing/new", signed_in(views.po_create), name="po-create"),
    path("purchasing/<int:pk>", signed_in(views.po_detail), name="po-detail"),
    path("purchasing/<int:pk>/<str:action>", signed_in(views.po_action), name="po-action"),
    path("purchasing/shipments/<int:pk>/receive", signed_in(views.grn_entry), name="grn-entry"),
]
