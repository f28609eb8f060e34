"""Celery tasks: thin, keyword-only ids, idempotent."""

from celery import shared_task

from .services import eligibility_evaluate


@shared_task(name="applications.evaluate_eligibility", autoretry_for=(Exception,), retry_backoff=True,
             max_retries=3)
def evaluate_eligibility_task(*, application_id: int) -> int:
    """Evaluate a recommended application's eligibility rules (re-running is harmless)."""
    return len(eligibility_evaluate(application_id=application_id))


def enqueue_eligibility_after_recommendation(application, change):
    """Transition hook: once an application is recommended, its rules run in the background."""
    from .enums import Action

    if change.action == Action.RECOMMEND:
        evaluate_eligibility_task.delay(application_id=application.pk)
