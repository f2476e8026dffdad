"""The run report as one HTML page a person opens offline: no script, font or stylesheet is
fetched from anywhere; the CSS is inline, and folding uses the browser's own `<details>`.

Every value is escaped with the standard library's `html.escape`; the records are already
scrubbed (`oneentry_contracts.reporting.report`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from html import escape

from oneentry_contracts.reporting.report import (
    Exchange,
    RunReport,
    ScenarioRecord,
    StepRecord,
    Violation,
)

__all__ = ["REPORT_HTML", "render_html"]

REPORT_HTML = "report.html"

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:72em;
 padding:0 1em;color:#1d2330;background:#fff}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.6em}
h4{margin:.8em 0 .3em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #d0d5dd;padding:.25em .6em;
 text-align:left;vertical-align:top}th{background:#f2f4f7}td.n{text-align:right}
pre{background:#f6f8fa;border:1px solid #e1e4e8;padding:.6em;overflow-x:auto;white-space:pre-wrap;
 word-break:break-word;margin:.3em 0}
details.scenario{border:1px solid #d0d5dd;border-radius:4px;margin:.4em 0;padding:.3em .8em}
details.scenario>summary{cursor:pointer;font-weight:600}
ol.steps{padding-left:1.5em}ol.steps>li{margin:.25em 0}
.badge{display:inline-block;min-width:4.6em;text-align:center;border-radius:3px;padding:0 .4em;
 font-size:.85em;font-weight:600;color:#fff;margin-right:.4em}
.passed{background:#1a7f37}.failed{background:#cf222e}.skipped{background:#8c959f}
.kw{font-weight:600}.muted{color:#57606a;font-size:.9em}
.fail{border-left:4px solid #cf222e;padding-left:.7em;margin:.4em 0}
"""


def render_html(report: RunReport) -> str:
    """The whole page."""
    total = {"passed": 0, "failed": 0, "skipped": 0}
    for row in report.counts().values():
        for outcome, count in row.items():
            total[outcome] += count
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>oneentry-contracts report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>oneentry-contracts report</h1>",
        f'<p class="muted">mode: {escape(report.mode)} &middot; '
        f"{total['passed']} passed, {total['failed']} failed, {total['skipped']} skipped</p>",
        _summary(report),
    ]
    by_feature: dict[str, list[ScenarioRecord]] = {}
    for scenario in report.scenarios:
        by_feature.setdefault(scenario.feature, []).append(scenario)
    for feature, scenarios in sorted(by_feature.items()):
        title = scenarios[0].feature_title or feature
        parts.append(
            f'<h2 id="{escape(feature)}">{escape(title)} '
            f'<span class="muted">({escape(feature)}.feature)</span></h2>'
        )
        parts.extend(_scenario(s) for s in scenarios)
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _summary(report: RunReport) -> str:
    rows = [
        "<table><tr><th>feature</th><th>passed</th><th>failed</th><th>skipped</th></tr>",
        *(
            f'<tr><td><a href="#{escape(f)}">{escape(f)}</a></td>'
            f'<td class="n">{c["passed"]}</td><td class="n">{c["failed"]}</td>'
            f'<td class="n">{c["skipped"]}</td></tr>'
            for f, c in report.counts().items()
        ),
        "</table>",
    ]
    return "\n".join(rows)


def _badge(outcome: str) -> str:
    return f'<span class="badge {escape(outcome)}">{escape(outcome)}</span>'


def _scenario(scenario: ScenarioRecord) -> str:
    opened = " open" if scenario.outcome == "failed" else ""
    cassette = ""
    if scenario.cassette:
        change = f" ({scenario.cassette_change})" if scenario.cassette_change else ""
        cassette = f"<br>cassette: <code>{escape(scenario.cassette)}</code>{escape(change)}"
    parts = [
        f'<details class="scenario"{opened}><summary>{_badge(scenario.outcome)}'
        f"{escape(scenario.name)} "
        f'<span class="muted">{scenario.duration:.3f} s</span></summary>',
        f'<p class="muted">test: <code>{escape(scenario.nodeid)}</code>{cassette}</p>',
        '<ol class="steps">',
        *(_step(step) for step in scenario.steps),
        "</ol>",
    ]
    if scenario.failure:
        parts.append(
            "<details><summary>pytest's failure text</summary>"
            f"<pre>{escape(scenario.failure)}</pre></details>"
        )
    parts.append("</details>")
    return "\n".join(parts)


def _step(step: StepRecord) -> str:
    duration = f" {step.duration:.3f} s" if step.outcome != "skipped" else " not run"
    parts = [
        f'<li>{_badge(step.outcome)}<span class="kw">{escape(step.keyword)}</span> '
        f'{escape(step.text)} <span class="muted">line {step.line} &middot;{duration}</span>'
    ]
    if step.table:
        parts.append(_table(step.table[0], step.table[1:]))
    if step.outcome == "failed":
        parts.append('<div class="fail">')
        parts.append(f"<h4>Error</h4><pre>{escape(step.error)}</pre>")
        if step.violation is not None:
            parts.append(_violation(step.violation))
        if step.exchange is not None:
            parts.append(_exchange(step.exchange))
        parts.append("</div>")
    parts.append("</li>")
    return "\n".join(parts)


def _violation(violation: Violation) -> str:
    rows = [("schema", violation.schema), ("keyword", violation.keyword)]
    rows.append(("pointer", violation.pointer or "/"))
    parts = [
        "<h4>Schema violation</h4>",
        _table(("", ""), rows, header=False),
        f"<div>value at the pointer:</div><pre>{escape(violation.value)}</pre>",
    ]
    if len(violation.errors) > 1:
        items = "".join(f"<li>{escape(e)}</li>" for e in violation.errors)
        parts.append(f"<div>every violation:</div><ul>{items}</ul>")
    return "\n".join(parts)


def _exchange(exchange: Exchange) -> str:
    return "\n".join(
        [
            "<h4>Request</h4>",
            f'<p class="muted">the scenario\'s last exchange, made by the step '
            f"&ldquo;{escape(exchange.step)}&rdquo;</p>",
            f"<pre>{escape(exchange.method)} {escape(exchange.url)}</pre>",
            _table(("header", "value"), exchange.request_headers),
            _body(exchange.request_body),
            "<h4>Response</h4>",
            f"<pre>status {exchange.status}</pre>",
            _table(("header", "value"), exchange.response_headers),
            _body(exchange.response_body),
        ]
    )


def _body(body: str) -> str:
    if not body:
        return '<p class="muted">(no body)</p>'
    try:
        shown = json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except ValueError:
        shown = body
    return f"<pre>{escape(shown)}</pre>"


def _table(head: Iterable[str], rows: Iterable[Iterable[str]], *, header: bool = True) -> str:
    parts = ["<table>"]
    if header:
        parts.append("<tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr>")
    for row in rows:
        parts.append("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>")
    parts.append("</table>")
    return "\n".join(parts)
