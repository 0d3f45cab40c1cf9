from django.urls import path

from distra.inventory import views
from distra.web.pages import signed_in

urlpatterns: list = [
    path("stock/alerts", signed_in(views.alert_list), name="stock-alerts"),
    path("stock/alerts/<int:pk>/acknowledge", signed_in(views.alert_acknowledge), name="stock-alert-acknowledge"),
    path("stock/count", signed_in(views.stock_count), name="stock-count"),
    path("stock/transfers", signed_in(views.transfer_list), name="stock-transfers"),
    path("stock/transfers/<int:pk>/receive", signed_in(views.transfer_receive), name="stock-transfer-receive"),
]
