"""`{% review_round_links round %}`: the round dashboard's links to its draws, groups, rankings
and score statistics, each for those who may read it (the applications app knows nothing of the
review app)."""

from django import template

from .. import permissions

register = template.Library()


@register.inclusion_tag("review/office/_dashboard_links.html", takes_context=True)
def review_round_links(context, rnd):
    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = user is not None
    return {"round": rnd, "show": signed_in and permissions.can_read_pool(user),
            "ranking": signed_in and permissions.can_read_ranking(user),
            "statistics": signed_in and permissions.can_read_statistics(user)}
