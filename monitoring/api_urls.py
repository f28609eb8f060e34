"""The monitoring app's JSON API under /api/monitoring/. Every name starts with "api-monitoring-"."""

urlpatterns = []
