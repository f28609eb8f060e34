"""The notices app's pages. Every name starts with "notices-" (tests/notices has the permission matrix)."""

urlpatterns = []
