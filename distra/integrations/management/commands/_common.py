"""What the import and export commands share: finding the acting user."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def acting_user(username: str):
    """The active user the command acts as; its role and scope apply as on the API."""
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"No active user {username!r}.")
    return user
