"""Writing a flowchart layout as one self-contained, accessible SVG document.

Only presentation attributes are used (no ``<style>``, no ids but the two that
``aria-labelledby`` needs), so the SVG can be inlined in a page without its
rules leaking into the page. Every text passes through ``escape``/``quoteattr``.
Groups carry ``data-step`` / ``data-transition`` so that a page can highlight a case's state.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import gettext as _

from sanxiang.procedures.definitions.types import Procedure, Transition
from sanxiang.procedures.flowchart.labels import gate_label, gate_marker, step_label
from sanxiang.procedures.flowchart.layout import (
    BOX_PAD_X,
    BOX_PAD_Y,
    LABEL_PAD,
    LABEL_SIZE,
    LINE_HEIGHT,
    LOOP_H,
    LOOP_STEP,
    LOOP_W,
    MARKER_SIZE,
    SMALL_SIZE,
    START_R,
    TITLE_SIZE,
    Edge,
    Label,
    Layout,
    Node,
    flowchart_layout,
)
from sanxiang.procedures.flowchart.text import text_width, wrap

FONT_FAMILY = '"Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif'
MARGIN = 16.0
LEGEND_GAP = 28.0
INK, MUTED, BRAND, GATE_INK = "#1f2933", "#52606d", "#0b4f8a", "#a15c00"
BOX_FILL, FINAL_FILL = "#eef4fb", "#e4e7eb"


def _n(value: float) -> str:
    """A coordinate with at most one decimal: the same layout always gives the same text."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def _baseline(top: float, size: float) -> float:
    """The baseline of a line of ``size`` whose line box starts at ``top`` (CJK fonts ascend ~0.88 em)."""
    return top + (size * LINE_HEIGHT - size) / 2 + size * 0.88


def _tip(procedure: Procedure, move: Transition, source: str, target: str | None) -> str:
    where = step_label(procedure, source)
    if target is not None:
        where += " → " + step_label(procedure, target)
    return f"{move.label} ({where})" + (f" — {move.basis}" if move.basis else "")


def _marker_tspan(mark: str) -> str:
    return f'<tspan dx="4" font-size="{_n(MARKER_SIZE)}" fill="{GATE_INK}">{escape(mark)}</tspan>' if mark else ""


def _arrowhead(x: float, y: float, dx: float, dy: float) -> str:
    """A filled arrowhead with its tip at (x, y), pointing along the unit vector (dx, dy)."""
    bx, by = x - 8 * dx, y - 8 * dy
    px, py = -dy * 4.5, dx * 4.5
    points = f"{_n(bx + px)},{_n(by + py)} {_n(bx - px)},{_n(by - py)} {_n(x)},{_n(y)}"
    return f'<polygon points="{points}" fill="{MUTED}"/>'


def _group(move: Transition, source: str, target: str, tip: str, body: str) -> str:
    attrs = f"data-transition={quoteattr(move.code)} data-from={quoteattr(source)} data-to={quoteattr(target)}"
    return f"<g {attrs}><title>{escape(tip)}</title>{body}</g>"


def _edge_svg(edge: Edge, procedure: Procedure) -> str:
    d = "M" + " L".join(f"{_n(x)} {_n(y)}" for x, y in edge.points)
    dash = ' stroke-dasharray="5 4"' if edge.reversed else ""
    path = f'<path d="{d}" fill="none" stroke="{MUTED}" stroke-width="1.3"{dash}/>'
    x, y = edge.points[0] if edge.reversed else edge.points[-1]
    head = _arrowhead(x, y, 0, -1 if edge.reversed else 1)
    return _group(
        edge.move, edge.source, edge.target, _tip(procedure, edge.move, edge.source, edge.target), path + head
    )


def _loops_svg(node: Node, procedure: Procedure) -> list[str]:
    parts = []
    for n, move in enumerate(node.loops):
        x, y1 = node.right, node.y + 8 + n * LOOP_STEP
        y2 = y1 + LOOP_H
        d = f"M{_n(x)} {_n(y1)} C{_n(x + LOOP_W)} {_n(y1 - 6)} {_n(x + LOOP_W)} {_n(y2 + 6)} {_n(x + 6)} {_n(y2)}"
        path = f'<path d="{d}" fill="none" stroke="{MUTED}" stroke-width="1.3"/>'
        tip = _tip(procedure, move, node.key, node.key)
        parts.append(_group(move, node.key, node.key, tip, path + _arrowhead(x, y2, -1, 0)))
    return parts


def _text(x: float, top: float, size: float, text: str, *, anchor: str = "start", extra: str = "") -> str:
    return (
        f'<text x="{_n(x)}" y="{_n(_baseline(top, size))}" font-size="{_n(size)}" fill="{INK}"'
        f' text-anchor="{anchor}"{extra}>{text}</text>'
    )


def _box_svg(node: Node) -> str:
    rect = f'x="{_n(node.left)}" y="{_n(node.y)}" width="{_n(node.width)}" height="{_n(node.height)}"'
    if node.step is not None and node.step.terminal:
        inner = (
            f'x="{_n(node.left + 3)}" y="{_n(node.y + 3)}" width="{_n(node.width - 6)}" height="{_n(node.height - 6)}"'
        )
        return (
            f'<rect {rect} rx="7" fill="{FINAL_FILL}" stroke="{INK}" stroke-width="1.5"/>'
            f'<rect {inner} rx="5" fill="none" stroke="{INK}" stroke-width="1"/>'
        )
    return f'<rect {rect} rx="7" fill="{BOX_FILL}" stroke="{BRAND}" stroke-width="1.5"/>'


def _node_svg(node: Node, layout: Layout) -> str:
    if node.kind == "start":
        circle = f'<circle cx="{_n(node.x)}" cy="{_n(node.y + START_R)}" r="{_n(START_R)}" fill="{BRAND}"/>'
        return f'<g data-start=""><title>{escape(_("Start"))}</title>{circle}</g>'
    if node.step is None:
        return ""
    parts = [_box_svg(node)]
    top = node.y + BOX_PAD_Y
    for line in node.title:
        parts.append(_text(node.x, top, TITLE_SIZE, escape(line), anchor="middle", extra=' font-weight="bold"'))
        top += TITLE_SIZE * LINE_HEIGHT
    top += 4
    for move, lines in node.activities:
        texts = []
        for i, line in enumerate(lines):
            mark = gate_marker(move, layout.gates) if i == len(lines) - 1 else ""
            indent = text_width("· ", SMALL_SIZE) if i else 0.0  # continuation lines hang under the text
            texts.append(_text(node.left + BOX_PAD_X + indent, top, SMALL_SIZE, escape(line) + _marker_tspan(mark)))
            top += SMALL_SIZE * LINE_HEIGHT
        tip = _tip(layout.procedure, move, node.key, None)
        parts.append(_group(move, node.key, "", tip, "".join(texts)))
    for note in node.notes:
        parts.append(_text(node.left + BOX_PAD_X, top, SMALL_SIZE, escape(note), extra=' font-style="italic"'))
        top += SMALL_SIZE * LINE_HEIGHT
    attrs = f"data-step={quoteattr(node.key)}" + (' data-terminal=""' if node.step.terminal else "")
    return f"<g {attrs}><title>{escape(str(node.step.label))}</title>{''.join(parts)}</g>"


def _label_svg(label: Label) -> str:
    left, top, right, bottom = label.box
    halo = (
        f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(right - left)}" height="{_n(bottom - top)}"'
        ' rx="3" fill="#ffffff" fill-opacity="0.92"/>'
    )
    y = label.y + LABEL_SIZE * 0.36  # optical middle of a line of mixed CJK and Latin
    text = (
        f'<text x="{_n(left + LABEL_PAD)}" y="{_n(y)}" font-size="{_n(LABEL_SIZE)}" fill="{INK}">'
        f"{escape(label.text)}{_marker_tspan(label.marker)}</text>"
    )
    return f"<g data-label={quoteattr(label.move.code)}>{halo}{text}</g>"


def _legend(layout: Layout, width: float) -> list[tuple[str, str]]:
    """The legend's lines as (marker, text): how to read the chart, then the numbered gates."""
    how = _(
        "Boxes are steps; a double border marks a final step. Arrows are moves, labelled with their action; "
        "a dashed arrow goes back to an earlier step. Lines marked · inside a box are activities recorded "
        "without leaving the step."
    )
    lines = [("", line) for line in wrap(how, SMALL_SIZE, width)]
    if layout.gates:
        lines.append(("", _("Gates checked before a move (numbers in brackets):")))
        lines += [(f"[{n}]", gate_label(name)) for name, n in layout.gates.items()]
    return lines


def _legend_svg(lines: list[tuple[str, str]], top: float) -> list[str]:
    parts = []
    for mark, line in lines:
        prefix = f'<tspan fill="{GATE_INK}">{escape(mark)}</tspan><tspan dx="6">' if mark else "<tspan>"
        parts.append(_text(MARGIN, top, SMALL_SIZE, f"{prefix}{escape(line)}</tspan>"))
        top += SMALL_SIZE * LINE_HEIGHT
    return parts


def _desc(procedure: Procedure) -> str:
    moves = []
    for move in procedure.transitions:
        sources = " / ".join(step_label(procedure, s) for s in sorted(move.sources))
        if move.target is None:
            moves.append(_("%(move)s (within %(step)s)") % {"move": move.label, "step": sources})
        else:
            moves.append(f"{move.label} ({sources} → {step_label(procedure, move.target)})")
    final = _("final step")
    steps = ", ".join(str(s.label) + (f" ({final})" if s.terminal else "") for s in procedure.steps)
    return _("Steps: %(steps)s. Moves: %(moves)s.") % {"steps": steps, "moves": "; ".join(moves)}


def flowchart_svg(procedure: Procedure) -> str:
    """The flowchart of ``procedure`` as an SVG document, in the active language (same definition, same bytes)."""
    layout = flowchart_layout(procedure)
    min_x, min_y, max_x, max_y = layout.bounds
    legend = _legend(layout, max(max_x - min_x, 520.0))
    width = max(max_x - min_x, *(text_width(m + "  " + t, SMALL_SIZE) for m, t in legend)) + 2 * MARGIN
    legend_top = MARGIN + (max_y - min_y) + LEGEND_GAP
    height = legend_top + len(legend) * SMALL_SIZE * LINE_HEIGHT + MARGIN
    ids = f"flowchart-{procedure.code}"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}"'
        f' height="{_n(height)}" role="img" aria-labelledby={quoteattr(f"{ids}-title {ids}-desc")}'
        f" font-family={quoteattr(FONT_FAMILY)} data-procedure={quoteattr(procedure.code)}>"
    )
    title = _("Flowchart: %(procedure)s") % {"procedure": procedure.label}
    return "\n".join(
        [
            head,
            f"<title id={quoteattr(ids + '-title')}>{escape(title)}</title>",
            f"<desc id={quoteattr(ids + '-desc')}>{escape(_desc(procedure))}</desc>",
            f'<g transform="translate({_n(MARGIN - min_x)} {_n(MARGIN - min_y)})">',
            *(_edge_svg(edge, procedure) for edge in layout.edges),
            *(part for node in layout.nodes.values() for part in _loops_svg(node, procedure)),
            *(_node_svg(node, layout) for node in layout.nodes.values() if node.kind != "dummy"),
            *(_label_svg(label) for label in layout.labels),
            "</g>",
            *_legend_svg(legend, legend_top),
            "</svg>",
        ]
    )
