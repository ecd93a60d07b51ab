"""Small inline SVG line charts of a figure across nights: markup only, no script, no
external resource, so a page under a strict Content-Security-Policy can show them."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT, PAD = 120, 28, 3


def sparkline(values: Sequence[float | None], *, label: str, drifted: bool = False) -> str:
    """An <svg> of `values` in order (None: a night without the figure), the last point marked."""
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    title = f"<title>{escape(label)}: {_summary(points)}</title>"
    if not points:
        return f'<svg class="spark" width="{WIDTH}" height="{HEIGHT}" role="img">{title}</svg>'
    low, high = min(v for _, v in points), max(v for _, v in points)
    span = (high - low) or 1.0
    step = (WIDTH - 2 * PAD) / max(1, len(values) - 1)

    def xy(index: int, value: float) -> tuple[float, float]:
        return PAD + index * step, HEIGHT - PAD - (value - low) / span * (HEIGHT - 2 * PAD)

    coords = [xy(i, v) for i, v in points]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    last_x, last_y = coords[-1]
    state = "drift" if drifted else "steady"
    return (
        f'<svg class="spark {state}" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img">{title}'
        f'<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="{line}"/>'
        f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="2.5" fill="currentColor"/></svg>'
    )


def _summary(points: list[tuple[int, float]]) -> str:
    if not points:
        return "no data"
    values = [v for _, v in points]
    return f"{len(values)} nights, last {values[-1]:.2f}, range {min(values):.2f}-{max(values):.2f}"
