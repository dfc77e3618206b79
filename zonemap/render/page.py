"""Making a rendered folium page self-contained and reproducible.

folium writes ``<script src>`` and ``<link href>`` tags pointing at CDNs, and
gives every element a random id. For a map that must open on an air-gapped
machine, and that must be byte-identical across builds, this module

* inlines each script and stylesheet from the installed ``folium-offline``
  package (``offlinefolium``), which carries folium 0.20's assets keyed by
  the CDN URLs folium writes, with images and fonts as data URLs;
* (with :func:`number_elements`, before rendering) replaces branca's random
  element ids with sequential ones;
* fails loudly if anything in the page would still be fetched from the
  network on load.

Online tile URLs are not markup: Leaflet requests them from JavaScript, only
when a tile layer was asked for, and the page works without them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from branca.element import Element

from ..errors import OfflineAssetError

_SCRIPT_TAG = re.compile(r'<script\s+src="(?P<url>[^"]+)"\s*>\s*</script>', re.IGNORECASE)
_STYLESHEET_TAG = re.compile(r'<link\s+rel="stylesheet"\s+href="(?P<url>[^"]+)"\s*/?>', re.IGNORECASE)
_FETCHING_MARKUP = [
    re.compile(r'<(?:script|img|iframe|embed|source|audio|video|input)\b[^>]*?\bsrc\s*=\s*["\']?(?P<url>[^"\'\s>]+)', re.IGNORECASE),
    re.compile(r'<link\b[^>]*?\bhref\s*=\s*["\']?(?P<url>[^"\'\s>]+)', re.IGNORECASE),
    re.compile(r'<object\b[^>]*?\bdata\s*=\s*["\']?(?P<url>[^"\'\s>]+)', re.IGNORECASE),
]
_FETCHING_CSS = [
    re.compile(r'url\(\s*["\']?(?P<url>[^"\')\s]+)', re.IGNORECASE),
    re.compile(r'@import\s+["\'](?P<url>[^"\']+)', re.IGNORECASE),
]
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(?P<css>.*?)</style>", re.IGNORECASE | re.DOTALL)
_STYLE_ATTRIBUTE = re.compile(r"""<[a-z][^>]*?\bstyle\s*=\s*(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)')""", re.IGNORECASE)


@lru_cache(maxsize=1)
def _assets() -> dict[str, str]:
    """folium-offline's asset contents by CDN URL (imported on first use: the module is large)."""
    from offlinefolium.elements import _res

    return dict(_res)


def _inline_script(code: str) -> str:
    # A literal "</script" inside the code would end the element early.
    return "<script>" + re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE) + "</script>"


def _inline_style(css: str) -> str:
    return "<style>" + re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE) + "</style>"


def inline_assets(html: str) -> str:
    """Replace CDN ``<script src>`` and stylesheet ``<link>`` tags with inline copies.

    Parameters
    ----------
    html
        A page rendered by folium.

    Returns
    -------
    str
        The page with every script and stylesheet that folium-offline knows
        inlined; unknown URLs are left for :func:`assert_offline` to report.
    """
    assets = _assets()

    def script(match: re.Match) -> str:
        code = assets.get(match["url"])
        return match[0] if code is None else _inline_script(code)

    def style(match: re.Match) -> str:
        css = assets.get(match["url"])
        return match[0] if css is None else _inline_style(css)

    return _STYLESHEET_TAG.sub(style, _SCRIPT_TAG.sub(script, html))


def _without_scripts(html: str) -> str:
    """The page minus inline script bodies: URLs inside JavaScript strings are not fetched by markup."""
    return re.sub(r"(<script\b[^>]*>).*?(</script>)", r"\1\2", html, flags=re.IGNORECASE | re.DOTALL)


def external_urls(html: str) -> list[str]:
    """Every URL the page's markup or styles would fetch on load.

    Looks at ``src`` of scripts, images, frames and media, ``href`` of
    ``<link>`` elements, ``data`` of objects, CSS ``url()`` and ``@import``.
    Data URLs and in-page references (``#...``) are not fetches; links the
    reader clicks (``<a href>``) are not either.

    Parameters
    ----------
    html
        A page.

    Returns
    -------
    list of str
        Sorted, unique.
    """
    markup = _without_scripts(html)
    # Escaped text such as "url(javascript:…)" in a description is not CSS: look only in stylesheets.
    css = [m["css"] for m in _STYLE_BLOCK.finditer(markup)]
    css += [m["double"] or m["single"] or "" for m in _STYLE_ATTRIBUTE.finditer(markup)]
    candidates = [m["url"] for pattern in _FETCHING_MARKUP for m in pattern.finditer(markup)]
    candidates += [m["url"] for pattern in _FETCHING_CSS for block in css for m in pattern.finditer(block)]
    return sorted({url for url in candidates if not url.lower().startswith(("data:", "#", "about:"))})


def assert_offline(html: str, allow: Iterable[str] = ()) -> None:
    """Raise if the page would fetch anything from the network on load.

    Parameters
    ----------
    html
        A page.
    allow
        URLs that may stay.

    Raises
    ------
    OfflineAssetError
        Listing the URLs.
    """
    remaining = [url for url in external_urls(html) if url not in set(allow)]
    if remaining:
        raise OfflineAssetError(
            "the page would load these from the network, and zonemap has no offline copy of them: " + ", ".join(remaining)
        )


def number_elements(root: Element) -> None:
    """Give every element of a folium/branca tree a sequential id.

    branca names elements ``<kind>_<32 random hex digits>``; numbering them in
    tree order instead makes the same inputs render the same page, byte for
    byte. Call it on the figure just before rendering.

    Parameters
    ----------
    root
        Usually ``folium.Map.get_root()``.
    """
    counter = 0
    stack = [root]
    while stack:
        element = stack.pop()
        counter += 1
        element._id = str(counter)
        stack.extend(reversed(list(element._children.values())))
        for part in ("header", "html", "script"):
            child = getattr(element, part, None)
            if isinstance(child, Element) and child is not element:
                stack.append(child)


def finalize_page(html: str) -> str:
    """Inline assets, and check that nothing is left to fetch.

    Parameters
    ----------
    html
        A page rendered by folium.

    Returns
    -------
    str
        The self-contained page.

    Raises
    ------
    OfflineAssetError
        If some asset could not be inlined.
    """
    page = inline_assets(html)
    assert_offline(page)
    return page
