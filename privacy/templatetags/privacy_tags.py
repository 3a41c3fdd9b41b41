"""`{% retention_schedule %}`: the retention schedule as a table, from the settings the schedule
enforces, for the privacy notice page (a page type of `cms`, which cannot import this app)."""

from django import template

from privacy.retention import schedule

register = template.Library()


@register.inclusion_tag("privacy/retention_schedule.html")
def retention_schedule():
    return {"periods": schedule()}
