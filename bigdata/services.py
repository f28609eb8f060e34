"""Office actions on big data: importing files and starting runs (both audited)."""

from django.core.exceptions import PermissionDenied

from award_portal.roles import is_office

from . import importer, screening, tasks
from .models import Run


def records_import(*, source, data: bytes, file_name: str, actor, accept_partial: bool = False):
    if actor is not None and not is_office(actor):
        raise PermissionDenied
    return importer.import_file(source=source, data=data, file_name=file_name, actor=actor,
                                accept_partial=accept_partial)


def run_start(*, program, actor, kind=Run.Kind.SCREENING, reference_date=None,
              chunk_orgs: int | None = None, groups: int = screening.SCREENING_TYPE_GROUPS) -> Run:
    """Create a run and dispatch its chunks (a Celery chord; in-process when eager)."""
    if actor is not None and not is_office(actor):
        raise PermissionDenied
    run = screening.run_create(program=program, reference_date=reference_date, actor=actor, kind=kind,
                               chunk_orgs=chunk_orgs, groups=groups)
    tasks.run_dispatch(run)
    run.refresh_from_db()
    return run


def run_resume(*, run_id: int, actor) -> Run:
    """Re-dispatch the chunks of a run that did not finish (failed or interrupted)."""
    if not is_office(actor):
        raise PermissionDenied
    run = Run.objects.get(pk=run_id)
    tasks.run_dispatch(run)
    run.refresh_from_db()
    return run
