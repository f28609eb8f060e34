"""Uploads are imported by a Celery task, not in the web request: a large file never holds a web
worker (and gunicorn's timeout) while it is parsed and loaded."""

import pytest
from django.test import override_settings

from bigdata.models import ImportBatch, PublicRecord
from bigdata.tasks import import_batch_task, queued_import_path

from ..applications.factories import make_org
from .support import load_programs, source
from .test_bigdata_views_api import client_for, penalty_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_upload_is_queued_then_imported_by_the_worker(office, media, django_capture_on_commit_callbacks,
                                                      monkeypatch):
    load_programs()
    org = make_org()
    sent = []
    monkeypatch.setattr(import_batch_task, "delay", lambda **kwargs: sent.append(kwargs))

    with override_settings(CELERY_TASK_ALWAYS_EAGER=False), django_capture_on_commit_callbacks(execute=True):
        response = client_for(office).post("/bigdata/imports/", {"source": source("gov-penalty").pk,
                                                                 "file": penalty_upload(org)}, follow=True)

    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.RUNNING and not PublicRecord.objects.exists()
    assert sent == [{"batch_id": batch.pk, "accept_partial": False}]
    assert queued_import_path(batch.pk).exists()
    body = response.content.decode()
    assert 'http-equiv="refresh"' in body  # the report page waits for the worker

    assert import_batch_task.apply(kwargs=sent[0]).get() == ImportBatch.Status.IMPORTED

    batch.refresh_from_db()
    assert (batch.status, batch.rows_imported) == (ImportBatch.Status.IMPORTED, 1)
    assert not queued_import_path(batch.pk).exists()
    # A redelivered task finds the batch done and imports nothing twice.
    assert import_batch_task.apply(kwargs=sent[0]).get() == ImportBatch.Status.IMPORTED
    assert PublicRecord.objects.count() == 1


def test_api_answers_202_while_the_worker_imports(office, media, monkeypatch):
    load_programs()
    monkeypatch.setattr(import_batch_task, "delay", lambda **kwargs: None)

    with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
        response = client_for(office).post("/api/bigdata/imports/", {"source": "gov-penalty",
                                                                     "file": penalty_upload(make_org())})

    assert response.status_code == 202
    assert response.json()["status"] == "running"
