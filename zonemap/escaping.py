"""The one escaping policy for text that reaches a page, a script or a file.

Titles, names, descriptions, sources and URLs come from users and from scraped
articles: they are data, never markup. Every renderer goes through these
functions:

* :func:`html_text` for text placed in HTML (element content or attribute
  values); it also neutralises the characters that break out of JavaScript
  template literals (backtick, ``$``, backslash), so the result stays inert
  even if a library later splices it into a script;
* :func:`script_json` for data embedded in an inline ``<script>``; the page's
  own JavaScript puts strings into the DOM with ``textContent`` only;
* :func:`safe_url` for links: only absolute ``http``/``https`` URLs survive,
  and links are rendered with ``rel="noopener noreferrer"``.
"""

from __future__ import annotations

import html
import json
import re
from urllib.parse import urlsplit

_TEMPLATE_BREAKERS = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_URL_FORBIDDEN = re.compile(r"[\x00-\x20\x7f<>\"'`\\]")

LINK_REL = "noopener noreferrer"


def clean_text(value: object) -> str:
    """Return ``value`` as a string without control characters (tabs and newlines kept)."""
    return _CONTROL.sub("", "" if value is None else str(value))


def html_text(value: object) -> str:
    """Escape text for HTML element content or a quoted attribute value.

    Parameters
    ----------
    value
        Any value; ``None`` gives an empty string.

    Returns
    -------
    str
        Text in which ``& < > " '`` and the template-literal characters
        ``` ` $ \\ { }`` are character references.

    Examples
    --------
    >>> html_text("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert(1)&gt;'
    """
    return html.escape(clean_text(value), quote=True).translate(_TEMPLATE_BREAKERS)


def script_json(data: object) -> str:
    """Serialise ``data`` as JSON that is safe inside an inline ``<script>``.

    ``<``, ``>``, ``&`` and the JavaScript line separators are written as
    ``\\uXXXX`` escapes, so no string can close the script element or start
    an HTML comment; keys are sorted for reproducible output.

    Parameters
    ----------
    data
        JSON-serialisable data (NaN and infinities are rejected).

    Returns
    -------
    str
        A JavaScript expression.
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, allow_nan=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


def safe_url(value: object) -> str | None:
    """Return ``value`` if it is an absolute http(s) URL fit for a link, else ``None``.

    Parameters
    ----------
    value
        A candidate URL.

    Returns
    -------
    str or None
        The URL unchanged, or ``None`` for other schemes (``javascript:``,
        ``data:``…), relative URLs, URLs without a host, or URLs containing
        spaces, quotes, angle brackets or control characters.
    """
    if not isinstance(value, str) or not value or len(value) > 2000 or _URL_FORBIDDEN.search(value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return value


def link_html(url: object, label: object) -> str:
    """An ``<a>`` element for a safe URL, or just the escaped label if the URL is not safe."""
    href = safe_url(url)
    if href is None:
        return html_text(label)
    return f'<a href="{html_text(href)}" target="_blank" rel="{LINK_REL}">{html_text(label)}</a>'
