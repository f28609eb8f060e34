"""The recommending authority endorses (with opinion and stamped form) or returns an application.

Where a program has no recommending authorities the office takes this part (see the
transition table); it then records no `Recommendation` row and needs no stamped form.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from award_portal.roles import Role

from .drafts import attachment_add
from .enums import Action
from .models import Application, Attachment, Recommendation
from .workflow import RECOMMEND_OWNER, RETURN_OWNER, acting_role, application_transition, check_transition


def _lock(application_id):
    return (Application.objects.select_for_update(of=("self",))
            .select_related("round__program", "recommender", "organization").get(pk=application_id))


@transaction.atomic
def recommendation_endorse(*, application_id: int, actor, opinion: str, stamped_form=None) -> Application:
    application = _lock(application_id)
    transition = check_transition(application, Action.RECOMMEND, actor, owner=RECOMMEND_OWNER)  # refuse before storing any file
    if not opinion.strip():
        raise ValidationError(_("Write the recommendation opinion."))
    if acting_role(transition, application, actor) == Role.RECOMMENDER:
        if stamped_form is None:
            raise ValidationError(_("Upload the stamped recommendation form."))
        form = attachment_add(application_id=application.pk, actor=actor, upload=stamped_form,
                              kind=Attachment.Kind.RECOMMENDATION_FORM,
                              description=_("Stamped recommendation form"))
        Recommendation.objects.create(application=application, recommender=application.recommender,
                                      outcome=Recommendation.Outcome.ENDORSED, opinion=opinion.strip(),
                                      form=form, decided_by=actor)
    return application_transition(application_id=application.pk, action=Action.RECOMMEND, actor=actor,
                                  reason=opinion.strip(), owner=RECOMMEND_OWNER)


@transaction.atomic
def recommendation_return(*, application_id: int, actor, reason: str) -> Application:
    """Return for revision: the draft becomes editable again and keeps its history."""
    application = _lock(application_id)
    transition = check_transition(application, Action.RETURN, actor, owner=RETURN_OWNER, reason=reason)
    if acting_role(transition, application, actor) == Role.RECOMMENDER:
        Recommendation.objects.create(application=application, recommender=application.recommender,
                                      outcome=Recommendation.Outcome.RETURNED, opinion=reason.strip(),
                                      decided_by=actor)
    return application_transition(application_id=application.pk, action=Action.RETURN, actor=actor,
                                  reason=reason.strip(), owner=RETURN_OWNER)
