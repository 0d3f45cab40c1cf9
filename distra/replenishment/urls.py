"""The replenishment pages, each behind ``signed_in`` like every page of the site."""

urlpatterns: list = []
