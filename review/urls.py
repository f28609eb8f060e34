"""The review app's pages: the public expert application, the expert's own pages, the office's
pool, draws and groups. Every name starts with "review-" (tests/review has the permission matrix)."""

from .urls_expert import urlpatterns as expert_patterns
from .urls_office import urlpatterns as office_patterns
from .urls_ranking import urlpatterns as ranking_patterns
from .urls_reports import urlpatterns as report_patterns
from .urls_scoring import urlpatterns as scoring_patterns
from .urls_selection import urlpatterns as selection_patterns

urlpatterns = expert_patterns + office_patterns + scoring_patterns + ranking_patterns + report_patterns + selection_patterns
