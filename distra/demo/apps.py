from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "distra.demo"
    label = "demo"
    verbose_name = "Demo data"
