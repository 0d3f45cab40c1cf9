"""Distra's own system checks, run by `distra check` beside Django's deploy checks."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def production_configuration(app_configs, **kwargs):
    problems = []
    if not settings.SECRET_KEY_FROM_ENVIRONMENT:
        problems.append(
            Warning(
                "SECRET_KEY comes from var/secret_key, which only this machine has.",
                hint="Set SECRET_KEY in the environment so that every app instance shares it (docs/deploy.md).",
                id="distra.W001",
            )
        )
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        problems.append(
            Warning(
                "The database is SQLite: fine for one machine, not for several app instances.",
                hint="Set DATABASE_URL to a PostgreSQL database (docs/deploy.md).",
                id="distra.W002",
            )
        )
    if settings.DEBUG:
        problems.append(Error("DEBUG is on.", hint="Unset DEBUG in production.", id="distra.E001"))
    return problems
