"""Office actions on big data: importing files, starting and resuming runs (all audited).

Deciding flags is screening.flag_decide. Who may do what: permissions.py.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from award_portal.audit import audit_record

from . import importer, screening, tasks
from .models import Run
from .permissions import can_import, can_run


def records_import(*, source, data: bytes, file_name: str, actor, accept_partial: bool = False):
    """Import one file (importer.import_file: the batch, its rows, an audit event). `actor=None`
    is a management command."""
    if actor is not None and not can_import(actor):
        raise PermissionDenied
    return importer.import_file(source=source, data=data, file_name=file_name, actor=actor,
                                accept_partial=accept_partial)


def records_import_queued(*, source, data: bytes, file_name: str, actor, accept_partial: bool = False):
    """Queue the import of an uploaded file: the batch row (status running) and the file, kept
    beside the uploads until a Celery task has imported it, so a large file never holds a web
    worker. Eager Celery (`make run`, tests) imports at once. Audited as queued, then as
    imported or refused by the importer."""
    if not can_import(actor):
        raise PermissionDenied
    batch = importer.new_batch(source=source, data=data, file_name=file_name, actor=actor)
    path = tasks.queued_import_path(batch.pk)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    audit_record(action="bigdata.import_queued", obj=batch, actor=actor,
                 after={"source": source.code, "file": batch.file_name, "bytes": len(data)})
    tasks.import_dispatch(batch_id=batch.pk, accept_partial=accept_partial)
    batch.refresh_from_db()
    return batch


def run_start(*, program, actor, kind=Run.Kind.SCREENING, reference_date=None, round=None,  # noqa: A002
              chunk_orgs: int | None = None, groups: int = screening.SCREENING_TYPE_GROUPS) -> Run:
    """Create a run (audited) and dispatch its chunks (a Celery chord; in-process when eager).
    A screening run of a `round` screens the round's applicants only (screening.run_create)."""
    if actor is not None and not can_run(actor):
        raise PermissionDenied
    run = screening.run_create(program=program, reference_date=reference_date, actor=actor, kind=kind,
                               round=round, chunk_orgs=chunk_orgs, groups=groups)
    tasks.run_dispatch(run)
    run.refresh_from_db()
    return run


def run_resume(*, run_id: int, actor) -> Run:
    """Re-dispatch the chunks of a run that did not finish (failed or interrupted).

    Side effects: an audit event (committed before the chunks are dispatched), the chunks' tasks.
    Raises Run.DoesNotExist for an unknown run."""
    if not can_run(actor):
        raise PermissionDenied
    with transaction.atomic():
        run = Run.objects.select_for_update().get(pk=run_id)
        audit_record(action=f"bigdata.{run.kind}_run_resumed", obj=run, actor=actor,
                     before={"status": run.status, "chunks_done": run.chunks_done},
                     after={"chunks_pending": run.chunks_total - run.chunks_done})
    tasks.run_dispatch(run)
    run.refresh_from_db()
    return run
