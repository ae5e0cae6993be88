"""naql (نقل, "transmission"): trace how a news story travels between outlets."""

import os as _os

__version__ = "0.1.0"

_DEFRAG = "/sys/kernel/mm/transparent_hugepage/defrag"


def huge_pages_stall(defrag: str = _DEFRAG) -> bool:
    """Whether the kernel compacts memory on the spot, at the first touch, for a region that
    asks for transparent huge pages (``defrag`` mode ``always``, ``madvise`` or
    ``defer+madvise``: the last two are the usual defaults)."""
    try:
        with open(defrag, encoding="ascii") as modes:
            text = modes.read()
    except OSError:  # not Linux, or no transparent huge pages
        return False
    chosen = text[text.find("[") + 1 : text.find("]")] if "[" in text else ""
    return chosen in ("always", "madvise", "defer+madvise")


# numpy asks the kernel for huge pages for every array of 4 MB or more (madvise), and where
# the kernel then compacts memory on the spot, first touching a fresh array stalls: 100 MB
# took 1.2 s here against 0.045 s without, and the full SaudiNewsNet trace, whose stages make
# and drop arrays by the hundred megabytes, ran in 25.5-26.4 s against 23.5-24.2 s. numpy
# reads its switch when it is first imported, so this works where naql is imported first
# (its command, its benchmarks, the workers); a value the user set is kept, and an empty one,
# on which numpy's import fails, taken as none.
if not _os.environ.get("NUMPY_MADVISE_HUGEPAGE"):
    if huge_pages_stall():
        _os.environ["NUMPY_MADVISE_HUGEPAGE"] = "0"
    else:
        _os.environ.pop("NUMPY_MADVISE_HUGEPAGE", None)
