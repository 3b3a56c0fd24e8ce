"""The flowchart drawn from a procedure definition: complete, well-formed, deterministic, legible; and its pages."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import combinations

import pytest
from django.test import SimpleTestCase, override_settings
from django.urls import include, path
from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from hypothesis import given, settings
from hypothesis import strategies as st

from sanxiang.conftest import screenshot
from sanxiang.procedures.definitions import all_procedures, get
from sanxiang.procedures.definitions.types import Procedure, Step, Transition
from sanxiang.procedures.flowchart import flowchart_layout, flowchart_svg, transition_rows
from sanxiang.procedures.flowchart.layout import Layout
from sanxiang.procedures.flowchart.text import text_width, wrap
from sanxiang.testing import BureauTestCase
from sanxiang.urls import urlpatterns as root_urlpatterns

SVG = "{http://www.w3.org/2000/svg}"
GENERAL = get("general")

# The lead mounts the pages at /procedures/; the tests do not depend on that line being there yet.
urlpatterns = [*root_urlpatterns]
if not any(getattr(p, "namespace", None) == "procedures" for p in root_urlpatterns):
    urlpatterns.append(path("procedures/", include("sanxiang.procedures.urls")))


def notice_loop() -> Procedure:
    """A small procedure with a cycle (notify → notified → notify), a self-loop, an activity and odd characters."""
    return Procedure(
        code="loop",
        label=_("Loop procedure"),
        basis="Test Art. 1",
        initial="open",
        steps=(
            Step("draft", _("Draft <&> “quoted”")),
            Step("notified", _("Notified")),
            Step("done", _("Done"), terminal=True),
        ),
        transitions=(
            Transition("open", _("Open"), frozenset({""}), "draft", frozenset({"officer"})),
            Transition(
                "notify", _("Notify"), frozenset({"draft", "notified"}), "notified", frozenset({"officer"}),
                guards=("handlers_qualified", "a_gate_without_a_label"), basis='Test Art. 2 "<x>"',
            ),
            Transition("withdraw", _("Withdraw"), frozenset({"notified"}), "draft", frozenset({"officer"})),
            Transition("note", _("Write a note"), frozenset({"notified"}), None, frozenset({"officer"})),
            Transition("finish", _("Finish"), frozenset({"notified"}), "done", frozenset({"leader"})),
        ),
    )  # fmt: skip


def lazy(text: str) -> Promise:
    """A label as definitions hold them (lazy), for generated test procedures."""
    label = format_lazy("{}", text)
    assert isinstance(label, Promise)
    return label


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own output)


def groups(root: ET.Element, attr: str, value: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get(attr) == value]


def child(element: ET.Element, tag: str) -> ET.Element:
    found = element.find(f"{SVG}{tag}")
    assert found is not None, f"no <{tag}>"
    return found


def tooltip(element: ET.Element) -> str:
    return child(element, "title").text or ""


def shown(element: ET.Element) -> str:
    """The text drawn inside ``element`` (its ``<text>`` elements, not its tooltip)."""
    return "".join("".join(t.itertext()) for t in element.iter(f"{SVG}text"))


def overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def boxes(layout: Layout) -> dict[str, tuple[float, float, float, float]]:
    """Each step's box, widened by the room its self-loops and their labels take."""
    return {
        key: (n.left, n.y, n.right + n.loop_room, n.y + n.height) for key, n in layout.nodes.items() if n.kind == "step"
    }


class FlowchartSvgTests(SimpleTestCase):
    def test_it_is_well_formed_accessible_svg(self):
        root = parse(flowchart_svg(GENERAL))
        self.assertEqual(root.tag, f"{SVG}svg")
        self.assertEqual(root.get("role"), "img")
        title, desc = child(root, "title"), child(root, "desc")
        self.assertEqual(title.text, "Flowchart: General procedure")
        self.assertEqual(root.get("aria-labelledby"), f"{title.get('id')} {desc.get('id')}")
        self.assertIn(
            "Register the case (approval) (Lead registered → Registered, under investigation)", desc.text or ""
        )
        self.assertIn('"Noto Sans CJK SC"', root.get("font-family", ""))

    def test_every_step_appears_as_a_box_with_its_label(self):
        root = parse(flowchart_svg(GENERAL))
        for step in GENERAL.steps:
            with self.subTest(step=step.code):
                (group,) = groups(root, "data-step", step.code)
                self.assertEqual(tooltip(group), str(step.label))
                self.assertEqual(group.get("data-terminal") is not None, step.terminal)

    def test_every_move_is_an_arrow_from_each_source_with_a_label_and_its_basis(self):
        root = parse(flowchart_svg(GENERAL))
        for move in GENERAL.transitions:
            if move.is_activity:
                continue
            with self.subTest(move=move.code):
                arrows = groups(root, "data-transition", move.code)
                self.assertEqual({g.get("data-from") for g in arrows}, set(move.sources))
                for arrow in arrows:
                    self.assertIsNotNone(child(arrow, "path"))
                    self.assertIn(move.basis, tooltip(arrow))
                labels = groups(root, "data-label", move.code)
                self.assertTrue(labels)
                self.assertTrue(all(shown(g).startswith(str(move.label)) for g in labels))

    def test_activities_are_listed_in_their_step_with_their_gates(self):
        root = parse(flowchart_svg(GENERAL))
        (registered,) = groups(root, "data-step", "registered")
        (transcript,) = groups(registered, "data-transition", "record_transcript")
        self.assertEqual(shown(transcript), "· Record a transcript[1]")
        self.assertIn("APL Art. 42, 55", tooltip(transcript))

    def test_the_gates_are_footnoted_with_readable_labels(self):
        svg = flowchart_svg(GENERAL)
        self.assertIn("Two officers certified for the category and region", svg)
        self.assertIn("The dossier checklist is complete", svg)
        self.assertNotIn("checklist_complete", svg)

    def test_the_same_definition_gives_the_same_bytes(self):
        self.assertEqual(flowchart_svg(GENERAL), flowchart_svg(GENERAL))
        with translation.override("zh-hans"):
            first = flowchart_svg(GENERAL)
            self.assertEqual(first, flowchart_svg(GENERAL))

    def test_it_renders_in_the_active_language(self):
        with translation.override("zh-hans"):
            svg = flowchart_svg(GENERAL)
        self.assertIn("立案（审批）", svg)
        self.assertIn("已归档", svg)

    def test_a_procedure_with_a_cycle_and_a_self_loop_renders(self):
        root = parse(flowchart_svg(notice_loop()))
        (withdraw,) = groups(root, "data-transition", "withdraw")
        notify = groups(root, "data-transition", "notify")
        self.assertEqual(sorted(g.get("data-from") for g in notify), ["draft", "notified"])
        dashed = [g for g in notify + [withdraw] if child(g, "path").get("stroke-dasharray")]
        self.assertEqual(len(dashed), 1, "exactly one edge of the cycle is drawn backwards")
        (notified,) = groups(root, "data-step", "notified")
        self.assertTrue(groups(notified, "data-transition", "note"))

    def test_text_is_escaped(self):
        svg = flowchart_svg(notice_loop())
        self.assertIn("Draft &lt;&amp;&gt; “quoted”", svg)
        root = parse(svg)
        (draft,) = groups(root, "data-step", "draft")
        self.assertEqual(tooltip(draft), "Draft <&> “quoted”")
        self.assertIn('Test Art. 2 "<x>"', tooltip(groups(root, "data-transition", "notify")[0]))

    def test_a_gate_without_a_label_is_shown_by_its_name(self):
        self.assertIn("a gate without a label", flowchart_svg(notice_loop()))


class FlowchartLayoutTests(SimpleTestCase):
    def assert_legible(self, layout: Layout) -> None:
        placed = boxes(layout)
        for (a, box_a), (b, box_b) in combinations(placed.items(), 2):
            self.assertFalse(overlaps(box_a, box_b), f"boxes {a} and {b} overlap")
        for one, other in combinations(layout.labels, 2):
            self.assertFalse(overlaps(one.box, other.box), f"labels {one.text} and {other.text} overlap")
        for label in layout.labels:
            for key, box in placed.items():
                if label.anchor == "start" and key in {m.target for m in layout.nodes[key].loops}:
                    continue  # a self-loop's label sits in the room its own box keeps for it
                self.assertFalse(overlaps(label.box, box), f"label {label.text} covers {key}")

    def test_nothing_overlaps_in_the_general_procedure(self):
        for language in ("en", "zh-hans"):
            with self.subTest(language=language), translation.override(language):
                self.assert_legible(flowchart_layout(GENERAL))

    def test_nothing_overlaps_in_a_cyclic_procedure(self):
        self.assert_legible(flowchart_layout(notice_loop()))

    def test_every_registered_procedure_renders_completely(self):
        for code, procedure in all_procedures().items():
            with self.subTest(procedure=code):
                self.assert_legible(flowchart_layout(procedure))
                root = parse(flowchart_svg(procedure))
                for move in procedure.transitions:
                    kind = "data-transition" if move.is_activity else "data-label"
                    self.assertTrue(groups(root, kind, move.code), move.code)
                self.assertNotRegex(shown(root), r"\b[a-z]+_[a-z_]+\b", "a gate shown by its code name")

    @settings(max_examples=60, deadline=None, derandomize=True)
    @given(st.data())
    def test_any_procedure_graph_lays_out_legibly(self, data):
        """Random steps and moves (cycles, self-loops, long edges, unreachable steps) never overlap."""
        count = data.draw(st.integers(2, 7))
        codes = [f"s{i}" for i in range(count)]
        steps = tuple(Step(c, lazy(f"Step {c}" if i % 2 else f"第{c}步"), i == count - 1) for i, c in enumerate(codes))
        moves = [Transition("t0", lazy("开始"), frozenset({""}), "s0", frozenset({"officer"}))]
        for i in range(data.draw(st.integers(1, 12))):
            sources = data.draw(st.frozensets(st.sampled_from(codes), min_size=1, max_size=3))
            target = data.draw(st.one_of(st.none(), st.sampled_from(codes)))
            label = data.draw(st.sampled_from(["Go", "A rather long label for a move", "送达事先告知书", "x"]))
            guards = data.draw(st.lists(st.sampled_from(["handlers_qualified", "payment_overdue"]), max_size=2))
            moves.append(
                Transition(f"t{i + 1}", lazy(label), sources, target, frozenset({"officer"}), guards=tuple(guards))
            )
        procedure = Procedure("fuzz", lazy("Fuzz"), "", "t0", steps, tuple(moves))
        self.assert_legible(flowchart_layout(procedure))
        self.assertEqual(flowchart_svg(procedure), flowchart_svg(procedure))
        parse(flowchart_svg(procedure))

    def test_layers_follow_the_distance_from_the_initial_move(self):
        nodes = flowchart_layout(GENERAL).nodes
        self.assertEqual([nodes[k].layer for k in ("", "lead", "registered", "concluded")], [0, 1, 2, 3])
        self.assertLess(nodes["registered"].y, nodes["concluded"].y)
        self.assertEqual(max(n.layer for n in nodes.values()), nodes["archived"].layer)

    def test_a_long_edge_runs_straight_between_its_ends(self):
        layout = flowchart_layout(GENERAL)
        (edge,) = [e for e in layout.edges if (e.source, e.target) == ("dismissed", "archived")]
        dummies = {layout.nodes[k].x for k in edge.chain[1:-1]}
        self.assertEqual(len(dummies), 1)


class TextTests(SimpleTestCase):
    def test_widths_are_one_em_per_cjk_character_and_055_em_otherwise(self):
        cases = [("立案", 12, 24.0), ("ab", 10, 11.0), ("立a", 10, 15.5), ("（", 10, 10.0)]
        for text, size, width in cases:
            with self.subTest(text=text):
                self.assertAlmostEqual(text_width(text, size), width)

    def test_wrap_breaks_latin_at_spaces_and_cjk_anywhere(self):
        self.assertEqual(wrap("Court enforcement applied for", 10, 100), ["Court enforcement", "applied for"])
        self.assertEqual(wrap("对先行登记保存的证据", 10, 50), ["对先行登记", "保存的证据"])
        self.assertEqual(wrap("Supercalifragilistic", 10, 20), ["Supercalifragilistic"])

    def test_balanced_wrap_leaves_no_lone_word(self):
        self.assertEqual(wrap("Court enforcement applied for", 10, 140), ["Court enforcement applied", "for"])
        self.assertEqual(
            wrap("Court enforcement applied for", 10, 140, balanced=True), ["Court enforcement", "applied for"]
        )


class TransitionRowTests(SimpleTestCase):
    def test_rows_name_steps_roles_gates_and_documents(self):
        rows = {row.code: row for row in transition_rows(GENERAL)}
        self.assertEqual(len(rows), len(GENERAL.transitions))
        register = rows["register"]
        self.assertEqual((register.sources, register.target), (("Lead registered",), "Registered, under investigation"))
        self.assertEqual(register.roles, ("Bureau leader", "Unit head"))
        self.assertEqual(register.gates[0], (1, "Two officers certified for the category and region"))
        self.assertEqual(register.documents, ("Filing approval form",))
        self.assertEqual(rows["register_lead"].sources, ("Start",))
        self.assertIs(rows["record_transcript"].is_activity, True)


@override_settings(ROOT_URLCONF=__name__)
class FlowchartPageTests(BureauTestCase):
    def test_the_page_shows_the_chart_and_every_transition(self):
        self.login(self.b.officer)
        response = self.client.get("/procedures/general/flowchart/")
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertIn('<svg xmlns="http://www.w3.org/2000/svg"', page)
        for move in GENERAL.transitions:
            with self.subTest(move=move.code):
                self.assertIn(f'<tr data-transition="{move.code}">', page)
                self.assertIn(f'<th scope="row" style="white-space:normal">{move.label}</th>', page)

    def test_any_staff_member_may_see_it(self):
        self.login(self.b.supervisor)
        self.assertEqual(self.client.get("/procedures/general/flowchart/").status_code, 200)

    def test_the_svg_is_served_as_a_document(self):
        self.login(self.b.auxiliary)
        response = self.client.get("/procedures/general/flowchart.svg")
        self.assertEqual(response["Content-Type"], "image/svg+xml; charset=utf-8")
        self.assertEqual(response["Content-Security-Policy"], "default-src 'none'")
        self.assertEqual(parse(response.content.decode()).get("data-procedure"), "general")

    def test_an_unknown_procedure_is_404(self):
        self.login(self.b.officer)
        for url in ("/procedures/nope/flowchart/", "/procedures/nope/flowchart.svg"):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_it_needs_a_login(self):
        response = self.client.get("/procedures/general/flowchart/")
        self.assertRedirects(response, "/login/?next=/procedures/general/flowchart/", fetch_redirect_response=False)

    def test_it_answers_only_reads(self):
        self.login(self.b.officer)
        self.assertEqual(self.client.post("/procedures/general/flowchart/").status_code, 405)


# The estimates above are checked against the real font here: Debian's chromium measures every text.
MEASURE = """() => {
  const out = [];
  const inside = (t, r) => t.x >= r.x - 0.5 && t.x + t.width <= r.x + r.width + 0.5;
  for (const g of document.querySelectorAll('g[data-step]')) {
    const box = g.querySelector('rect').getBBox();
    for (const t of g.querySelectorAll('text')) if (!inside(t.getBBox(), box)) out.push(t.textContent);
  }
  for (const g of document.querySelectorAll('g[data-label]')) {
    if (!inside(g.querySelector('text').getBBox(), g.querySelector('rect').getBBox())) out.push(g.textContent);
  }
  return out;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_text_fits_its_box_in_a_real_browser(browser, language):
    with translation.override(language):
        svg = flowchart_svg(GENERAL)
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    page.set_content(f"<!doctype html><meta charset=utf-8><body style='margin:0;background:#fff'>{svg}")
    assert page.evaluate(MEASURE) == []
    screenshot(page, "flowchart-general" if language == "zh-hans" else "flowchart-general-en")
    context.close()
