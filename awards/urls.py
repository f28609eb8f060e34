"""The awards app's pages. Every name starts with "awards-" (tests/awards has the permission matrix)."""

urlpatterns = []
