from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "distra.integrations"
    label = "integrations"
    verbose_name = "Imports and exports"
