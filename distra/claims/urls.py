"""Claims pages; each goes through the sign-in gate (distra.web.pages.signed_in)."""

urlpatterns: list = []
