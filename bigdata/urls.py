from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="bigdata-home"),
    path("imports/", views.import_upload, name="bigdata-import-upload"),
    path("imports/<int:pk>/", views.import_detail, name="bigdata-import"),
    path("runs/", views.run_start, name="bigdata-run-start"),
    path("runs/<int:pk>/", views.run_detail, name="bigdata-run"),
    path("runs/<int:pk>/progress/", views.run_progress, name="bigdata-run-progress"),
    path("runs/<int:pk>/resume/", views.run_resume, name="bigdata-run-resume"),
    path("flags/<int:pk>/", views.flag_detail, name="bigdata-flag"),
    path("flags/<int:pk>/decide/", views.flag_decide, name="bigdata-flag-decide"),
    path("organizations/<int:pk>/", views.organization_records, name="bigdata-organization"),
]
