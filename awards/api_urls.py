"""The awards app's JSON API under /api/awards/. Every name starts with "api-awards-"."""

urlpatterns = []
