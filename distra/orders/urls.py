"""Order pages: taking and following orders (views), dispatch and proof of delivery (views_delivery)."""

from django.urls import path

from distra.orders import views, views_delivery, views_entry
from distra.web.pages import signed_in

urlpatterns: list = [
    path("orders", signed_in(views.order_list), name="order-list"),
    path("orders.csv", signed_in(views.order_export), name="order-export"),
    path("orders/new", signed_in(views_entry.order_create), name="order-create"),
    path("orders/skus.json", signed_in(views_entry.order_skus), name="order-skus"),
    path("orders/quote.json", signed_in(views_entry.order_quote), name="order-quote"),
    path("orders/<int:pk>", signed_in(views.order_detail), name="order-detail"),
    path("orders/<int:pk>/edit", signed_in(views_entry.order_edit), name="order-edit"),
    path("orders/<int:pk>/<slug:action>", signed_in(views.order_action), name="order-action"),
    path("deliveries", signed_in(views_delivery.dispatch_board), name="delivery-board"),
    path("deliveries/<int:pk>/pod", signed_in(views_delivery.proof_of_delivery), name="delivery-pod"),
]
