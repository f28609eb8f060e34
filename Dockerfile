# The portal image: web (gunicorn), Celery worker and Celery beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=award_portal.settings \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media \
    AWARD_VAR_DIR=/data/var

# WeasyPrint's libraries; a CJK font (without it every Chinese character becomes a box);
# harfbuzz-subset (without it each PDF takes 15-30 s); gettext for compilemessages.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first (cached while only the code changes): the project installs no packages
# of its own, the code runs from /app.
COPY pyproject.toml ./
RUN pip install .

COPY . .

# Build-time only: collectstatic needs settings, and settings refuse to load without a strong
# key; no key is baked into the image, the build says it is a throwaway setup instead.
RUN AWARD_ALLOW_INSECURE_KEY=1 DATABASE_URL= REDIS_URL= \
      python manage.py compilemessages --ignore=.venv --ignore=var \
 && AWARD_ALLOW_INSECURE_KEY=1 DATABASE_URL= REDIS_URL= \
      python manage.py collectstatic --noinput -v 0 \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin award \
 && mkdir -p /data/media /data/var /data/audit-anchors \
 && chown -R award:award /data

USER award
EXPOSE 8000

# --timeout 60: the slowest request is the application PDF, about 5 s at the largest size the form
# allows (0.75 s for the demo's largest), so a worker silent for 60 s is stuck and is replaced
# rather than holding its slot (gunicorn's default, 30 s, would leave a slow disk little margin;
# imports and screening run on Celery, never in a request). --graceful-timeout 30 lets requests
# under way finish on a restart.
CMD ["gunicorn", "award_portal.wsgi:application", "-b", "0.0.0.0:8000", "--workers", "2", \
     "--timeout", "60", "--graceful-timeout", "30", "--access-logfile", "-"]
