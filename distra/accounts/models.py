"""Users, their role and what part of the organisation they cover; API tokens."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from distra.accounts.choices import Role


class User(AbstractUser):
    """A person using Distra. Their role says what they may do; their geography nodes (area sales
    managers, field reps) or distributor (distributor users) say which data they see.

    Invariant: a distributor user has a distributor; other roles have none.
    """

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.FIELD_REP)
    geo_nodes = models.ManyToManyField(
        "geography.GeoNode", blank=True, related_name="users", verbose_name=_("geography nodes covered")
    )
    distributor = models.ForeignKey(
        "partners.Distributor",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("distributor"),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(role=Role.DISTRIBUTOR, distributor__isnull=False)
                | (~Q(role=Role.DISTRIBUTOR) & Q(distributor__isnull=True)),
                name="user_distributor_matches_role",
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_valid"),
        ]


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def generate() -> str:
        return "dst_" + secrets.token_urlsafe(32)
