"""PDF assessment reports (issue 6): text layer, fonts, pages, safety, run directories.

PDFs are checked through poppler (``pdftotext``, ``pdffonts``, ``pdfinfo``),
never by their bytes; ``make test`` installs poppler-utils.
"""

from __future__ import annotations

import gc
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import evalkit.report.publish as publish
import evalkit.report.render as render
from evalkit import evaluate, load_candidates, load_criteria
from evalkit import report as rep
from evalkit.cli import cli
from evalkit.decide.robustness import robustness as robustness_of
from evalkit.decide.scenario import load_scenario
from evalkit.decide.selection import select_towns
from evalkit.errors import InputError
from evalkit.paths import (
    DEFAULT_CANDIDATES,
    DEFAULT_CRITERIA,
    DEFAULT_SCENARIO,
    PROJECT_ROOT,
    TEMPLATES,
)
from evalkit.report.fonts import choose, parse_fc_list

TARGETS = PROJECT_ROOT / "criteria" / "targets.yaml"
NOW = datetime(2025, 3, 1, 10, 0, tzinfo=timezone(timedelta(hours=8)))
TOWNS_ZH = ("青山镇", "临河镇", "石桥镇", "云溪镇", "柳塘镇")
MALICIOUS = '<img src="file:///etc/passwd">'

for tool in ("pdftotext", "pdffonts", "pdfinfo"):
    if shutil.which(tool) is None:  # pragma: no cover - make test installs poppler-utils
        raise RuntimeError(f"{tool} is missing: apt-get install poppler-utils (make test does)")


def pdftext(path_or_bytes: Path | bytes, tmp: Path | None = None) -> str:
    if isinstance(path_or_bytes, bytes):
        assert tmp is not None
        path = tmp / "doc.pdf"
        path.write_bytes(path_or_bytes)
    else:
        path = path_or_bytes
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))  # type: ignore[union-attr]


def flat(text: str) -> str:
    """pdftotext breaks lines and pads columns; compare without whitespace."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def evaluation():
    return evaluate(load_criteria(DEFAULT_CRITERIA), load_candidates(DEFAULT_CANDIDATES))


@pytest.fixture(scope="module")
def selection(evaluation):
    return select_towns(evaluation, load_scenario(DEFAULT_SCENARIO))


@pytest.fixture(scope="module")
def robustness(evaluation):
    return robustness_of(evaluation, scenario=load_scenario(DEFAULT_SCENARIO), seed=0)


@pytest.fixture(scope="module")
def sample_run(evaluation, selection, robustness, tmp_path_factory):
    """One full run of the sample: both languages, summary and town reports."""
    report = rep.build_report(evaluation, selection=selection, robustness=robustness,
                              targets=TARGETS, now=NOW)
    run = rep.render_reports(report, langs=("zh", "en"), out=tmp_path_factory.mktemp("out"))
    return report, run


# --- the text layer, fonts and pages ------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_summary_text_has_towns_recommendation_and_weights(sample_run, selection, lang):
    report, run = sample_run
    path = run.directory / f"summary_{lang}.pdf"
    text = flat(pdftext(path))
    for name in TOWNS_ZH:  # Chinese names appear in both languages
        assert name in text
    for town in selection.selected:
        assert town.name in text and str(town.year) in text
    weights = report.evaluation.weights.as_dict()
    for value in list(weights.values())[:5]:
        assert f"{value:.4f}" in text
    assert ("评估结论摘要" if lang == "zh" else "Executivesummary") in text
    assert ("排名可接受度" if lang == "zh" else "Rankacceptability") in text
    assert "Saaty(1980)" in text  # the RI table is named (flat text: no spaces)
    assert 18 <= pages(path) <= 42  # English sources name the plan by its title: longer cells


def test_summary_zh_conventions(sample_run):
    _, run = sample_run
    text = pdftext(run.directory / "summary_zh.pdf")
    assert re.search(r"表\s*1\s", text) and re.search(r"图\s*1\s", text)
    assert "亿元" in text
    assert re.search(r"第 \d+ 页\s+共 \d+ 页", text)  # page numbers
    assert "示例市乡镇改市区候选镇综合评估报告" in flat(text)  # running header and cover
    for block in ("编制", "审核", "批准"):
        assert block in text


def test_summary_en_reads_as_english(sample_run):
    """Amounts in billions, verbs agreeing with one town, the solver status in words."""
    report, run = sample_run
    text = " ".join(pdftext(run.directory / "summary_en.pdf").split())
    assert "CNY 15.40 billion in total" in text  # 154.0 亿元
    assert "hundred million yuan" not in text
    chosen = report.robustness.selection
    names = dict(zip(report.evaluation.matrix.ids, report.evaluation.matrix.names_en, strict=True))
    zh = dict(zip(report.evaluation.matrix.ids, report.evaluation.matrix.names, strict=True))
    sure = [t for t, c in zip(report.robustness.ids, chosen.core_index, strict=True) if c >= 0.9]
    if len(sure) == 1:  # one town: the verb agrees with it
        assert f"{names[sure[0]]} ({zh[sure[0]]}) is chosen in at least 90% of the draws" in text
    # Screened out: said as such, never as a robustness finding ("chosen in no draw").
    assert "Liutang (柳塘镇) did not pass this scenario's screen" in text
    assert "Liutang (柳塘镇) is chosen in no draw" not in text
    assert "depends on the weights and the cost estimates" in text
    assert "costs were also varied at random within ±20%" in text
    infeasible = rep.text.fmt_pct(chosen.infeasible, 1)
    assert f"In {infeasible} of the scenarios no set of towns met the limits" in text
    assert f"(no set meets the limits) {infeasible}" in text  # so the shares add up to 100%
    assert "In 10,000 weight draws" in text
    assert "solver status: proven optimal" in text
    # (the table cell wraps and pdftotext sets the next column beside it: compare its start)
    assert "Liutang(柳塘镇)Failsthestandardsscreen:Tap-water" in flat(text)


def test_summary_zh_solver_status_and_exclusion_in_chinese(sample_run):
    report, run = sample_run
    text = flat(pdftext(run.directory / "summary_zh.pdf"))
    assert "求解状态：已证明最优" in text and "optimal" not in text
    assert "柳塘镇未通过设置标准审查：自来水普及率（%）：" in text  # full-width in Chinese
    assert "自来水普及率（%）：88<90" in text
    assert "在10000组权重抽样中" in text
    # 陈立 left two pairs out; their filled-in values are starred in his matrices (the
    # HTML: pdftotext may set a superscript on a line of its own)
    html = rep.summary_html(report, "zh")
    assert len(re.findall(r'<td class="num">[^<]*<sup>\*</sup></td>', html)) == 2
    assert "0.76<sup>*</sup></td>" in html and "1.11<sup>*</sup></td>" in html


def test_render_freezes_older_objects_only_while_it_runs():
    assert gc.get_freeze_count() == 0
    with render._long_lived_objects_frozen():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    gc.freeze()  # a program that freezes objects itself keeps them frozen
    try:
        before = gc.get_freeze_count()
        with render._long_lived_objects_frozen():
            pass
        assert gc.get_freeze_count() == before
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_town_reports_one_per_town(sample_run, lang):
    _, run = sample_run
    for town, name in zip(("T1", "T2", "T3", "T4", "T5"), TOWNS_ZH, strict=True):
        path = run.directory / f"town_{town}_{lang}.pdf"
        text = flat(pdftext(path))
        assert name in text
        assert ("对标2027年建设目标" if lang == "zh" else "Gapstothe2027targets") in text
        assert 3 <= pages(path) <= 8


def test_embedded_cjk_font(sample_run):
    _, run = sample_run
    for path in (run.directory / "summary_zh.pdf", run.directory / "town_T1_en.pdf"):
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                               check=True).stdout
        cjk = [line for line in fonts.splitlines() if "CJK" in line]
        assert cjk, fonts
        assert all(line.split()[-5] == "yes" for line in cjk), fonts  # the "emb" column


def test_same_inputs_same_text_apart_from_the_time(sample_run, tmp_path):
    report, run = sample_run
    later = datetime(2026, 7, 9, 16, 30, 5, tzinfo=UTC)
    again = rep.Report(**{**report.__dict__, "now": later})
    assert again.input_hash() == report.input_hash()
    first = pdftext(run.directory / "summary_zh.pdf")
    second = pdftext(rep.render_summary_pdf(again, "zh"), tmp_path)
    for moment in (NOW, later):  # the documents state the time in Beijing time
        shown = moment.astimezone(timezone(timedelta(hours=8)))
        for stamp in (shown.isoformat(timespec="seconds"), rep.fmt_date(shown, "zh")):
            first, second = first.replace(stamp, "<TIME>"), second.replace(stamp, "<TIME>")
    assert first == second


# --- safety --------------------------------------------------------------------------------


def test_fetcher_serves_only_the_templates_directory(tmp_path):
    fetcher = rep.TemplateFetcher(TEMPLATES, {"c.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>"})
    css = fetcher.fetch((TEMPLATES / "base.css").resolve().as_uri())
    assert b"@page" in css.read()
    assert b"<svg" in fetcher.fetch((TEMPLATES / "charts" / "c.svg").resolve().as_uri()).read()
    refused = [
        "file:///etc/passwd",
        (TEMPLATES / ".." / "evalkit" / "report.py").as_uri(),
        TEMPLATES.resolve().as_uri() + "/../pyproject.toml",
        "http://example.com/x.png",
        "https://127.0.0.1/x.css",
        "ftp://example.com/x",
        "data:text/plain;base64,aGVsbG8=",
        (TEMPLATES / "charts" / "other.svg").resolve().as_uri(),
        "file://otherhost/etc/passwd",
    ]
    for url in refused:
        with pytest.raises(rep.RefusedURL):
            fetcher.fetch(url)
    assert len(fetcher.refused) == len(refused)


def test_fetcher_refuses_symlinks_out_of_the_root(tmp_path):
    root = tmp_path / "templates"
    root.mkdir()
    (root / "ok.css").write_text("p {}")
    (root / "escape.css").symlink_to("/etc/passwd")
    fetcher = rep.TemplateFetcher(root)
    assert fetcher.fetch((root / "ok.css").as_uri()).read() == b"p {}"
    with pytest.raises(rep.RefusedURL):
        fetcher.fetch((root / "escape.css").as_uri())


def test_malicious_town_name_is_text_and_reads_no_file(tmp_path, monkeypatch):
    quoted = '"' + MALICIOUS.replace('"', '""') + '"'  # a CSV cell holding the markup
    table = DEFAULT_CANDIDATES.read_text(encoding="utf-8").replace("青山镇", quoted, 1)
    csv = tmp_path / "towns.csv"
    csv.write_text(table, encoding="utf-8")
    evaluation = evaluate(load_criteria(DEFAULT_CRITERIA), load_candidates(csv))
    assert MALICIOUS in evaluation.matrix.names

    fetched: list[str] = []
    original = rep.TemplateFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(rep.TemplateFetcher, "fetch", spy)
    report = rep.build_report(evaluation, now=NOW)
    html = rep.summary_html(report, "zh")
    assert MALICIOUS not in html and "&lt;img src=" in html
    text = pdftext(rep.render_summary_pdf(report, "zh"), tmp_path)
    assert MALICIOUS in text
    assert "root:x:0:0" not in text
    # No selection or robustness was given: each section says it was not run.
    assert "本次未进行改区方案优选分析" in flat(text)
    assert "本次未进行稳健性分析" in flat(text)
    # Only the stylesheet, the report's charts and the images inside them were asked for.
    root = TEMPLATES.resolve().as_uri() + "/"
    files = [url for url in fetched if not url.startswith("data:")]
    assert files and all(url.startswith(root) for url in files), files
    assert all(url.startswith("data:image/png;base64,") for url in fetched if url not in files)


def test_file_names_from_town_ids_are_sanitised():
    assert rep.safe_stem("T1") == "T1"
    for bad in ("../../etc/x", "a/b", "镇1", "x" * 80, "", "a b"):
        stem = rep.safe_stem(bad)
        assert re.fullmatch(r"[A-Za-z0-9_-]+", stem) and stem != bad
    stems = publish.town_stems(["Ab", "aB", "../x"])
    assert len({s.lower() for s in stems.values()}) == 3


def test_autoescaping_is_on_for_every_template():
    env = rep.environment()
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    assert env.get_template("summary.html.j2").environment.autoescape is True


# --- run directories -------------------------------------------------------------------


def test_a_second_run_never_touches_the_first(evaluation, tmp_path, monkeypatch):
    monkeypatch.setattr(render, "html_to_pdf", lambda html, charts=(), **_: b"%PDF-1.7 stub")
    report = rep.build_report(evaluation, now=NOW)
    first = rep.render_reports(report, out=tmp_path, towns=False, workers=1)
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in first.files}
    second = rep.render_reports(report, out=tmp_path, towns=False, workers=1)
    assert second.directory != first.directory
    assert second.directory.name == first.directory.name + "-2"
    assert first.directory.name.startswith("20250301-100000-")
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in first.files} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [first.directory.name, second.directory.name])  # no temporary directory left


def test_a_failed_run_leaves_nothing(evaluation, tmp_path, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("render failed")

    monkeypatch.setattr(render, "html_to_pdf", broken)
    with pytest.raises(RuntimeError):
        rep.render_reports(rep.build_report(evaluation, now=NOW), out=tmp_path, towns=False,
                           workers=1)
    assert list(tmp_path.iterdir()) == []


# --- fonts ------------------------------------------------------------------------------


def test_no_cjk_font_stops_with_an_install_hint(monkeypatch, evaluation):
    from evalkit.report import fonts

    monkeypatch.setattr(fonts, "_fc_list", lambda: "")  # fontconfig knows no Chinese font
    fonts.find_cjk_fonts.cache_clear()
    try:
        with pytest.raises(InputError, match="apt-get install fonts-noto-cjk"):
            rep.build_report(evaluation)
        result = CliRunner().invoke(cli, ["report", "--no-towns"])
        assert result.exit_code == 2
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: ")
        assert "apt-get install fonts-noto-cjk" in lines[0]
    finally:
        fonts.find_cjk_fonts.cache_clear()


def test_font_choice_prefers_simplified_chinese():
    listing = ("Noto Sans CJK JP|Regular|/f/NotoSansCJK-Regular.ttc|0\n"
               "Noto Sans CJK SC|Regular|/f/NotoSansCJK-Regular.ttc|2\n"
               "Noto Sans CJK SC|Bold|/f/NotoSansCJK-Bold.ttc|2\n"
               "Evil\"; } body {|Regular|/f/evil.ttf|0\n")
    chosen = choose(parse_fc_list(listing))
    assert chosen.sans == "Noto Sans CJK SC" and chosen.serif == "Noto Sans CJK SC"
    assert {f.path for f in chosen.files} == {"/f/NotoSansCJK-Regular.ttc",
                                              "/f/NotoSansCJK-Bold.ttc"}


# --- charts and text ---------------------------------------------------------------------


def test_charts_keep_text_as_text_in_the_cjk_font():
    from evalkit.report import charts
    from evalkit.report.fonts import find_cjk_fonts

    fonts = find_cjk_fonts()
    svg = charts.ranked_bars(["青山镇", "$x^2$ town"], [0.8, 0.2], fonts=fonts, xlabel="贴近度")
    assert ">青山镇</text>" in svg and ">$x^2$ town</text>" in svg  # not mathtext
    assert f"'{fonts.sans}'" in svg
    assert svg.startswith("<svg")


def test_strings_have_both_languages_with_the_same_placeholders():
    data = yaml.safe_load((TEMPLATES / "strings.yaml").read_text(encoding="utf-8"))
    for key, entry in data.items():
        assert set(entry) == {"zh", "en"}, key
        assert set(re.findall(r"{(\w+)}", entry["zh"])) == set(
            re.findall(r"{(\w+)}", entry["en"])), key


# --- the command ---------------------------------------------------------------------------


def test_cli_writes_the_reports_and_prints_their_paths(tmp_path, monkeypatch):
    monkeypatch.setattr(render, "html_to_pdf", lambda html, charts=(), **_: b"%PDF-1.7 stub")
    result = CliRunner().invoke(cli, ["report", "--no-towns", "--lang", "en",
                                      "--out", str(tmp_path), "--time", "2025-03-01T10:00:00"])
    assert result.exit_code == 0, result.output
    printed = [line for line in result.stdout.splitlines() if line.endswith(".pdf")]
    assert len(printed) == 1 and printed[0].endswith("summary_en.pdf")
    written = list(tmp_path.glob("*/summary_en.pdf"))
    assert len(written) == 1 and written[0].name == Path(printed[0]).name


def test_cli_bad_time_is_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["report", "--time", "yesterday", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "--time 'yesterday' is not an ISO time" in result.output
