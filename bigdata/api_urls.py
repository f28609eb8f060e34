from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("imports", api.ImportBatchViewSet, basename="api-import")
router.register("runs", api.RunViewSet, basename="api-run")
router.register("flags", api.FlagViewSet, basename="api-flag")

urlpatterns = router.urls
