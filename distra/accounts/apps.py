from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "distra.accounts"
    label = "accounts"
    verbose_name = "Users and roles"
