from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "distra.core"
    label = "core"
    verbose_name = "Distra core"

    def ready(self) -> None:
        from distra.core import checks  # noqa: F401  (registers Distra's own system checks)
