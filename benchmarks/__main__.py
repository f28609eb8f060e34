"""`make bench`: big-data import and screening at scale, on PostgreSQL.

BENCH_SCALE=small runs 5,000 organisations / 200,000 records; the default (full) runs the
issue's 100,000 organisations / 10,000,000 records. Then the review's expert groups
(review_bench: 1,000 experts × 500 applications and 5,000 × 2,000; small: 200 × 100 and
1,000 × 400), the review's aggregation (aggregation_bench, no database), and the scoring page's
throughput under gunicorn (page_bench, a database of its own) and the public notice page's
(notice_bench, against the same hello view). BENCH_ONLY=bigdata, review, aggregation, pages or
notices runs one of them. The benchmark uses its own
database (award_bench, dropped and re-created) so it never touches real data.
"""

import os
import secrets
import sys

SCALES = {"small": (5_000, 200_000), "medium": (20_000, 1_000_000), "full": (100_000, 10_000_000)}


def main():
    scale = os.environ.get("BENCH_SCALE", "full")
    if scale not in SCALES:
        sys.exit(f"BENCH_SCALE must be one of {', '.join(SCALES)}")
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL",
                                                "postgres://postgres@127.0.0.1:5432/award_bench")
    workers = int(os.environ.get("BENCH_WORKERS", "2"))
    if workers:
        # Screening and evaluation run as in production: a chord of chunk tasks on real Celery
        # workers through Redis (a database number of its own).
        os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    else:
        os.environ.pop("REDIS_URL", None)  # chunks run in this process, one after the other
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # weak keys are refused with DEBUG off
    os.environ.setdefault("AUDIT_HMAC_KEY", secrets.token_urlsafe(50))  # required with DEBUG off too
    os.environ.setdefault("PORTAL_BASE_URL", "http://127.0.0.1:8000")  # links in e-mails; required with DEBUG off
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "award_portal.settings")
    only = os.environ.get("BENCH_ONLY", "")
    if only not in ("", "bigdata", "review", "aggregation", "pages", "notices", "monitoring"):
        sys.exit("BENCH_ONLY must be bigdata, review, aggregation, pages, notices or monitoring")
    from . import aggregation_bench, bigdata_bench, notice_bench, page_bench, review_bench

    if only == "monitoring":
        from . import monitoring_bench

        monitoring_bench.run(scale)  # a database of its own
        return

    if only == "notices":
        notice_bench.run(scale)  # gunicorn in child processes, on a database of its own
        return

    if only == "pages":
        page_bench.run(scale)  # gunicorn in child processes, on a database of its own
        return

    if only in ("", "aggregation"):
        aggregation_bench.run(scale)  # synthetic arrays, no database
        if only:
            return

    if only != "review":
        bigdata_bench.run(*SCALES[scale], scale=scale)
    if only != "bigdata":
        review_bench.run(scale=scale, fresh=only == "review")
    if not only:
        page_bench.run(scale)
        notice_bench.run(scale)


if __name__ == "__main__":
    main()
