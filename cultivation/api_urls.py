"""The cultivation app's JSON API under /api/cultivation/. Every name starts with "api-cultivation-"."""

urlpatterns = []
