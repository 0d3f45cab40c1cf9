from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "distra.web"
    label = "web"
    verbose_name = "Web pages"
