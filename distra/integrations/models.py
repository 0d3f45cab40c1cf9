"""Import jobs: an uploaded file waiting for, going through or done with the import engine."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from distra.accounts.choices import Role
from distra.core.models import ScopedModel
from distra.core.scoping import ScopedQuerySet, scope_for
from distra.integrations.choices import FINISHED, ImportJobStatus


class ImportJobQuerySet(ScopedQuerySet):
    """Jobs belong to the user who submitted them, not to a part of the organisation: a user sees
    its own jobs, an administrator every job. A brand manager's "everything" scope covers master
    data, not other people's uploads, hence this override of ScopedQuerySet."""

    def for_user(self, user) -> ImportJobQuerySet:
        if scope_for(user).role == Role.ADMINISTRATOR:
            return self.all()
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(user=user)

    def for_scope(self, scope) -> ImportJobQuerySet:
        return self.filter(self.model.scope_q(scope))


class ImportJob(ScopedModel):
    """One import of one uploaded file, run in the background (or inline when small).

    Invariants: the status moves only along IMPORT_JOB_TRANSITIONS (services only); a finished
    job has ``finished_at``; a failed one has an error code; a succeeded one has its report (the
    engine's ImportReport as a dict, which may say that nothing was written). ``rows_done`` is the
    progress: while the job runs it is written outside the import's transaction (see progress.py).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs")
    kind = models.CharField(_("kind"), max_length=20)
    dry_run = models.BooleanField(_("dry run"), default=False)
    partial = models.BooleanField(_("partial"), default=False)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", max_length=255)
    filename = models.CharField(_("original file name"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    report = models.JSONField(_("report"), null=True, blank=True)
    error_code = models.CharField(_("error code"), max_length=40, blank=True)
    error_message = models.TextField(_("error message"), blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        indexes = [models.Index(fields=["user", "-created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(rows_done__lte=models.F("rows_total")), name="import_job_done_within_total"),
            models.CheckConstraint(
                condition=Q(status__in=FINISHED, finished_at__isnull=False) | (~Q(status__in=FINISHED) & Q(finished_at__isnull=True)),
                name="import_job_finished_at_when_finished",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} import #{self.pk} ({self.status})"

    @classmethod
    def scope_q(cls, scope) -> Q:
        """What a scope sees without knowing the user: administrators every job, others none
        (their own jobs come through ``for_user``)."""
        return Q() if scope.role == Role.ADMINISTRATOR else Q(pk__in=[])

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        if self.status == ImportJobStatus.SUCCEEDED:
            return 100
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0
