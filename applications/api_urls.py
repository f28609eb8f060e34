from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("programs", api.ProgramViewSet, basename="program")
router.register("rounds", api.RoundViewSet, basename="round")
router.register("applications", api.ApplicationViewSet, basename="application")

urlpatterns = router.urls
