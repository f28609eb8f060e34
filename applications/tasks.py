"""Celery tasks: thin, keyword-only ids, idempotent."""

import logging

from celery import shared_task

from .enums import Action
from .services import EligibilityClosed, eligibility_evaluate

log = logging.getLogger(__name__)


@shared_task(name="applications.evaluate_eligibility", autoretry_for=(Exception,), retry_backoff=True,
             max_retries=3)
def evaluate_eligibility_task(*, application_id: int) -> int:
    """Evaluate a recommended application's eligibility rules (re-running is harmless; an
    application that has left eligibility review in the meantime is left as it is)."""
    try:
        return len(eligibility_evaluate(application_id=application_id))
    except EligibilityClosed as exc:
        log.info("eligibility not evaluated: %s", exc.messages[0])
        return 0


def enqueue_eligibility_after_recommendation(application, change):
    """Transition hook: once an application is recommended, its rules run in the background."""
    if change.action == Action.RECOMMEND:
        evaluate_eligibility_task.delay(application_id=application.pk)
