"""Celery tasks for imports and runs: thin wrappers around importer.py, screening.py and evaluation.py.

A run fans out one task per chunk (independent, idempotent, retried with back-off) and fans in
to `finish_run_task`, which checks the database rather than trusting the chord's results.
"""

from pathlib import Path

from celery import chord, shared_task
from django.conf import settings
from django.db import transaction

from . import evaluation, importer, screening
from .models import ImportBatch, Run, RunChunk

#: An import may take minutes (10 million rows: about a minute here); past this it is stopped.
IMPORT_TIME_LIMIT_S = 60 * 60


def queued_import_path(batch_id: int) -> Path:
    """Where an uploaded file waits for its import: with the uploads (shared by web and workers)."""
    return Path(settings.MEDIA_ROOT) / "imports" / f"{batch_id}.upload"


@shared_task(name="bigdata.import_batch", acks_late=True, time_limit=IMPORT_TIME_LIMIT_S + 60,
             soft_time_limit=IMPORT_TIME_LIMIT_S)
def import_batch_task(*, batch_id: int, accept_partial: bool = False) -> str:
    """Import a queued file into its batch, then remove the file. A batch that is no longer
    running (a redelivered task) is left as it is."""
    batch = ImportBatch.objects.select_related("source", "imported_by").get(pk=batch_id)
    path = queued_import_path(batch_id)
    if batch.status != ImportBatch.Status.RUNNING or not path.exists():
        return batch.status
    try:
        batch = importer.import_file(source=batch.source, data=path.read_bytes(), file_name=batch.file_name,
                                     actor=batch.imported_by, accept_partial=accept_partial, batch=batch)
    finally:
        path.unlink(missing_ok=True)
    return batch.status


def import_dispatch(*, batch_id: int, accept_partial: bool):
    """Eager: import now. Otherwise once the batch row is committed, so the worker finds it."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return import_batch_task.apply(kwargs={"batch_id": batch_id, "accept_partial": accept_partial})
    transaction.on_commit(lambda: import_batch_task.delay(batch_id=batch_id, accept_partial=accept_partial))
    return None


@shared_task(name="bigdata.run_chunk", bind=True, max_retries=3, acks_late=True)
def run_chunk_task(self, *, chunk_id: int) -> int:
    chunk = RunChunk.objects.select_related("run").get(pk=chunk_id)
    work = screening.screen_chunk if chunk.run.kind == Run.Kind.SCREENING else evaluation.evaluate_chunk
    try:
        return work(chunk_id=chunk_id)
    except Exception as exc:
        screening.chunk_failed(chunk_id=chunk_id, error=f"{exc.__class__.__name__}: {exc}")
        if settings.CELERY_TASK_ALWAYS_EAGER:
            return 0  # the finaliser reports the failed chunk; the office can resume the run
        raise self.retry(exc=exc, countdown=2 ** self.request.retries) from exc


@shared_task(name="bigdata.finish_run")
def finish_run_task(_results=None, *, run_id: int) -> str:
    return screening.run_finish(run_id=run_id).status


def run_dispatch(run: Run):
    """Start (or resume) a run's unfinished chunks; the last one to finish calls the finaliser."""
    if run.kind == Run.Kind.SCREENING:
        screening.rematch_records()
    chunk_ids = list(run.chunks.exclude(status=RunChunk.Status.DONE).values_list("id", flat=True))
    Run.objects.filter(pk=run.pk).update(status=Run.Status.RUNNING, message="", message_code="", message_params={})
    if settings.CELERY_TASK_ALWAYS_EAGER:
        for chunk_id in chunk_ids:
            run_chunk_task.apply(kwargs={"chunk_id": chunk_id})
        return finish_run_task.apply(kwargs={"run_id": run.pk})
    header = [run_chunk_task.si(chunk_id=chunk_id) for chunk_id in chunk_ids]
    return chord(header)(finish_run_task.s(run_id=run.pk))
