"""Every review URL has a row in one of the review matrices."""

import importlib

from django.urls import get_resolver

from tests.award_portal.test_permission_matrix import url_names

MODULES = ["tests.review.test_office_pages", "tests.review.test_expert_pages", "tests.review.test_api", "tests.review.test_ranking_pages",
           "tests.review.test_scoring_pages", "tests.review.test_site_visits_reports",
           "tests.review.test_selection_feedback"]


def test_every_review_url_is_in_a_matrix():
    names = {n for n in url_names(get_resolver()) if n.startswith(("review-", "api-review-"))}
    rows = set()
    for module in MODULES:
        try:
            rows |= set(importlib.import_module(module).MATRIX)
        except ModuleNotFoundError:
            continue
    assert sorted(names - rows) == []
    assert sorted(rows - names) == []
