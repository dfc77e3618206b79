"""Giving memory back between the steps of a large build.

Arrow's allocator keeps the pages it frees for its own later use. After a
step that worked on a million rows through Arrow (parsing a table, joining,
encoding the page's columns), those pages (hundreds of MB) would sit idle
while the next step, working through numpy and Python, takes more from the
system: the process's peak would be the sum of both. Each such step calls
:func:`release_unused_memory` when it is done.
"""

from __future__ import annotations

import pyarrow as pa


def release_unused_memory() -> None:
    """Return the memory Arrow's allocator holds but no longer uses to the system.

    Only freed pages go back; nothing in use is touched, so calling this is
    always safe, and cheap when there is nothing to give back.
    """
    pa.default_memory_pool().release_unused()
