"""Parts of templates kept rendered.

`{% shared_fragment "name" value … %}…{% endshared_fragment %}`: a part that is the same for
everyone, signed in or not, kept in the page cache as a fragment (`startwell.pagecache.fragment`),
so it is exactly as fresh as a cached page. The name and values make its key (with the host and
the language); they must name everything the part shows. Only for parts that show nothing of the
person asking (no forms, no CSRF token, no name) and never in a Wagtail preview, which shows a
draft: it is rendered afresh there.

`{% process_fragment "name" value … %}…{% endprocess_fragment %}`: a part of a signed-in page
kept in the worker process's own memory under a key of everything it shows (see the tag)."""

import secrets
import threading
import time
from collections import OrderedDict

from django import template
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from startwell import pagecache

register = template.Library()


class FragmentNode(template.Node):
    """A kept part: its body, and the name and values its key is made of."""

    def __init__(self, nodelist, parts):
        self.nodelist = nodelist
        self.parts = parts


def parse_fragment(parser, token, node_class: type[FragmentNode]) -> FragmentNode:
    """`{% tag "name" value … %}…{% endtag %}`, for either kind of kept part."""
    tag, *parts = token.split_contents()
    if not parts:
        raise template.TemplateSyntaxError(f"{tag} needs a name for its key")
    nodelist = parser.parse((f"end{tag}",))
    parser.delete_first_token()
    return node_class(nodelist, [parser.compile_filter(part) for part in parts])


class SharedFragmentNode(FragmentNode):
    def render(self, context):
        request = context.get("request")
        if request is None or getattr(request, "is_preview", False):
            return self.nodelist.render(context)
        key = "|".join(str(part.resolve(context)) for part in self.parts)
        return pagecache.fragment(request, "shared|" + key, lambda: self.nodelist.render(context))


@register.tag
def shared_fragment(parser, token):
    return parse_fragment(parser, token, SharedFragmentNode)


# What a process fragment holds in place of the CSRF token while it is kept: the token of the
# person asking is put in on every use.
_CSRF_STAND_IN = "csrf-stand-in-" + secrets.token_hex(16)


class KeptInProcess:
    """The process fragments, by key: the `size` used most recently, none unused for longer
    than `idle_seconds`. The ones least recently used come first, so those left unused too long
    are dropped from the front whenever one is kept or found: a family's row does not stay in a
    worker long after the family's booking changed or their account was deleted."""

    def __init__(self, size: int, idle_seconds: float, clock=time.monotonic):
        self.size = size
        self.idle_seconds = idle_seconds
        self._clock = clock
        # Key → (the HTML, when it was last used), least recently used first.
        self._kept: OrderedDict[tuple, tuple[str, float]] = OrderedDict()
        # The development server answers in threads.
        self._lock = threading.Lock()

    def get(self, key: tuple) -> str | None:
        with self._lock:
            now = self._clock()
            self._drop_unused(now)
            kept = self._kept.get(key)
            if kept is None:
                return None
            self._kept[key] = (kept[0], now)
            self._kept.move_to_end(key)
            return kept[0]

    def keep(self, key: tuple, html: str) -> None:
        with self._lock:
            self._kept[key] = (html, self._clock())
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)

    def _drop_unused(self, now: float) -> None:
        while self._kept:
            _html, used = next(iter(self._kept.values()))
            if now - used <= self.idle_seconds:
                return
            self._kept.popitem(last=False)

    def __len__(self) -> int:
        return len(self._kept)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


# The rows of some seventy registers of fifteen families: a day's sessions across a borough's
# centres. A row with its key takes at most about 16 KB (measured with tracemalloc on a register
# of fifteen families of two children), so a worker keeps at most about 16 MB. An hour covers
# a session from its first look to its last check-in.
process_fragments = KeptInProcess(size=1000, idle_seconds=3600)


class ProcessFragmentNode(FragmentNode):
    def render(self, context):
        token = context.get("csrf_token")
        if not token or str(token) == "NOTPROVIDED":
            return self.nodelist.render(context)
        key = (
            translation.get_language(),
            get_script_prefix(),
            *(part.resolve(context) for part in self.parts),
        )
        html = process_fragments.get(key)
        if html is None:
            with context.push(csrf_token=_CSRF_STAND_IN):
                html = str(self.nodelist.render(context))
            process_fragments.keep(key, html)
        # Rendered by the template engine, which escaped it; the token is escaped here.
        return mark_safe(html.replace(_CSRF_STAND_IN, conditional_escape(str(token))))  # noqa: S308  # nosec


@register.tag
def process_fragment(parser, token):
    """`{% process_fragment "name" value … %}…{% endprocess_fragment %}`: a part of a signed-in
    page kept rendered in the worker process's own memory, for a part that comes many times on
    a busy page (a register's families). The name and values make its key (with the language
    and the script prefix) and must name everything the part shows: a record's
    `startwell.fingerprints.fingerprint`, and each value of the page it reads. Values must be
    hashable, and are compared whole. Nothing is invalidated: what changes makes another key.

    Never in the shared cache, so a family's names stay in the process that showed them. Its
    forms work for everyone who sees it: the CSRF token is put in afresh each time."""
    return parse_fragment(parser, token, ProcessFragmentNode)
