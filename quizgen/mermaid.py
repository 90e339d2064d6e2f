"""Mermaid flowcharts (`graph` / `flowchart`) -> a tree of labelled nodes.

Only the parts that carry knowledge are read: nodes, their labels and the edges between them
(with their labels). Styling, classes, clicks and subgraph frames are skipped. A graph is a
tree for our purposes: each node is expanded under its first parent; later parents get a
reference leaf, which also makes cycles harmless.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_DEPTH = 64

_HEADER = re.compile(r"^\s*(?:graph|flowchart)(?:\s+(?:TB|TD|BT|RL|LR))?\s*(?:;|$)", re.I)
_SKIP = re.compile(
    r"^\s*(?:%%|classDef\b|class\b|style\b|linkStyle\b|click\b|end\s*$|direction\b|subgraph\b"
    r"|accTitle|accDescr)",
    re.I,
)
_ID = re.compile(r"[^\W\d_]\w*|\d\w*|_\w*", re.UNICODE)
_OPENERS = (
    ("(((", ")))"), ("((", "))"), ("([", "])"), ("[[", "]]"), ("[(", ")]"), ("{{", "}}"),
    ("[/", "/]"), ("[\\", "\\]"), (">", "]"), ("(", ")"), ("[", "]"), ("{", "}"),
)  # fmt: skip
_TEXT_EDGE = re.compile(
    r"\s*<?(?:--|==|-\.)\s+(?P<text>[^\s|>][^|>]*?)\s+(?:-{2,}|={2,}|\.-+|-\.+-?)[>ox]?\s*"
)
_EDGE = re.compile(r"\s*<?(?=[-=.~]*[-=~]{2}|-\.)[-=.~]{2,}[>ox]?\s*(?:\|(?P<text>[^|]*)\|)?\s*")
_AMP = re.compile(r"\s*&\s*")


@dataclass
class Flowchart:
    labels: dict[str, str] = field(default_factory=dict)  # id -> label, in order of appearance
    lines: dict[str, int] = field(default_factory=dict)  # id -> 0-based line in the source
    edges: list[tuple[str, str, str]] = field(default_factory=list)  # (source, target, label)


@dataclass(frozen=True)
class TreeNode:
    id: str
    label: str
    line: int
    edge_label: str = ""
    children: tuple[TreeNode, ...] = ()
    ref: bool = False  # already expanded under another parent


def is_flowchart(source: str) -> bool:
    for line in source.splitlines():
        if line.strip() and not line.strip().startswith("%%"):
            return bool(_HEADER.match(line))
    return False


def _clean_label(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'`":
        text = text[1:-1]
    text = re.sub(r"<br\s*/?>", " ", text, flags=re.I)
    text = re.sub(r"#(\w+);", lambda m: _ENTITIES.get(m.group(1), " "), text)
    return re.sub(r"\s+", " ", text).strip()


_ENTITIES = {"quot": '"', "amp": "&", "lt": "<", "gt": ">", "nbsp": " ", "35": "#", "59": ";"}


def _node(stmt: str, pos: int, chart: Flowchart, line: int) -> tuple[str, int] | None:
    """Parse `id` or `id<shape>label<close>` at `pos`; return the id and the new position."""
    while pos < len(stmt) and stmt[pos] == " ":
        pos += 1
    m = _ID.match(stmt, pos)
    if not m:
        return None
    node_id, pos = m.group(0), m.end()
    label: str | None = None
    for opener, closer in _OPENERS:
        if not stmt.startswith(opener, pos):
            continue
        start = pos + len(opener)
        if start < len(stmt) and stmt[start] == '"':
            end_quote = stmt.find('"', start + 1)
            if end_quote < 0:
                return None
            close = stmt.find(closer, end_quote + 1)
        elif len(opener) == 1 and opener in "([{":
            close = _matching(stmt, start, opener, closer)
        else:
            close = stmt.find(closer, start)
        if close < 0:
            return None
        label = _clean_label(stmt[start:close])
        pos = close + len(closer)
        break
    if node_id not in chart.labels:
        chart.labels[node_id] = label or node_id
        chart.lines[node_id] = line
    elif label:
        chart.labels[node_id] = label
    return node_id, pos


def _matching(text: str, start: int, opener: str, closer: str) -> int:
    depth = 1
    for i in range(start, len(text)):
        if text[i] == opener:
            depth += 1
        elif text[i] == closer:
            depth -= 1
            if depth == 0:
                return i
    return -1


def _group(stmt: str, pos: int, chart: Flowchart, line: int) -> tuple[list[str], int] | None:
    first = _node(stmt, pos, chart, line)
    if first is None:
        return None
    ids, pos = [first[0]], first[1]
    while m := _AMP.match(stmt, pos):
        nxt = _node(stmt, m.end(), chart, line)
        if nxt is None:
            break
        ids.append(nxt[0])
        pos = nxt[1]
    return ids, pos


def _statement(stmt: str, chart: Flowchart, line: int) -> None:
    parsed = _group(stmt, 0, chart, line)
    if parsed is None:
        return
    sources, pos = parsed
    while pos < len(stmt):
        m = _TEXT_EDGE.match(stmt, pos) or _EDGE.match(stmt, pos)
        if not m:
            return
        edge_label = _clean_label(m.group("text") or "")
        target = _group(stmt, m.end(), chart, line)
        if target is None:
            return
        targets, pos = target
        chart.edges.extend((s, t, edge_label) for s in sources for t in targets)
        sources = targets


def parse_flowchart(source: str) -> Flowchart | None:
    """A flowchart's nodes and edges, or None when `source` is not a flowchart."""
    lines = source.splitlines()
    chart = Flowchart()
    header_seen = False
    for n, raw in enumerate(lines):
        text = raw.strip()
        if not text or text.startswith("%%"):
            continue
        if not header_seen:
            m = _HEADER.match(text)
            if not m:
                return None
            header_seen = True
            text = text[m.end() :]
        for stmt in _split_statements(text):
            if stmt and not _SKIP.match(stmt):
                _statement(stmt, chart, n)
    return chart if header_seen else None


def _split_statements(text: str) -> list[str]:
    """Split on `;` outside brackets and quotes."""
    out, depth, quote, start = [], 0, False, 0
    for i, ch in enumerate(text):
        if ch == '"':
            quote = not quote
        elif not quote and ch in "([{":
            depth += 1
        elif not quote and ch in ")]}":
            depth = max(0, depth - 1)
        elif ch == ";" and not quote and depth == 0:
            out.append(text[start:i].strip())
            start = i + 1
    out.append(text[start:].strip())
    return out


def flowchart_tree(chart: Flowchart, max_depth: int = MAX_DEPTH) -> tuple[TreeNode, ...]:
    """The chart as a forest rooted at nodes without incoming edges (or its first node)."""
    children: dict[str, list[tuple[str, str]]] = {}
    incoming: set[str] = set()
    for src, dst, label in chart.edges:
        kids = children.setdefault(src, [])
        if all(dst != d for d, _ in kids) and src != dst:
            kids.append((dst, label))
            incoming.add(dst)
    roots = [n for n in chart.labels if n not in incoming] or list(chart.labels)[:1]
    expanded: set[str] = set()

    def build(node_id: str, edge_label: str, depth: int) -> TreeNode:
        label, line = chart.labels[node_id], chart.lines[node_id]
        if node_id in expanded or depth >= max_depth:
            return TreeNode(node_id, label, line, edge_label, (), ref=node_id in expanded)
        expanded.add(node_id)
        kids = tuple(build(d, lab, depth + 1) for d, lab in children.get(node_id, []))
        return TreeNode(node_id, label, line, edge_label, kids)

    forest = [build(root, "", 0) for root in roots]
    for node_id in chart.labels:  # parts reachable only through a cycle
        if node_id not in expanded:
            forest.append(build(node_id, "", 0))
    return tuple(forest)
