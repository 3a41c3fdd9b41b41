"""The data allauth's passkey script reads when the page loads. It is a JSON data block (never
run as script, so the Content-Security-Policy has nothing to allow), written here rather than in
the template so that our templates hold no `<script>` element without a `src`."""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# As Django's json_script: nothing in the data can close the element or start markup.
JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def allauth_onload(function: str, **ids):
    data = json.dumps({"ids": ids}).translate(JSON_ESCAPES)
    return format_html(
        '<script data-allauth-onload="{}" type="application/json">{}</script>',
        function,
        # <, > and & are escaped above, as json_script does, so the data cannot leave the element.
        mark_safe(data),  # noqa: S308  # nosec
    )
