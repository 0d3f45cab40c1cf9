"""The forecasting pages, each behind ``signed_in`` like every page of the site."""

from django.urls import path

from distra.forecasting import views
from distra.web.pages import signed_in

urlpatterns = [
    path("forecasts", signed_in(views.forecast_index), name="forecast-index"),
    path("forecasts/run", signed_in(views.forecast_run_start), name="forecast-run-start"),
    path("forecasts/<int:distributor_id>/<int:sku_id>", signed_in(views.forecast_series), name="forecast-series"),
    path("forecasts/<int:distributor_id>/<int:sku_id>/override", signed_in(views.forecast_override), name="forecast-override"),
    path("forecasts/<str:kind>/<int:target_id>", signed_in(views.forecast_aggregate), name="forecast-aggregate"),
]
