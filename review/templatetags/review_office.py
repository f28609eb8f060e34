"""`{% review_round_links round %}`: the round dashboard's links to its draws and groups, for
those who may read the pool (the applications app knows nothing of the review app)."""

from django import template

from .. import permissions

register = template.Library()


@register.inclusion_tag("review/office/_dashboard_links.html", takes_context=True)
def review_round_links(context, rnd):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"round": rnd, "show": user is not None and permissions.can_read_pool(user)}
