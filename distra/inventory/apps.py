from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "distra.inventory"
    label = "inventory"
    verbose_name = "Inventory"
