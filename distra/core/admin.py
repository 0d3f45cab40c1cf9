"""Admin base classes: every admin list, form and choice goes through the user's data scope, and
every save goes through the context's services (so the admin keeps the same rules as the API)."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from distra.core.errors import DomainError


class _Rollback(Exception):
    pass


class ScopedAdmin(SimpleHistoryAdmin):
    """Lists, detail pages and foreign-key choices show only rows in the user's scope; what a role
    may do comes from has_perm (distra.accounts.permissions)."""

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Out of scope reads as missing: a 404, as in the API and the pages.
        raise Http404(f"No {opts.verbose_name} with id {object_id}.")

    def _scoped_choices(self, db_field, request, kwargs):
        related = db_field.remote_field.model
        if "queryset" not in kwargs and hasattr(related.objects, "for_user"):
            kwargs["queryset"] = related.objects.for_user(request.user)
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **self._scoped_choices(db_field, request, kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **self._scoped_choices(db_field, request, kwargs))


class ServiceAdmin(ScopedAdmin):
    """Saves through services. Subclasses implement ``service_save(request, obj, data, change)``,
    which calls the context's create/update service and returns the saved row.

    The form's clean() runs the same service inside a savepoint that is rolled back, so that a
    rule the service enforces shows up as a form error beside its field, never as a 500.
    """

    def service_save(self, request, obj, data: dict, change: bool):
        raise NotImplementedError

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ServiceForm(form_class):
            def clean(self):
                cleaned = super().clean()
                if self.errors:
                    return cleaned
                try:
                    with transaction.atomic():
                        model_admin.service_save(request, self.instance, dict(cleaned), change)
                        raise _Rollback()
                except _Rollback:
                    pass
                except DomainError as exc:
                    for name, problems in exc.fields.items():
                        for problem in problems:
                            self.add_error(name if name in self.fields else None, problem.message)
                    if not exc.fields:
                        self.add_error(None, exc.message)
                return cleaned

        return ServiceForm

    def save_model(self, request, obj, form, change):
        saved = self.service_save(request, obj, dict(form.cleaned_data), change)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        # Many-to-many fields are set by the service; only inlines are saved here.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
