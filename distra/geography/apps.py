from django.apps import AppConfig


class GeographyConfig(AppConfig):
    name = "distra.geography"
    label = "geography"
    verbose_name = "Geography"
