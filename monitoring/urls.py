"""The monitoring app's pages. Every name starts with "monitoring-" (tests/monitoring has the permission matrix)."""

urlpatterns = []
