"""Small inline SVG charts: the report is one file that opens from disk, with no scripts or fonts to fetch.

Every function returns SVG markup; text is escaped here, so callers may mark the result safe.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

PALETTE = ("#1f6feb", "#d97706", "#059669", "#9333ea", "#dc2626", "#0891b2", "#65a30d", "#db2777")
GRID = "#d0d7de"
INK = "#24292f"


def _svg(width: int, height: int, body: str, label: str) -> str:
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">{body}</svg>'


def interval_bar(mean: float | None, low: float | None, high: float | None, width: int = 160, height: int = 16) -> str:
    """A 0-100 scale with the 95% interval as a band and the mean as a tick."""
    if mean is None:
        return ""
    x = lambda v: 1 + (width - 2) * max(0.0, min(100.0, v)) / 100
    body = f'<rect x="1" y="{height // 2 - 1}" width="{width - 2}" height="2" fill="{GRID}"/>'
    if low is not None and high is not None:
        body += f'<rect x="{x(low):.1f}" y="3" width="{max(1.0, x(high) - x(low)):.1f}" height="{height - 6}" rx="2" fill="#9ecbff"/>'
    body += f'<rect x="{x(mean) - 1:.1f}" y="1" width="2.5" height="{height - 2}" fill="{INK}"/>'
    label = f"mean {mean:.1f}" + (f", 95% interval {low:.1f} to {high:.1f}" if low is not None and high is not None else ", no interval (one interaction)")
    return _svg(width, height, body, label)


def sparkline(points: Sequence[tuple[str, float]], width: int = 110, height: int = 22) -> str:
    """Daily values on a fixed 0-100 scale, last point marked; empty for no data."""
    if not points:
        return ""
    step = (width - 6) / max(1, len(points) - 1)
    coords = [(3 + i * step, height - 3 - (height - 6) * v / 100) for i, (_, v) in enumerate(points)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    body = f'<polyline points="{path}" fill="none" stroke="{PALETTE[0]}" stroke-width="1.5"/>'
    body += f'<circle cx="{coords[-1][0]:.1f}" cy="{coords[-1][1]:.1f}" r="2.5" fill="{PALETTE[0]}"/>'
    return _svg(width, height, body, f"{len(points)} days, from {points[0][1]:.1f} to {points[-1][1]:.1f}")


def line_chart(series: dict[str, list[tuple[str, float]]], dates: Sequence[str], width: int = 760, height: int = 260, y_label: str = "mean quality") -> str:
    """One line per series over `dates` (x), on a 0-100 y axis, with a legend."""
    left, right, top, bottom = 40, 150, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    x_of = {d: left + (plot_w * i / max(1, len(dates) - 1)) for i, d in enumerate(dates)}
    y = lambda v: top + plot_h * (1 - v / 100)
    body = ""
    for tick in range(0, 101, 25):
        body += f'<line x1="{left}" x2="{left + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="{GRID}"/>'
        body += f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11" fill="{INK}">{tick}</text>'
    for d in (dates[0], dates[len(dates) // 2], dates[-1]) if dates else ():
        body += f'<text x="{x_of[d]:.1f}" y="{height - 8}" text-anchor="middle" font-size="11" fill="{INK}">{escape(d)}</text>'
    body += f'<text x="4" y="{top + 4}" font-size="11" fill="{INK}" transform="rotate(90 4 {top + 4})">{escape(y_label)}</text>'
    for i, (name, points) in enumerate(sorted(series.items())):
        colour = PALETTE[i % len(PALETTE)]
        coords = [(x_of[d], y(v)) for d, v in points if d in x_of]
        if len(coords) > 1:
            body += f'<polyline points="{" ".join(f"{a:.1f},{b:.1f}" for a, b in coords)}" fill="none" stroke="{colour}" stroke-width="2"/>'
        for a, b in coords:
            body += f'<circle cx="{a:.1f}" cy="{b:.1f}" r="2.5" fill="{colour}"/>'
        legend_y = top + 14 + i * 18
        body += f'<rect x="{left + plot_w + 14}" y="{legend_y - 9}" width="10" height="10" fill="{colour}"/>'
        body += f'<text x="{left + plot_w + 30}" y="{legend_y}" font-size="12" fill="{INK}">{escape(name)}</text>'
    return _svg(width, height, body, f"{y_label} per day for {', '.join(sorted(series))}")


def quadrant_chart(points: list[dict[str, float | str]], frequency_split: float, complexity_split: float, width: int = 760, height: int = 380) -> str:
    """Contact reasons by volume (x) and complexity index (y), split into four labelled quadrants."""
    left, right, top, bottom = 48, 20, 20, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    max_x = max([float(p["interactions"]) for p in points] + [frequency_split]) * 1.15 or 1
    max_y = max([float(p["complexity"]) for p in points] + [complexity_split]) * 1.25 or 1
    x = lambda v: left + plot_w * v / max_x
    y = lambda v: top + plot_h * (1 - v / max_y)
    body = f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#f6f8fa" stroke="{GRID}"/>'
    body += f'<line x1="{x(frequency_split):.1f}" x2="{x(frequency_split):.1f}" y1="{top}" y2="{top + plot_h}" stroke="#8c959f" stroke-dasharray="4 3"/>'
    body += f'<line x1="{left}" x2="{left + plot_w}" y1="{y(complexity_split):.1f}" y2="{y(complexity_split):.1f}" stroke="#8c959f" stroke-dasharray="4 3"/>'
    corners = (
        (left + 6, top + 14, "start", "specialists"),
        (left + plot_w - 6, top + 14, "end", "fix the process"),
        (left + 6, top + plot_h - 6, "start", "self-service"),
        (left + plot_w - 6, top + plot_h - 6, "end", "automate"),
    )
    for cx, cy, anchor, label in corners:
        body += f'<text x="{cx}" y="{cy}" text-anchor="{anchor}" font-size="12" font-weight="600" fill="#57606a">{label}</text>'
    for i, p in enumerate(points):
        px, py = x(float(p["interactions"])), y(float(p["complexity"]))
        colour = PALETTE[i % len(PALETTE)]
        body += f'<circle cx="{px:.1f}" cy="{py:.1f}" r="7" fill="{colour}" fill-opacity="0.8"><title>{escape(str(p["contact_reason"]))}: {int(float(p["interactions"]))} interactions, complexity {float(p["complexity"]):.2f}</title></circle>'
        body += f'<text x="{px + 10:.1f}" y="{py + 4:.1f}" font-size="12" fill="{INK}">{escape(str(p["contact_reason"]))}</text>'
    body += f'<text x="{left + plot_w / 2:.0f}" y="{height - 8}" text-anchor="middle" font-size="12" fill="{INK}">interactions on the day (frequency)</text>'
    body += f'<text x="14" y="{top + plot_h / 2:.0f}" text-anchor="middle" font-size="12" fill="{INK}" transform="rotate(-90 14 {top + plot_h / 2:.0f})">complexity index</text>'
    return _svg(width, height, body, "contact reasons by frequency and complexity")
