"""The pages' addresses. Every page except sign-in and sign-out goes through ``signed_in``
(pages.py), here in one place, so that no page can be reached without signing in."""

from django.contrib.auth import views as auth_views
from django.urls import path

from distra.web import views
from distra.web.pages import signed_in


def page(route: str, view, name: str):
    return path(route, signed_in(view), name=name)


urlpatterns = [
    path("login", auth_views.LoginView.as_view(template_name="web/login.html", redirect_authenticated_user=True), name="login"),
    path("logout", auth_views.LogoutView.as_view(), name="logout"),
]

SIGNED_IN_PAGES = [
    page("", views.home, "home"),
    page("profile", views.profile, "profile"),
    page("outlets", views.outlet_list, "outlet-list"),
    page("outlets/new", views.outlet_create, "outlet-create"),
    page("outlets/<int:pk>", views.outlet_detail, "outlet-detail"),
    page("outlets/<int:pk>/edit", views.outlet_edit, "outlet-edit"),
    page("distributors", views.distributor_list, "distributor-list"),
    page("distributors/<int:pk>", views.distributor_detail, "distributor-detail"),
    page("distributors/<int:pk>/edit", views.distributor_edit, "distributor-edit"),
    page("warehouses", views.warehouse_list, "warehouse-list"),
    page("skus", views.sku_list, "sku-list"),
    page("skus/<int:pk>", views.sku_detail, "sku-detail"),
    page("geography", views.geography_tree, "geography"),
    page("stock", views.stock_list, "stock-list"),
    page("stock.csv", views.stock_export, "stock-export"),
    page("stock/card", views.stock_card, "stock-card"),
]
urlpatterns += SIGNED_IN_PAGES
