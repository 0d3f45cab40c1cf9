from django.urls import path

from distra.integrations import views

urlpatterns = [
    path("data/import", views.data_import, name="data-import"),
    path("data/import/jobs/<int:pk>", views.data_import_job, name="data-import-job"),
    path("data/export/<str:kind>.<str:format>", views.data_export, name="data-export"),
    path("data/template/<str:kind>.<str:format>", views.data_template, name="data-template"),
]
