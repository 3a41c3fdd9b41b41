"""`{% shared_fragment "name" value … %}…{% endshared_fragment %}`: a part of a template that is
the same for everyone, signed in or not, kept in the page cache as a fragment
(`startwell.pagecache.fragment`), so it is exactly as fresh as a cached page. The name and values
make its key (with the host and the language); they must name everything the part shows.

Only for parts that show nothing of the person asking (no forms, no CSRF token, no name) and
never in a Wagtail preview, which shows a draft: it is rendered afresh there."""

from django import template

from startwell import pagecache

register = template.Library()


class SharedFragmentNode(template.Node):
    def __init__(self, nodelist, parts):
        self.nodelist = nodelist
        self.parts = parts

    def render(self, context):
        request = context.get("request")
        if request is None or getattr(request, "is_preview", False):
            return self.nodelist.render(context)
        key = "|".join(str(part.resolve(context)) for part in self.parts)
        return pagecache.fragment(request, "shared|" + key, lambda: self.nodelist.render(context))


@register.tag
def shared_fragment(parser, token):
    parts = token.split_contents()[1:]
    if not parts:
        raise template.TemplateSyntaxError("shared_fragment needs a name for its key")
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    return SharedFragmentNode(nodelist, [parser.compile_filter(part) for part in parts])
