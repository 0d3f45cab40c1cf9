"""Claims pages; each goes through the sign-in gate (distra.web.pages.signed_in)."""

from django.urls import path

from distra.claims import views
from distra.web.pages import signed_in


def page(route: str, view, name: str):
    return path(route, signed_in(view), name=name)


urlpatterns = [
    page("claims", views.claim_list, "claim-list"),
    page("claims/new", views.claim_create, "claim-create"),
    page("claims/<int:pk>", views.claim_detail, "claim-detail"),
    page("claims/<int:pk>/credit-note", views.credit_note, "claim-credit-note"),
    page("claims/<int:pk>/attachments/<int:attachment_id>", views.attachment_download, "claim-attachment"),
    page("claims/<int:pk>/<str:action>", views.claim_action, "claim-action"),
]
