"""Celery tasks for runs: thin wrappers around screening.py / evaluation.py.

A run fans out one task per chunk (independent, idempotent, retried with back-off) and fans in
to `finish_run_task`, which checks the database rather than trusting the chord's results.
"""

from celery import chord, shared_task
from django.conf import settings

from . import evaluation, screening
from .models import Run, RunChunk


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
