"""Every URL pattern in the URLconf, enumerated from the resolver (through every include), each
turned into a concrete path: path converters and regex groups are filled with the ids of
existing rows where the name says which row, else with a plausible value the pattern accepts.
A pattern that cannot be filled raises, so a new kind of pattern cannot be skipped silently."""

import re
import uuid
from dataclasses import dataclass

from django.urls import LocalePrefixPattern, URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern

ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
PLAUSIBLE = ["1", "x", "live", "latest", "abc-123", ""]


@dataclass(frozen=True)
class Walked:
    path: str
    view_name: str
    pattern: URLPattern


def _route_sample(route: str, values: dict) -> str:
    def fill(match):
        converter, name = match["converter"] or "str", match["name"]
        if name in values:
            return str(values[name])
        return {"int": "1", "uuid": str(uuid.UUID(int=1))}.get(converter, "x")

    return ROUTE_PARAMETER.sub(fill, route)


def _groups(regex: str):
    """(start, end, name, body) of each top-level group in a regular expression."""
    depth, start, escaped = 0, None, False
    for i, char in enumerate(regex):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "(":
            if depth == 0:
                start = i
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                inner = regex[start + 1 : i]
                named = re.match(r"\?P<(\w+)>", inner)
                name = named.group(1) if named else None
                body = inner[named.end() :] if named else inner
                yield start, i + 1, name, body


def _regex_sample(regex: str, values: dict) -> str:
    regex = regex.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    out, last = [], 0
    for start, end, name, body in _groups(regex):
        out.append(regex[last:start])
        candidates = ([str(values[name])] if name in values else []) + PLAUSIBLE
        sample = next((c for c in candidates if re.fullmatch(body, c)), None)
        if sample is None:
            raise ValueError(f"no sample value for group {body!r} in {regex!r}")
        out.append(sample)
        last = end
    out.append(regex[last:])
    text = "".join(out)
    text = text.replace(".*", "x").replace(".+", "x")
    return re.sub(r"\\(.)", r"\1", text)


def _sample(pattern, values: dict) -> str:
    if isinstance(pattern, RoutePattern):
        return _route_sample(str(pattern), values)
    if isinstance(pattern, RegexPattern):
        return _regex_sample(pattern.regex.pattern, values)
    if isinstance(pattern, LocalePrefixPattern):  # the page tree: in English, no prefix
        return pattern.language_prefix
    raise TypeError(f"unknown kind of URL pattern: {pattern!r}")


def _walk(resolver, prefix: str, namespaces: tuple, values: dict):
    for entry in resolver.url_patterns:
        here = prefix + _sample(entry.pattern, values)
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _walk(entry, here, inner, values)
        else:
            name = entry.name or entry.lookup_str
            yield "/" + here, ":".join([*namespaces, name]), entry


def every_url(values: dict) -> list[Walked]:
    """Each pattern with the path that reaches it. A path that resolves to another pattern
    (one shadowed by an earlier pattern, such as Wagtail's own sign-in page) is kept: it is
    what a visitor would reach with that address."""
    walked = []
    for path, view_name, pattern in _walk(get_resolver(), "", (), values):
        try:
            match = resolve(path)
        except Resolver404 as error:
            raise AssertionError(f"{path} (made for {view_name}) does not resolve") from error
        walked.append(Walked(path=path, view_name=match.view_name, pattern=pattern))
    return walked
