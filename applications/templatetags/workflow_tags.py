"""`{% transition_verb "recommend" %}`: the button label of a transition (applications.workflow),
for the buttons of the forms that run an owned transition (submit, recommend, return)."""

from django import template

from applications.workflow import TRANSITIONS

register = template.Library()


@register.simple_tag
def transition_verb(action):
    return TRANSITIONS[action].verb
