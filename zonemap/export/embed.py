"""A fragment that embeds the interactive map in another page (a CMS, a static site)."""

from __future__ import annotations

import html

from ..escaping import html_text

EMBED_ASPECT_RATIO = (4, 3)


def embed_snippet(page_html: str, title: str, file_name: str) -> str:
    """An HTML fragment that embeds the map responsively in another page.

    The fragment holds the whole self-contained map in an ``<iframe srcdoc>``
    (sandboxed: scripts run inside the frame, isolated from the host page),
    100% wide with a fixed aspect ratio, plus a plain link to the HTML file
    for readers whose CMS strips iframes. It contains no script of its own.

    Parameters
    ----------
    page_html
        The self-contained map page.
    title
        Accessible title of the frame.
    file_name
        Name of the HTML file, for the fallback link.

    Returns
    -------
    str
    """
    width, height = EMBED_ASPECT_RATIO
    srcdoc = html.escape(page_html, quote=True)
    return (
        f'<figure class="zonemap-embed" style="margin:0;width:100%;max-width:100%">\n'
        f'<div style="position:relative;width:100%;height:0;padding-top:{100 * height / width:.4f}%;overflow:hidden">\n'
        f'<iframe title="{html_text(title)}" loading="lazy" sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"'
        f' referrerpolicy="no-referrer" style="position:absolute;top:0;left:0;width:100%;height:100%;border:0"'
        f' srcdoc="{srcdoc}"></iframe>\n</div>\n'
        f'<figcaption style="font:12px sans-serif"><a href="{html_text(file_name)}">{html_text(title)}</a>'
        f" (open the map full-screen)</figcaption>\n</figure>\n"
    )
