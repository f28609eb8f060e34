"""`{% my_site_visits as visits %}`: the site visits of the signed-in expert's site groups (for
the expert's home)."""

from django import template

from ..site_visits import visits_for_expert

register = template.Library()


@register.simple_tag(takes_context=True)
def my_site_visits(context):
    request = context.get("request")
    return list(visits_for_expert(getattr(request, "user", None)))
