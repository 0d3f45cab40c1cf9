"""What every signed-in page shares: the sign-in gate, error pages, sorting and pagination.

``signed_in`` is applied to every page in urls.py (not view by view), so that no page can forget
it: an anonymous request gets HTTP 401 with the sign-in form (its ``next`` kept), an object
outside the user's scope a 404, and an action the role may not take a 403, each as a page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from distra.core.errors import DomainError

PAGE_SIZE = 50


def login_response(request: HttpRequest, status: int = 401) -> HttpResponse:
    """The sign-in form, answering a request that needs a signed-in user."""
    context = {"form": AuthenticationForm(request), "next": request.get_full_path(), "gate": True}
    return render(request, "web/login.html", context, status=status)


def error_response(request: HttpRequest, status: int, message: str = "") -> HttpResponse:
    titles = {403: _("Not allowed"), 404: _("Not found")}
    explanations = {
        403: _("Your role may not do this. If you need to, ask an administrator."),
        404: _("There is nothing here, or it is outside the part of the organisation you cover."),
    }
    context = {"status": status, "title": titles.get(status, _("Error")), "explanation": explanations.get(status, message)}
    return render(request, "web/error.html", context, status=status)


def signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Gate a page: 401 with the sign-in form for anonymous users; 403/404 pages for the domain
    errors Forbidden and NotFound (and Django's PermissionDenied and Http404)."""

    @wraps(view)
    def page(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return login_response(request)
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return error_response(request, 403)
        except Http404:
            return error_response(request, 404)
        except DomainError as exc:
            if exc.status in (403, 404):
                return error_response(request, exc.status)
            raise

    return page


def get_in_scope(queryset: QuerySet, pk: int):
    """The row ``pk`` from a scoped queryset; 404 if it is missing or outside the scope."""
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


@dataclass
class Listing:
    """One page of a sorted list, with what the template needs to link to other pages and sorts."""

    page: Page
    sort: str
    total: int


def sorted_page(request: HttpRequest, qs: QuerySet, sorts: Mapping[str, str], default: str) -> Listing:
    """Order ``qs`` by the ``sort`` parameter ("name" or "-name", a key of ``sorts``, else
    ``default``) with the primary key breaking ties, and cut out page ``page`` of PAGE_SIZE rows."""
    sort = request.GET.get("sort") or default
    if sort.lstrip("-") not in sorts:
        sort = default
    descending = sort.startswith("-")
    field = sorts[sort.lstrip("-")]
    order = [f"-{field}", "-pk"] if descending else [field, "pk"]
    paginator = Paginator(qs.order_by(*order), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return Listing(page=page, sort=sort, total=paginator.count)


def cleaned_filters(form) -> dict:
    """The valid values of a filter form; a value that does not parse is ignored, not an error."""
    form.is_valid()
    return {name: value for name, value in getattr(form, "cleaned_data", {}).items() if value not in (None, "")}
