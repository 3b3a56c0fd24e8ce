"""The layered layout of a flowchart (see the package docstring for the steps).

Coordinates are SVG user units (CSS px); ``Node.x`` is a centre and ``Node.y`` a top.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import accumulate, combinations

from django.utils.translation import gettext as _

from sanxiang.procedures.definitions.types import Procedure, Step, Transition
from sanxiang.procedures.flowchart.labels import START, gate_marker, gate_numbers
from sanxiang.procedures.flowchart.text import text_width, wrap

TITLE_SIZE, SMALL_SIZE, LABEL_SIZE, MARKER_SIZE = 13.0, 11.0, 11.0, 10.0
LINE_HEIGHT = 1.45
BOX_PAD_X, BOX_PAD_Y = 10.0, 7.0
WRAP_WIDTH = 200.0  # box titles; activities wrap at ACTIVITY_WIDTH
ACTIVITY_WIDTH = 240.0
NODE_GAP, DUMMY_GAP = 40.0, 14.0
STUB = 12.0  # vertical run at both ends of a segment: room for the arrowhead
ROW_H = 19.0  # one row of edge labels in a band
MIN_BAND = 42.0
LABEL_PAD, LABEL_GAP = 4.0, 6.0
PORT_PITCH = 16.0
START_R = 7.0
LOOP_W, LOOP_H, LOOP_STEP = 26.0, 14.0, 20.0
SWEEPS, PASSES, DUMMY_WEIGHT, PINNED_WEIGHT = 16, 40, 3.0, 1000.0


@dataclass
class Node:
    """A step's box, the start point, or a dummy point where a long edge crosses a layer."""

    key: str
    kind: str  # "step", "start" or "dummy"
    width: float = 0.0
    height: float = 0.0
    step: Step | None = None
    title: tuple[str, ...] = ()
    activities: tuple[tuple[Transition, tuple[str, ...]], ...] = ()
    notes: tuple[str, ...] = ()
    loops: tuple[Transition, ...] = ()
    loop_room: float = 0.0
    layer: int = 0
    x: float = 0.0  # centre
    y: float = 0.0  # top

    @property
    def left(self) -> float:
        return self.x - self.width / 2

    @property
    def right(self) -> float:
        return self.x + self.width / 2


@dataclass
class Edge:
    """One move from one source: ``chain`` runs from the upper end to the lower one through dummy points."""

    move: Transition
    source: str
    target: str
    reversed: bool = False
    chain: list[str] = field(default_factory=list)
    points: list[tuple[float, float]] = field(default_factory=list)

    @property
    def top(self) -> str:
        return self.target if self.reversed else self.source

    @property
    def bottom(self) -> str:
        return self.source if self.reversed else self.target


@dataclass
class Label:
    """A move's label: ``x`` is its centre (or left end when ``anchor`` is "start"), ``y`` its middle."""

    move: Transition
    text: str
    marker: str
    x: float
    y: float
    width: float
    anchor: str = "middle"

    @property
    def box(self) -> tuple[float, float, float, float]:
        left = self.x if self.anchor == "start" else self.x - self.width / 2
        return left, self.y - ROW_H / 2 + 1, left + self.width, self.y + ROW_H / 2 - 1


@dataclass
class Layout:
    procedure: Procedure
    nodes: dict[str, Node]
    edges: list[Edge]
    labels: list[Label]
    gates: dict[str, int]
    bounds: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)


def _line_h(size: float) -> float:
    return size * LINE_HEIGHT


def _label_width(text: str, mark: str) -> float:
    return text_width(text, LABEL_SIZE) + (text_width(" " + mark, MARKER_SIZE) if mark else 0) + 2 * LABEL_PAD


def _activity(move: Transition, numbers: dict[str, int]) -> tuple[tuple[str, ...], float]:
    lines = wrap("· " + str(move.label), SMALL_SIZE, ACTIVITY_WIDTH, balanced=True)
    marker = gate_marker(move, numbers)
    indent = text_width("· ", SMALL_SIZE)
    widths = [text_width(line, SMALL_SIZE) + (indent if i else 0) for i, line in enumerate(lines)]
    widths[-1] += text_width(" " + marker, MARKER_SIZE) if marker else 0
    return tuple(lines), max(widths)


def _step_node(step: Step, procedure: Procedure, numbers: dict[str, int]) -> Node:
    title = tuple(wrap(str(step.label), TITLE_SIZE, WRAP_WIDTH, bold=True, balanced=True))
    moves = list(procedure.available(step.code))
    activities = [(m, *_activity(m, numbers)) for m in moves if m.is_activity]
    notes = tuple(wrap(_("Audio/video recorded throughout"), SMALL_SIZE, WRAP_WIDTH)) if step.av_required else ()
    loops = tuple(m for m in moves if m.target == step.code)
    widths = [text_width(t, TITLE_SIZE, bold=True) for t in title] + [w for _m, _l, w in activities]
    widths += [text_width(n, SMALL_SIZE) for n in notes]
    small_lines = sum(len(lines) for _m, lines, _w in activities) + len(notes)
    height = (
        2 * BOX_PAD_Y + len(title) * _line_h(TITLE_SIZE) + (4 + small_lines * _line_h(SMALL_SIZE) if small_lines else 0)
    )
    loop_labels = [_label_width(str(m.label), gate_marker(m, numbers)) for m in loops]
    return Node(
        key=step.code, kind="step", width=max(widths) + 2 * BOX_PAD_X,
        height=max(height, 12 + len(loops) * LOOP_STEP), step=step, title=title,
        activities=tuple((m, lines) for m, lines, _w in activities), notes=notes, loops=loops,
        loop_room=LOOP_W + 4 + max(loop_labels) if loops else 0.0,
    )  # fmt: skip


def _break_cycles(keys: list[str], edges: list[Edge]) -> None:
    """Reverse the back edges of a depth-first search (start first, then steps in definition order)."""
    out: dict[str, list[Edge]] = defaultdict(list)
    for edge in edges:
        out[edge.source].append(edge)
    state: dict[str, str] = {}

    def visit(key: str) -> None:
        state[key] = "open"
        for edge in out[key]:
            if state.get(edge.target) == "open":
                edge.reversed = True
            elif edge.target not in state:
                visit(edge.target)
        state[key] = "done"

    for key in keys:
        if key not in state:
            visit(key)


def _assign_layers(nodes: dict[str, Node], edges: list[Edge]) -> None:
    """Longest-path layers over the acyclic edges (Kahn's order, deterministic)."""
    below: dict[str, list[str]] = defaultdict(list)
    waiting = dict.fromkeys(nodes, 0)
    for edge in edges:
        below[edge.top].append(edge.bottom)
        waiting[edge.bottom] += 1
    ready = [key for key, n in waiting.items() if n == 0]
    while ready:
        key = ready.pop(0)
        for nxt in below[key]:
            nodes[nxt].layer = max(nodes[nxt].layer, nodes[key].layer + 1)
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                ready.append(nxt)


def _add_dummies(nodes: dict[str, Node], edges: list[Edge]) -> None:
    for i, edge in enumerate(edges):
        edge.chain = [edge.top]
        for layer in range(nodes[edge.top].layer + 1, nodes[edge.bottom].layer):
            key = f"~{i}.{layer}"
            nodes[key] = Node(key=key, kind="dummy", layer=layer)
            edge.chain.append(key)
        edge.chain.append(edge.bottom)


def _crossings(order: list[list[str]], down: dict[str, list[str]]) -> int:
    total = 0
    for upper, lower in zip(order, order[1:], strict=False):
        pos = {key: i for i, key in enumerate(lower)}
        segments = [(i, pos[n]) for i, key in enumerate(upper) for n in down[key]]
        total += sum(1 for a, b in combinations(segments, 2) if (a[0] - b[0]) * (a[1] - b[1]) < 0)
    return total


def _by_barycentre(row: list[str], ref: list[str], neighbours: dict[str, list[str]]) -> list[str]:
    pos = {key: i for i, key in enumerate(ref)}
    scale = len(ref) / len(row)

    def barycentre(item: tuple[int, str]) -> tuple[float, int]:
        i, key = item
        near = [pos[n] for n in neighbours[key]]
        return (sum(near) / len(near) if near else i * scale), i

    return [key for _i, key in sorted(enumerate(row), key=barycentre)]


def _order(order: list[list[str]], up: dict[str, list[str]], down: dict[str, list[str]]) -> list[list[str]]:
    """Barycentre sweeps, alternately down and up; return the order with the fewest crossings seen."""
    best, fewest = [list(row) for row in order], _crossings(order, down)
    for sweep in range(SWEEPS):
        downward = sweep % 2 == 0
        for i in range(1, len(order)) if downward else range(len(order) - 2, -1, -1):
            ref = order[i - 1] if downward else order[i + 1]
            order[i] = _by_barycentre(order[i], ref, up if downward else down)
        crossings = _crossings(order, down)
        if crossings < fewest:
            best, fewest = [list(row) for row in order], crossings
    return best


def _pack(desired: list[float], gaps: list[float], weights: list[float]) -> list[float]:
    """The weighted least-squares positions nearest ``desired`` with x[i+1] - x[i] >= gaps[i] (isotonic regression)."""
    offsets = list(accumulate(gaps, initial=0.0))
    blocks: list[tuple[float, float, int]] = []  # (weighted sum, weight, members)
    for want, offset, weight in zip(desired, offsets, weights, strict=True):
        block = (weight * (want - offset), weight, 1)
        while blocks and blocks[-1][0] / blocks[-1][1] > block[0] / block[1]:
            total, mass, members = blocks.pop()
            block = (block[0] + total, block[1] + mass, block[2] + members)
        blocks.append(block)
    values = [total / mass for total, mass, members in blocks for _i in range(members)]
    return [value + offset for value, offset in zip(values, offsets, strict=True)]


def _gap(a: Node, b: Node) -> float:
    space = DUMMY_GAP if "dummy" in (a.kind, b.kind) else NODE_GAP
    return a.width / 2 + a.loop_room + space + b.width / 2


def _place_row(
    row: list[str], nodes: dict[str, Node], desired: list[float], pinned: frozenset[str] = frozenset()
) -> None:
    gaps = [_gap(nodes[a], nodes[b]) for a, b in zip(row, row[1:], strict=False)]
    weights = [PINNED_WEIGHT if key in pinned else DUMMY_WEIGHT if nodes[key].kind == "dummy" else 1.0 for key in row]
    for key, x in zip(row, _pack(desired, gaps, weights), strict=True):
        nodes[key].x = x


def _assign_x(order: list[list[str]], nodes: dict[str, Node], near: dict[str, list[str]]) -> None:
    for row in order:
        _place_row(row, nodes, [0.0] * len(row))
    for _pass in range(PASSES):
        for row in [*order, *reversed(order)]:
            desired = []
            for key in row:
                xs = [nodes[n].x for n in near[key]]
                desired.append(sum(xs) / len(xs) if xs else nodes[key].x)
            _place_row(row, nodes, desired)


def _room(key: str, where: dict[str, tuple[int, list[str]]], nodes: dict[str, Node]) -> tuple[float, float]:
    """The x interval where ``key`` fits between its neighbours in its layer, as they stand."""
    i, row = where[key]
    low = nodes[row[i - 1]].x + _gap(nodes[row[i - 1]], nodes[key]) if i > 0 else -math.inf
    high = nodes[row[i + 1]].x - _gap(nodes[key], nodes[row[i + 1]]) if i + 1 < len(row) else math.inf
    return low, high


def _straighten(order: list[list[str]], nodes: dict[str, Node], edges: list[Edge]) -> None:
    """Put each long edge's dummies on one x, so that it runs straight down.

    The x is the dummies' mean, clamped into the room every crossed layer leaves;
    when the rooms do not meet, the edge takes the leftmost x that clears its left
    neighbours and the layers are re-packed around it (the others make way).
    """
    where = {key: (i, row) for row in order for i, key in enumerate(row)}
    for edge in edges:
        dummies = edge.chain[1:-1]
        if not dummies:
            continue
        rooms = [_room(key, where, nodes) for key in dummies]
        low, high = max(r[0] for r in rooms), min(r[1] for r in rooms)
        x = min(max(sum(nodes[key].x for key in dummies) / len(dummies), low), high) if low <= high else low
        for key in dummies:
            nodes[key].x = x
            row = where[key][1]
            _place_row(row, nodes, [nodes[k].x for k in row], pinned=frozenset(dummies))


def _port_keys(edges: list[Edge]) -> dict[tuple[str, str], list[tuple[int, str, str]]]:
    """Per (node, side): the (edge, group, neighbour) at that side. Edges of one move share a port at their target."""
    sides: dict[tuple[str, str], list[tuple[int, str, str]]] = defaultdict(list)
    for i, edge in enumerate(edges):
        grouped = f"move:{edge.move.code}"
        alone = f"edge:{i}"
        sides[edge.chain[0], "bottom"].append((i, grouped if edge.reversed else alone, edge.chain[1]))
        sides[edge.chain[-1], "top"].append((i, alone if edge.reversed else grouped, edge.chain[-2]))
    return sides


def _ports(edges: list[Edge], nodes: dict[str, Node]) -> dict[tuple[int, str], float]:
    """The x where each edge leaves its upper end ("bottom") and meets its lower end ("top")."""
    ports: dict[tuple[int, str], float] = {}
    for (key, side), items in sorted(_port_keys(edges).items()):
        node = nodes[key]
        where: dict[str, list[float]] = defaultdict(list)
        first: dict[str, int] = {}
        for i, group, other in items:
            where[group].append(nodes[other].x)
            first.setdefault(group, i)
        # Ties (two edges between the same pair) break by edge index, alike at both ends: no crossing.
        groups = sorted(where, key=lambda g: (sum(where[g]) / len(where[g]), first[g]))
        spread = len(groups) > 1 and node.kind == "step"  # edges fan out from the start point and dummies
        pitch = min(PORT_PITCH, (node.width - 8) / (len(groups) - 1)) if spread else 0.0
        slot = {g: node.x + (n - (len(groups) - 1) / 2) * pitch for n, g in enumerate(groups)}
        for i, group, _other in items:
            ports[i, side] = slot[group]
    return ports


@dataclass
class _Pending:
    move: Transition
    text: str
    marker: str
    width: float
    xa: float  # x where the segment leaves the upper layer
    xb: float  # x where it meets the lower layer


def _try_rows(pending: list[_Pending], rows: int, height: float) -> list[Label] | None:
    top = (height - rows * ROW_H) / 2
    taken: list[list[tuple[float, float]]] = [[] for _r in range(rows)]
    placed = []
    for p in sorted(pending, key=lambda p: ((p.xa + p.xb) / 2, p.move.code)):
        for row in range(rows):
            y = top + (row + 0.5) * ROW_H
            x = p.xa + (p.xb - p.xa) * (y - STUB) / (height - 2 * STUB)
            left, right = x - p.width / 2, x + p.width / 2
            if all(right + LABEL_GAP <= a or left >= b + LABEL_GAP for a, b in taken[row]):
                taken[row].append((left, right))
                placed.append(Label(p.move, p.text, p.marker, x, y, p.width))
                break
        else:
            return None
    return placed


def _fit_band(pending: list[_Pending]) -> tuple[float, list[Label]]:
    """The band's height and its labels (y from the band's top), using as few rows as fit."""
    for rows in range(1, len(pending) + 1):
        height = max(MIN_BAND, 2 * STUB + 4 + rows * ROW_H)
        placed = _try_rows(pending, rows, height)
        if placed is not None:
            return height, placed
    return MIN_BAND, []


def _segment_x(edge: Edge, i: int, j: int, nodes: dict[str, Node], ports: dict[tuple[int, str], float]) -> float:
    """The x of point ``j`` of edge ``i``'s chain (a port at either end, else the dummy's x)."""
    if j == 0:
        return ports[i, "bottom"]
    return ports[i, "top"] if j == len(edge.chain) - 1 else nodes[edge.chain[j]].x


def _band_labels(layout: Layout, ports: dict[tuple[int, str], float]) -> dict[int, list[_Pending]]:
    """Each move's label once per target and direction, on the segment that touches the target."""
    groups: dict[tuple[str, str, bool], list[int]] = defaultdict(list)
    for i, edge in enumerate(layout.edges):
        groups[edge.move.code, edge.target, edge.reversed].append(i)
    bands: dict[int, list[_Pending]] = defaultdict(list)
    for (_code, target, rev), members in groups.items():
        edge = layout.edges[members[0]]
        j = 0 if rev else len(edge.chain) - 2
        xa, xb = (_segment_x(edge, members[0], k, layout.nodes, ports) for k in (j, j + 1))
        if len(members) > 1:  # several sources meet at one port: keep the label on the port
            xa = xb = xa if rev else xb
        marker = gate_marker(edge.move, layout.gates)
        width = _label_width(str(edge.move.label), marker)
        band = layout.nodes[target].layer - (0 if rev else 1)
        bands[band].append(_Pending(edge.move, str(edge.move.label), marker, width, xa, xb))
    return bands


def _assign_y(order: list[list[str]], nodes: dict[str, Node], bands: list[float]) -> list[tuple[float, float]]:
    """Top-align each layer's boxes; dummies span their row. Return each row's (top, bottom)."""
    rows, y = [], 0.0
    for i, row in enumerate(order):
        height = max(nodes[key].height for key in row)
        for key in row:
            nodes[key].y = y
            if nodes[key].kind == "dummy":
                nodes[key].height = height
        rows.append((y, y + height))
        y += height + (bands[i] if i < len(bands) else 0)
    return rows


def _route(
    edge: Edge, i: int, layout: Layout, ports: dict[tuple[int, str], float], rows: list[tuple[float, float]]
) -> None:
    first = layout.nodes[edge.chain[0]]
    points = [(ports[i, "bottom"], first.y + first.height)]
    for j in range(len(edge.chain) - 1):
        layer = layout.nodes[edge.chain[j]].layer
        xa, xb = points[-1][0], _segment_x(edge, i, j + 1, layout.nodes, ports)
        band_top, band_bottom = rows[layer][1], rows[layer + 1][0]
        points += [(xa, band_top + STUB), (xb, band_bottom - STUB), (xb, band_bottom)]
        if j + 2 < len(edge.chain):
            points.append((xb, rows[layer + 1][1]))
    edge.points = [p for n, p in enumerate(points) if n == 0 or p != points[n - 1]]


def _loop_labels(node: Node, gates: dict[str, int]) -> list[Label]:
    labels = []
    for n, move in enumerate(node.loops):
        marker = gate_marker(move, gates)
        y = node.y + 8 + n * LOOP_STEP + LOOP_H / 2
        x = node.right + LOOP_W + 4
        labels.append(Label(move, str(move.label), marker, x, y, _label_width(str(move.label), marker), "start"))
    return labels


def _build(procedure: Procedure) -> tuple[Layout, list[list[str]]]:
    gates = gate_numbers(procedure)
    nodes = {s.code: _step_node(s, procedure, gates) for s in procedure.steps}
    moves = [m for m in procedure.transitions if m.target is not None]
    edges = [Edge(m, s, m.target) for m in moves if m.target for s in sorted(m.sources) if s != m.target]
    if any(e.source == START for e in edges):
        nodes = {START: Node(key=START, kind="start", width=2 * START_R, height=2 * START_R), **nodes}
    _break_cycles(list(nodes), edges)
    _assign_layers(nodes, edges)
    _add_dummies(nodes, edges)
    order: list[list[str]] = [[] for _l in range(max(n.layer for n in nodes.values()) + 1)]
    for key, node in nodes.items():
        order[node.layer].append(key)
    return Layout(procedure, nodes, edges, [], gates), order


def flowchart_layout(procedure: Procedure) -> Layout:
    """Place every box, edge and label of ``procedure``'s flowchart (coordinates in px, see the module docstring)."""
    layout, order = _build(procedure)
    up: dict[str, list[str]] = defaultdict(list)
    down: dict[str, list[str]] = defaultdict(list)
    for edge in layout.edges:
        for a, b in zip(edge.chain, edge.chain[1:], strict=False):
            down[a].append(b)
            up[b].append(a)
    order = _order(order, up, down)
    near = {key: up[key] + down[key] for key in layout.nodes}
    for edge in layout.edges:
        for key in edge.chain[1:-1]:
            near[key] = edge.chain  # a long edge's dummies settle on one x: its straight, vertical run
    _assign_x(order, layout.nodes, near)
    for _round in range(2):  # a chain pushed aside by a later one gets straightened again
        _straighten(order, layout.nodes, layout.edges)
    ports = _ports(layout.edges, layout.nodes)
    pending = _band_labels(layout, ports)
    fitted = [_fit_band(pending.get(i, [])) for i in range(len(order) - 1)]
    rows = _assign_y(order, layout.nodes, [height for height, _labels in fitted])
    for i, (_height, labels) in enumerate(fitted):
        for label in labels:
            label.y += rows[i][1]
            layout.labels.append(label)
    for i, edge in enumerate(layout.edges):
        _route(edge, i, layout, ports, rows)
    for node in layout.nodes.values():
        layout.labels += _loop_labels(node, gates=layout.gates)
    layout.bounds = _bounds(layout)
    return layout


def _bounds(layout: Layout) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []
    for node in layout.nodes.values():
        xs += [node.left, node.right + (LOOP_W if node.loops else 0)]
        ys += [node.y, node.y + node.height]
    for label in layout.labels:
        left, top, right, bottom = label.box
        xs += [left, right]
        ys += [top, bottom]
    return min(xs), min(ys), max(xs), max(ys)
