"""Documents: 行政处罚决定书 PDFs per second and peak memory; a 200-page dossier's render time.

Run from the repository root: ``python -m bench documents [--decisions 30] [--dossier-pages 200]``.
No database: rendering is a pure function of the form data (documents/rendering.py).

1. Reference: fill the decision template to an HTML string (Django templates only), N times.
2. The decision to PDF (WeasyPrint, Noto CJK), N times; then the same with the pyHanko signature
   (what issuing does besides storing and logging).
3. Peak memory: the process's maximum resident set (ru_maxrss) after the PDF phases, beside the
   figure after Django's start-up, and the largest Python heap of one render (tracemalloc).
4. A 200-page dossier, two ways: one long HTML laid out in one WeasyPrint run (the reference of
   the same run is filling that HTML to a string), and the dossier print path (pypdf merging
   issued PDFs of ~2 pages each up to the page count).

Prints the figures and ratios; JSON goes to ``bench/results/documents.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import tempfile
import time
import tracemalloc
from typing import Any

from bench.case_action_bench import RESULTS, setup_django

PARTY = {"name": "张三", "kind": "person", "id_type": "resident_id", "id_number": "11010519491231002X",
         "address": "四平市铁西区中央路1号", "phone": "", "legal_representative": ""}  # fmt: skip


def decision_data(n: int) -> dict[str, Any]:
    """The form data of one decision, as ``documents.context.build_data`` makes it."""
    from sanxiang.documents.context import penalty_data

    return {
        "agency": {"name": "四平市铁西区城市管理行政执法局", "address": "四平市铁西区", "phone": "0434-0000000"},
        "case": {"number": f"铁西城管立〔2026〕{n}号", "summary": "当事人在站前街道中央路占用城市道路摆摊设点经营水果，经劝导后仍未改正。" * 2,
                 "location": "站前街道中央路", "act_cn": "2026年6月1日", "registered_cn": "2026年6月1日", "summary_intro": ""},
        "parties": [PARTY], "handlers": [{"name": "王执法", "cert": "22030001"}, {"name": "李执法", "cert": "22030002"}],
        "violation": {"title": "擅自占用城市道路摆摊设点", "violated": "《城市市容和环境卫生管理条例》第十四条",
                      "penalty_provisions": "《城市市容和环境卫生管理条例》第三十六条"},
        "evidence": ["询问笔录（张三）", "现场检查（勘验）笔录", "现场照片四张", "执法记录仪视频一段"],
        "penalty": penalty_data({"types": ["fine"], "fine_fen": 50_000}), "statement": None, "reasons": "",
        "remedy": {"review_body": "四平市铁西区人民政府", "court": "四平市铁西区人民法院"}, "date_cn": "2026年6月1日",
        "facts": {}, "event": {"payload": {}}, "measure": {},
    }  # fmt: skip


META = {
    "title": "行政处罚决定书",
    "number": "铁西城管罚决字〔2026〕第001号",
    "verify_url": "https://zf.example.cn/d/AbCdEfGhIjKlMnOpQrStUv/",
}


def _rate(fn: Any, n: int) -> tuple[float, Any]:
    started = time.perf_counter()
    result = None
    for i in range(n):
        result = fn(i)
    return n / (time.perf_counter() - started), result


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def decisions(n: int) -> dict[str, Any]:
    from sanxiang.documents import rendering, signing

    rss_start = _maxrss_mb()
    html_rate, html = _rate(lambda i: rendering.render_html("penalty_decision", decision_data(i), META), n * 10)
    rendering.render_document("penalty_decision", decision_data(0), META)  # warm fonts and caches
    pdf_rate, rendered = _rate(lambda i: rendering.render_document("penalty_decision", decision_data(i), META), n)
    signing.sign_pdf(rendered.pdf)  # the key is made on first use
    signed_rate, _ = _rate(
        lambda i: signing.sign_pdf(rendering.render_document("penalty_decision", decision_data(i), META).pdf), n
    )
    tracemalloc.start()
    rendering.render_document("penalty_decision", decision_data(1), META)
    heap_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return {
        "decisions": n, "html_per_s": round(html_rate, 1), "pdf_per_s": round(pdf_rate, 2),
        "signed_pdf_per_s": round(signed_rate, 2), "pdf_bytes": len(rendered.pdf), "pages": rendered.page_count,
        "html_chars": len(html), "ratio_html_over_pdf": round(html_rate / pdf_rate, 1),
        "maxrss_mb_after_startup": round(rss_start, 1), "maxrss_mb_after_pdfs": round(_maxrss_mb(), 1),
        "python_heap_peak_mb_one_render": round(heap_peak, 1),
    }  # fmt: skip


def _long_html(pages: int) -> str:
    from sanxiang.documents import rendering

    data = decision_data(1)
    data["case"]["summary"] = "当事人在站前街道中央路占用城市道路摆摊设点经营水果，经劝导后仍未改正。" * 16 * pages
    return rendering.render_html("penalty_decision", data, META)


def dossier(pages: int) -> dict[str, Any]:
    from sanxiang.documents import rendering
    from sanxiang.documents.dossier import merge_pdfs

    started = time.perf_counter()
    html = _long_html(pages)
    html_s = time.perf_counter() - started
    started = time.perf_counter()
    rendered = rendering.html_to_pdf(html)
    pdf_s = time.perf_counter() - started
    part = rendering.render_document("penalty_decision", decision_data(2), META)
    parts = [part.pdf] * max(1, pages // part.page_count)
    started = time.perf_counter()
    merged = merge_pdfs(parts)
    merge_s = time.perf_counter() - started
    return {
        "target_pages": pages, "pages_laid_out": rendered.page_count, "html_s": round(html_s, 3),
        "render_s": round(pdf_s, 2), "ratio_render_over_html": round(pdf_s / html_s, 1),
        "s_per_page": round(pdf_s / rendered.page_count, 3), "merge_parts": len(parts),
        "merged_pages": len(parts) * part.page_count, "merge_s": round(merge_s, 2), "merged_bytes": len(merged),
        "maxrss_mb_after_dossier": round(_maxrss_mb(), 1),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench documents")
    parser.add_argument("--decisions", type=int, default=30)
    parser.add_argument("--dossier-pages", type=int, default=200)
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="sanxiang-bench-docs-")
    setup_django(f"sqlite:///{data_dir}/unused.sqlite3", data_dir)
    result = {"machine": platform.platform(), "python": platform.python_version(),
              "decision": decisions(args.decisions), "dossier": dossier(args.dossier_pages)}  # fmt: skip
    d, s = result["decision"], result["dossier"]
    print(
        f"decision HTML (reference): {d['html_per_s']}/s; PDF: {d['pdf_per_s']}/s ({d['pages']} pages, "
        f"{d['pdf_bytes'] // 1024} KiB); signed PDF: {d['signed_pdf_per_s']}/s; HTML/PDF ratio {d['ratio_html_over_pdf']}x"
    )
    print(
        f"peak RSS {d['maxrss_mb_after_startup']} MB after start-up -> {d['maxrss_mb_after_pdfs']} MB after the PDFs; "
        f"Python heap peak of one render {d['python_heap_peak_mb_one_render']} MB"
    )
    print(f"dossier of {s['pages_laid_out']} pages: render {s['render_s']} s ({s['s_per_page']} s/page) vs HTML "
          f"{s['html_s']} s (ratio {s['ratio_render_over_html']}x); merge of {s['merge_parts']} issued PDFs "
          f"({s['merged_pages']} pages): {s['merge_s']} s; peak RSS {s['maxrss_mb_after_dossier']} MB")  # fmt: skip
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "documents.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
