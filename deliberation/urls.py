"""The deliberation app's pages. Every name starts with "deliberation-" (tests/deliberation has the permission matrix)."""

urlpatterns = []
