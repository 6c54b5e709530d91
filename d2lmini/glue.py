"""Name a computed value so that the book's prose can quote it.

``d2l.glue("rare_ratio", ratio, display=False)`` in a notebook cell, and
:literal:`{glue:text}\\`rare_ratio:.1f\\`` in a Markdown cell, put the printed
value into the sentence when the book is built (myst-nb's *glue*), so the
text can never drift from what the code computed.

:func:`glue` sends the very display message that ``myst_nb.glue`` sends, so a
reader who runs the notebooks needs no myst-nb (and no Sphinx, which myst-nb
imports). One difference: a numpy scalar is glued as the Python number it
holds, so that ``{glue:text}`` can format it (numpy 2 prints
``np.float64(0.25)``, which is not a number to a format spec).
"""

from __future__ import annotations

from typing import Any

GLUE_PREFIX = "application/papermill.record/"
"""The MIME prefix of a glued value that is not displayed (myst-nb's ``GLUE_PREFIX``)."""


def glue(name: str, value: Any, display: bool = True) -> None:
    """Record ``value`` under ``name`` for ``{glue:text}`` and its kin; show it too if ``display``."""
    from IPython.core.formatters import format_display_data
    from IPython.display import display as ipy_display

    if not isinstance(name, str) or not name.strip():
        raise TypeError(f"name must be a non-empty string; got {name!r}")
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "shape", None) == ():
        value = item()  # a numpy scalar or 0-d array: its Python number
    mimebundle, metadata = format_display_data(value)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    ipy_display({prefix + key: data for key, data in mimebundle.items()}, raw=True, metadata=metadata)
