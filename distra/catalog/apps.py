from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "distra.catalog"
    label = "catalog"
    verbose_name = "Catalog"
