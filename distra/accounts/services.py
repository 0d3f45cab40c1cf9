"""Every write about users and tokens."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.contrib.auth import authenticate, user_logged_in
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from distra.accounts.backends import own_permissions_sql
from distra.accounts.choices import Role
from distra.accounts.models import ApiToken, User, hash_token
from distra.core.errors import DomainError, FieldProblem, ValidationFailed
from distra.core.sql import execute, from_row

TOKEN_LIFETIME = timedelta(days=30)


class InvalidCredentials(DomainError):
    def __init__(self):
        super().__init__(message="Invalid username or password.", code="invalid_credentials", status=401)


class TooManyAttempts(DomainError):
    def __init__(self):
        super().__init__(
            message="Too many failed sign-in attempts; try again in 15 minutes.",
            code="too_many_attempts",
            status=429,
        )


def token_issue(*, request, username: str, password: str) -> str:
    """Check the credentials (throttled by django-axes) and return a new bearer token.

    The raw token is returned once; only its hash is stored. A success resets the failure count.
    """
    try:
        user = authenticate(request=request, username=username, password=password)
    except PermissionDenied as exc:
        raise TooManyAttempts() from exc
    if getattr(request, "axes_locked_out", False):
        raise TooManyAttempts()
    if user is None or not user.is_active:
        raise InvalidCredentials()
    # A token is a sign-in: tell the listeners django.contrib.auth.login() would (django-axes resets
    # the failure count, Django records last_login), without creating a session.
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    raw = ApiToken.generate()
    ApiToken.objects.create(
        user=user, key_hash=hash_token(raw), prefix=raw[4:12], expires_at=timezone.now() + TOKEN_LIFETIME
    )
    return raw


def token_authenticate(raw: str) -> User | None:
    """The active user a live token belongs to, or None. Records when the token was last used
    (at most every five minutes). One plain statement: every API call asks."""
    now = timezone.now()
    quote = connection.ops.quote_name
    fields = [f.attname for f in User._meta.concrete_fields]
    # On PostgreSQL the user's own permissions come in the same statement (what RoleBackend would
    # read next, for every call that checks one); elsewhere the backend reads them.
    perms = f", ARRAY({own_permissions_sql('u.id')})" if connection.vendor == "postgresql" else ""
    sql = (f"SELECT t.id, t.last_used_at, {', '.join('u.' + quote(User._meta.get_field(f).column) for f in fields)}{perms} "  # noqa: S608
           f"FROM {quote(ApiToken._meta.db_table)} t JOIN {quote(User._meta.db_table)} u ON u.id = t.user_id "
           f"WHERE t.key_hash = %s AND t.revoked_at IS NULL AND t.expires_at > %s AND u.is_active")
    rows = execute(sql, [hash_token(raw), now])
    if not rows:
        return None
    row = rows[0]
    token_id, last_used_at = row[0], from_row(ApiToken, ["id", "last_used_at"], row[:2]).last_used_at
    if last_used_at is None or now - last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    user = from_row(User, fields, row[2:2 + len(fields)])
    if perms and not user.is_superuser:  # a superuser's come from ModelBackend (all of them)
        user._user_perm_cache = set(row[2 + len(fields)])
    user._api_token_id = token_id
    return user


def token_revoke(*, token_id: int) -> None:
    ApiToken.objects.filter(pk=token_id, revoked_at__isnull=True).update(revoked_at=timezone.now())


def tokens_prune(*, older_than: timedelta = timedelta(days=90)) -> int:
    """Delete tokens that expired or were revoked long ago. Returns how many were deleted."""
    cutoff = timezone.now() - older_than
    deleted, _ = ApiToken.objects.filter(expires_at__lt=cutoff).delete()
    deleted_revoked, _ = ApiToken.objects.filter(revoked_at__lt=cutoff).delete()
    return deleted + deleted_revoked


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    distributor=None,
    geo_nodes: Iterable = (),
    language: str = "en",
    check_password: bool = True,
) -> User:
    """Create a user with a role and its scope.

    Distributor users need a distributor; area sales managers and field reps need at least one
    geography node; administrators are Django superusers.
    """
    problems: dict[str, list[FieldProblem]] = {}
    if role not in Role.values:
        problems["role"] = [FieldProblem("invalid_choice", f"Unknown role {role!r}.")]
    if role == Role.DISTRIBUTOR and distributor is None:
        problems["distributor"] = [FieldProblem("required", "A distributor user needs a distributor.")]
    if role != Role.DISTRIBUTOR and distributor is not None:
        problems["distributor"] = [FieldProblem("not_allowed", "Only distributor users have a distributor.")]
    geo_nodes = list(geo_nodes)
    if role in (Role.AREA_SALES_MANAGER, Role.FIELD_REP) and not geo_nodes:
        problems["geo_nodes"] = [FieldProblem("required", "This role needs at least one geography node.")]
    if User.objects.filter(username__iexact=username).exists():
        problems["username"] = [FieldProblem("duplicate", f"The username {username!r} is taken.")]
    if check_password:
        try:
            validate_password(password)
        except ValidationError as exc:
            problems["password"] = [FieldProblem(e.code or "invalid", str(e.message % (e.params or {}))) for e in exc.error_list]
    if problems:
        raise ValidationFailed(problems)
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        role=role,
        distributor=distributor,
        language=language,
        is_staff=role != Role.FIELD_REP,
        is_superuser=role == Role.ADMINISTRATOR,
    )
    user.set_password(password)
    user.save()
    if geo_nodes:
        user.geo_nodes.set(geo_nodes)
    return user


def user_set_language(*, user: User, language: str) -> None:
    from django.conf import settings

    if language not in dict(settings.LANGUAGES):
        raise ValidationFailed({"language": [FieldProblem("invalid_choice", f"Unknown language {language!r}.")]})
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
