"""The portal's settings for the page benchmark (benchmarks/page_bench.py): the project's own,
with a URL conf that adds a bare "hello" view (the throughput baseline) to the project's URLs.
Never used in production."""

from award_portal.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bench_urls"
