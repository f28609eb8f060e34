"""The cultivation app's pages. Every name starts with "cultivation-" (tests/cultivation has the permission matrix)."""

urlpatterns = []
