"""The notices app's JSON API under /api/notices/. Every name starts with "api-notices-"."""

urlpatterns = []
