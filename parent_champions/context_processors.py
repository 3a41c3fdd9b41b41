"""Whether the header shows the "Champions" link; worked out only when a page asks for it."""

from django.utils.functional import SimpleLazyObject

from .selectors import shows_champions_link


def champions_nav(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"champions_link": SimpleLazyObject(lambda: shows_champions_link(user))}
