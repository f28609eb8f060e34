from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("programs", api.ProgramViewSet, basename="api-program")
router.register("rounds", api.RoundViewSet, basename="api-round")
router.register("applications", api.ApplicationViewSet, basename="api-application")

urlpatterns = router.urls
