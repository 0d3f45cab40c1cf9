from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "distra.partners"
    label = "partners"
    verbose_name = "Distributors and outlets"
