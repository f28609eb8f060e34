"""The deliberation app's JSON API under /api/deliberation/. Every name starts with "api-deliberation-"."""

urlpatterns = []
