"""A drawn matplotlib figure as bytes: a quick PNG for the notebook twins, a reproducible SVG for the book."""

from __future__ import annotations

import io
from typing import Any


def canvas_png(canvas: Any) -> bytes:
    """What ``canvas`` (Agg, already drawn) shows, as a lightly compressed RGB PNG (fast to encode on every change)."""
    from PIL import Image

    width, height = canvas.get_width_height()
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def figure_svg(figure: Any) -> bytes:
    """``figure`` as SVG in the book style, with no date in it, so the same figure gives the same bytes."""
    from .style import book_style

    buffer = io.BytesIO()
    with book_style():
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()
