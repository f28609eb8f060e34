from django.urls import path

from . import views

urlpatterns = [
    path("programs/", views.programs, name="programs"),
    path("results/", views.results, name="results"),
    path("rounds/", views.round_list, name="round-list"),
    path("rounds/<int:pk>/", views.round_dashboard, name="round-dashboard"),
    path("rounds/<int:pk>/advance/", views.round_advance, name="round-advance"),
    path("applications/", views.application_list, name="application-list"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("applications/<int:pk>/transition/", views.application_transition, name="application-transition"),
]
