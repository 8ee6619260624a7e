"""Absolute links to agreements and milestones for e-mails, which have no request to resolve them against."""

from django import template

from projects.notifications import emails

register = template.Library()


@register.filter
def agreement_link(agreement) -> str:
    return emails.agreement_link(agreement.pk)


@register.filter
def milestone_link(milestone) -> str:
    return emails.milestone_link(milestone)
