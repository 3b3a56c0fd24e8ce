"""The flowchart of a procedure, drawn from its definition: one source of truth for the staff page and the portal.

``flowchart_svg`` writes a self-contained, accessible SVG; ``flowchart_layout``
gives the placed boxes, edges and labels; ``transition_rows`` gives the same
moves as table rows. No Graphviz: the layout is a small layered (Sugiyama-style) one.

1. Nodes are the steps, plus a start point for the moves whose source is "" (no case yet).
2. Cycles are broken by reversing the back edges of a depth-first search from the
   start; a reversed edge is drawn dashed, with its arrow at the upper end.
3. Layers by longest path; an edge across several layers gets a dummy point in each.
4. The order in each layer comes from barycentre sweeps (the order with fewest crossings is kept).
5. x: every node is pulled towards its neighbours, then each layer is packed to the
   least-squares positions that keep its order and gaps (pool-adjacent-violators).
6. A move's label sits on its segment next to its target, in the band between two
   layers; labels that would overlap go to further rows, and the band grows to hold them.

Activities (moves with no target) are listed in their step's box; a move from a
step to itself is a loop on the box's right. Text widths are estimates (see
``text``). The output depends only on the definition and the active language.
"""

from sanxiang.procedures.flowchart.labels import GATE_LABELS, TransitionRow, gate_label, gate_numbers, transition_rows
from sanxiang.procedures.flowchart.layout import Layout, flowchart_layout
from sanxiang.procedures.flowchart.svg import flowchart_svg

__all__ = [
    "GATE_LABELS",
    "Layout",
    "TransitionRow",
    "flowchart_layout",
    "flowchart_svg",
    "gate_label",
    "gate_numbers",
    "transition_rows",
]
