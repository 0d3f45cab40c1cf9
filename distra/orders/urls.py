"""Order pages: taking and following orders (views), dispatch and proof of delivery (views_delivery)."""

from django.urls import path

from distra.orders import views_delivery
from distra.web.pages import signed_in

urlpatterns: list = [
    path("deliveries", signed_in(views_delivery.dispatch_board), name="delivery-board"),
    path("deliveries/<int:pk>/pod", signed_in(views_delivery.proof_of_delivery), name="delivery-pod"),
]
