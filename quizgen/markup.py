"""Inline Obsidian Markdown -> plain text and safe HTML.

markdown-it gives us the block structure; inline text is handled here, by one scanner, because
Obsidian's inline syntax (wikilinks, embeds, ==highlights==, math) is not CommonMark and because
the extraction rules need positions in the raw text: `mask()` hides spans in which a separator
never counts (code, math, links, HTML...) without changing any offset.

Every quantifier is bounded so that a pathological line (a 5 MB paragraph full of `**`) stays
linear instead of quadratic.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

MASK: Final = "\ue000"  # a private-use character: never in real text, one per masked char
ZWSP: Final = "\u200b"  # stands in for markers the analysis drops; rendering removes it
# How an embedded image reads in plain text; exporters that show the image drop it.
IMAGE_LABEL: Final = re.compile(r"\[image: [^\]\n]+\]")

IMAGE_EXTENSIONS: Final = frozenset(
    {"png", "jpg", "jpeg", "gif", "bmp", "svg", "webp", "avif", "tif", "tiff", "ico"}
)
AUDIO_VIDEO_EXTENSIONS: Final = frozenset(
    {"mp3", "wav", "ogg", "m4a", "flac", "mp4", "webm", "mov"}
)

# Order matters: at each position the first alternative that matches wins. Every form starts
# where _INLINE_START matches (see _matches).
_INLINE = re.compile(
    r"""
    (?P<comment><!--(?:.{0,2000}?)(?:-->|$)|\{%.{0,300}?%\}|\{\{<.{0,300}?>\}\}|\{\{%.{0,300}?%\}\})
  | (?P<code>(?P<ticks>`{1,3})(?P<code_body>[^`].{0,2000}?|`)(?P=ticks)(?!`))
  | (?P<math2>\$\$(?P<math2_body>[^$]{1,4000}?)\$\$)
  | (?P<math>\$(?P<math_body>[^\s$](?:[^$\n]{0,2000}?[^\s$\\])?)\$(?!\d))
  | (?P<embed>!\[\[(?P<embed_target>[^\[\]\n|]{1,200})(?:\|(?P<embed_alias>[^\[\]\n]{0,200}))?\]\])
  | (?P<wiki>\[\[(?P<wiki_target>[^\[\]\n|]{0,200})(?:\|(?P<wiki_alias>[^\[\]\n]{0,200}))?\]\])
  | (?P<image>!\[(?P<image_alt>[^\[\]\n]{0,300})\]\((?P<image_src>[^)\n]{0,500})\))
  | (?P<pandoc_span>\[(?P<pspan_text>[^\[\]\n]{1,300})\]\{[.#][^}\n]{0,100}\})
  | (?P<link>\[(?P<link_text>[^\[\]\n]{1,300})\]
             \((?P<link_href>[^)\s]{0,1000})(?:\s+"[^"\n]{0,500}")?\))
  | (?P<autolink><(?P<autolink_url>(?:https?|mailto|ftp):[^>\s]{1,1000})>)
  | (?P<url>(?:https?|ftp)://[^\s<>()\[\]]{0,1000}[^\s<>()\[\].,;:!?'"])
  | (?P<anki_cloze>\{\{c\d{1,3}::(?P<anki_body>.{0,1000}?)(?:::(?P<anki_hint>[^}]{0,200}))?\}\})
  | (?P<html></?[A-Za-z][A-Za-z0-9-]{0,30}(?:\s[^<>]{0,500})?/?>)
  | (?P<entity>&(?:\#[0-9]{1,7}|\#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)
  | (?P<attrs>\{:[^}\n]{0,300}\})
  | (?P<escape>\\(?P<escaped>[!-/:-@\[-`{-~]))
  | (?P<bolditalic>\*\*\*(?=[^\s*])(?P<bi_body>.{0,1000}?[^\s\\*])\*\*\*(?!\*))
  | (?P<bold>\*\*(?=[^\s*])(?P<bold_body>.{0,1000}?[^\s\\])\*\*(?!\*)
           |__(?=\S)(?P<bold_body2>.{0,1000}?[^\s\\])__)
  | (?P<highlight>==(?=[^\s=])(?P<hl_body>.{0,1000}?[^\s\\=])==)
  | (?P<strike>~~(?=\S)(?P<strike_body>.{0,1000}?\S)~~)
  | (?P<insert>\+\+(?=\S)(?P<ins_body>.{0,1000}?\S)\+\+)
  | (?P<caret>(?<=\w)\^(?P<caret_body>[^\s^]{1,20})\^)
  | (?P<italic>\*(?=[^\s*])(?P<it_body>.{0,1000}?[^\s*\\])\*
             |(?<!\w)_(?=[^\s_])(?P<it_body2>.{0,1000}?[^\s_\\])_(?!\w))
  | (?P<footnote>\[\^[^\]\s]{1,100}\])
  | (?P<tag>(?<![\w&/#\\])\#(?P<tag_name>[\w/-]{0,100}[^\W\d][\w/-]{0,100}))
  | (?P<block_id>(?<=\s)\^[A-Za-z0-9-]{1,64}$)
    """,
    re.VERBOSE | re.DOTALL,
)

# Spans in which separators (`:`, ` - `, `::`, `?`) and sentence ends never count.
_OPAQUE: Final = frozenset(
    {"comment", "code", "math2", "math", "embed", "wiki", "image", "link", "autolink", "url",
     "anki_cloze", "html", "entity", "attrs", "escape", "footnote", "block_id"}
)  # fmt: skip
EMPHASIS_KINDS: Final = frozenset({"bold", "bolditalic", "italic", "highlight", "code"})


def _extension(target: str) -> str:
    name = target.split("#", 1)[0].rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def is_image(target: str) -> bool:
    return _extension(target) in IMAGE_EXTENSIONS


def _is_local(src: str) -> bool:
    return not re.match(r"^[a-z][a-z0-9+.-]*:", src, re.IGNORECASE)


def _embed_label(target: str) -> str:
    """`Lessons/HW1.pdf#page=3` -> `HW1.pdf`; `Note#Heading` -> `Note › Heading`."""
    path, _, anchor = target.partition("#")
    name = path.rsplit("/", 1)[-1]
    if anchor and not _extension(path):
        return f"{name} › {anchor.lstrip('^')}" if name else anchor.lstrip("^")
    return name or anchor


def _wiki_label(target: str, alias: str | None) -> str:
    if alias and alias.strip():
        return alias.strip()
    path, _, anchor = target.partition("#")
    name = path.rsplit("/", 1)[-1].strip()
    if name.lower().endswith(".md"):
        name = name[:-3]
    return name or anchor.lstrip("^").strip()


def _media_width(alias: str | None) -> str:
    if alias and re.fullmatch(r"\s*\d{1,4}(?:x\d{1,4})?\s*", alias):
        return alias.strip().split("x")[0]
    return ""


# Inline HTML students use for formatting (`<u>`, `<sub>`): kept, without attributes.
_FORMATTING_TAGS: Final = frozenset(
    {"b", "i", "u", "em", "strong", "sub", "sup", "mark", "small", "s", "del", "ins", "kbd"}
)
_DROPPED_TAGS: Final = frozenset({"span", "font", "center", "div", "p", "big", "tt"})


def _tag_name(tag: str) -> str:
    m = re.match(r"</?\s*([A-Za-z][A-Za-z0-9-]*)", tag)
    return m.group(1).lower() if m else ""


def _balance(markup_html: str) -> str:
    """Close what the note left open (`<u>` without `</u>`), drop stray closings: a field's
    HTML never spills formatting into the rest of the card."""
    out: list[str] = []
    open_tags: list[str] = []
    last = 0
    for m in _HTML_TAG.finditer(markup_html):
        out.append(markup_html[last : m.start()])
        last = m.end()
        closing, tag = m.group(1) == "/", m.group(2)
        if not closing:
            open_tags.append(tag)
            out.append(m.group(0))
        elif tag in open_tags:
            while open_tags:
                top = open_tags.pop()
                out.append(f"</{top}>")
                if top == tag:
                    break
    out.append(markup_html[last:])
    out.extend(f"</{tag}>" for tag in reversed(open_tags))
    return "".join(out)


_HTML_TAG = re.compile(r"<(/?)(b|i|u|em|strong|sub|sup|mark|small|s|del|ins|kbd|code)>")


def _image_label(name: str) -> str:
    return f"[image: {name}]"


# `Rome $\neq$ une démocratie`, `A $\rightarrow$ B`: a lone symbol in math reads as itself.
_MATH_SYMBOLS: Final[dict[str, str]] = {
    **{
        f"\\{name}": char
        for name, char in (
            ("rightarrow", "→"),
            ("to", "→"),
            ("longrightarrow", "→"),
            ("leftarrow", "←"),
            ("gets", "←"),
            ("Rightarrow", "⇒"),
            ("implies", "⇒"),
            ("Longrightarrow", "⇒"),
            ("Leftarrow", "⇐"),
            ("leftrightarrow", "↔"),
            ("Leftrightarrow", "⇔"),
            ("iff", "⇔"),
            ("uparrow", "↑"),
            ("downarrow", "↓"),
            ("nearrow", "↗"),
            ("searrow", "↘"),
            ("neq", "≠"),
            ("ne", "≠"),
            ("leq", "≤"),
            ("le", "≤"),
            ("geq", "≥"),
            ("ge", "≥"),
            ("approx", "≈"),
            ("equiv", "≡"),
            ("sim", "~"),
            ("propto", "∝"),
            ("times", "×"),
            ("cdot", "·"),
            ("pm", "±"),
            ("infty", "∞"),
            ("in", "∈"),
            ("notin", "∉"),
            ("subset", "⊂"),
            ("cup", "∪"),
            ("cap", "∩"),
            ("forall", "∀"),
            ("exists", "∃"),
        )
    },
    "=>": "⇒",
    "->": "→",
    "<=>": "⇔",
    "<-": "←",
}


def _plain_piece(kind: str, m: re.Match[str], render: Callable[[str], str]) -> str:
    g = m.group
    match kind:
        case "code":
            return g("code_body")
        case "math2":
            return f"$${g('math2_body')}$$"
        case "math":
            symbol = _MATH_SYMBOLS.get(g("math_body").strip())
            return symbol or f"${g('math_body')}$"
        case "embed":
            target = g("embed_target")
            label = _embed_label(target)
            return _image_label(label) if is_image(target) else label
        case "wiki":
            return _wiki_label(g("wiki_target"), g("wiki_alias"))
        case "image":
            alt = g("image_alt").strip()
            return alt or _image_label(g("image_src").rsplit("/", 1)[-1])
        case "link":
            return render(g("link_text"))
        case "autolink":
            return g("autolink_url")
        case "url":
            return m.group(0)
        case "anki_cloze":
            return render(g("anki_body"))
        case "html":
            tag = _tag_name(m.group(0))
            if tag == "br":
                return " "
            if tag in ("sup", "sub") and not m.group(0).startswith("</"):
                return "^" if tag == "sup" else "_"  # `2<sup>128</sup>` reads 2^128, not 2128
            return "" if tag in _FORMATTING_TAGS or tag in _DROPPED_TAGS else m.group(0)
        case "entity":
            return html.unescape(m.group(0))
        case "escape":
            return g("escaped")
        case "pandoc_span" | "insert":
            return render(g("pspan_text") or g("ins_body"))
        case "caret":
            return f"^{g('caret_body')}"
        case "bold" | "highlight" | "strike" | "italic" | "bolditalic":
            body = (
                g("bold_body")
                or g("bold_body2")
                or g("hl_body")
                or g("strike_body")
                or g("bi_body")
            )
            body = body or g("it_body") or g("it_body2") or ""
            return render(body)
        case "tag":
            return _tag_as_word(m)
        case _:  # comment, footnote, block_id
            return ""


_TAGS_ONLY = re.compile(r"(?:\s|#[\w/-]+)*")


def _tag_as_word(m: re.Match[str]) -> str:
    """`le déclin de #empire_romain et ...`, `#adoubement: cérémonie ...`: a tag used as a word
    reads as that word. Tags around a line (`#cours #bio`, `... #todo`) are only filing."""
    text, start, end = m.string, m.start(), m.end()
    before = text[text.rfind("\n", 0, start) + 1 : start]
    line_end = text.find("\n", end)
    after = text[end : len(text) if line_end < 0 else line_end]
    prose_before = not _TAGS_ONLY.fullmatch(before)
    prose_after = not _TAGS_ONLY.fullmatch(after)
    if (prose_before and prose_after) or after.lstrip().startswith((":", "：")):
        return m.group("tag_name").replace("_", " ")
    return ""


def _html_piece(kind: str, m: re.Match[str], render: Callable[[str], str]) -> str:
    g = m.group
    esc = html.escape
    match kind:
        case "code":
            return f"<code>{esc(g('code_body'))}</code>"
        case "math2":
            return f"\\[{esc(g('math2_body'))}\\]"
        case "math":
            return f"\\({esc(g('math_body'))}\\)"
        case "embed":
            target = g("embed_target")
            if is_image(target):
                width = _media_width(g("embed_alias"))
                size = f' width="{width}"' if width else ""
                return f'<img src="{esc(target.split("#")[0].strip())}"{size} alt="">'
            return f'<span class="embed">{esc(_embed_label(target))}</span>'
        case "wiki":
            label = _wiki_label(g("wiki_target"), g("wiki_alias"))
            return f'<span class="wikilink">{esc(label)}</span>'
        case "image":
            src, alt = g("image_src").strip(), g("image_alt").strip()
            if _is_local(src) or is_image(src):
                return f'<img src="{esc(src)}" alt="{esc(alt)}">'
            return f'<a href="{esc(src)}">{esc(alt or src)}</a>'
        case "link":
            href = g("link_href")
            text = render(g("link_text"))
            if re.match(r"^(https?|mailto|ftp):", href, re.IGNORECASE):
                return f'<a href="{esc(href)}">{text}</a>'
            return text
        case "autolink" | "url":
            url = g("autolink_url") or m.group(0)
            return f'<a href="{esc(url)}">{esc(url)}</a>'
        case "anki_cloze":
            return render(g("anki_body"))
        case "html":
            # A few formatting tags come back out, rebuilt without attributes (so never a
            # script or an event handler); layout tags go; anything else is shown as text.
            tag = _tag_name(m.group(0))
            if tag == "br":
                return "<br>"
            if tag in _FORMATTING_TAGS:
                return f"</{tag}>" if m.group(0).startswith("</") else f"<{tag}>"
            return "" if tag in _DROPPED_TAGS else esc(m.group(0))
        case "entity":
            entity = m.group(0)
            return entity if html.unescape(entity) != entity else esc(entity)
        case "escape":
            return esc(g("escaped"))
        case "bold":
            return f"<strong>{render(g('bold_body') or g('bold_body2'))}</strong>"
        case "bolditalic":
            return f"<strong><em>{render(g('bi_body'))}</em></strong>"
        case "highlight":
            return f"<mark>{render(g('hl_body'))}</mark>"
        case "strike":
            return f"<del>{render(g('strike_body'))}</del>"
        case "pandoc_span":
            return render(g("pspan_text"))
        case "insert":
            return f"<u>{render(g('ins_body'))}</u>"
        case "caret":
            return f"<sup>{esc(g('caret_body'))}</sup>"
        case "italic":
            return f"<em>{render(g('it_body') or g('it_body2'))}</em>"
        case "tag":
            return esc(_tag_as_word(m))
        case _:
            return ""


_INLINE_START: Final = re.compile(r"[<`$!\[\\*_=~{#&+^]|(?:https?|ftp)://")


@lru_cache(maxsize=1 << 14)
def _matches(text: str) -> tuple[re.Match[str], ...]:
    """What `_INLINE.finditer` finds, 20x faster: the big alternation is only tried where one
    of its start characters stands (re would try it at every position of the line)."""
    # The same line is rendered to plain text and HTML, masked and split into spans: scan once.
    found: list[re.Match[str]] = []
    search, match = _INLINE_START.search, _INLINE.match
    pos = 0
    while (start := search(text, pos)) is not None:
        at = start.start()
        m = match(text, at)
        if m is None or m.end() == at:
            pos = at + 1
        else:
            found.append(m)
            pos = m.end()
    return tuple(found)


def _render(text: str, piece: Callable[[str, re.Match[str], Callable[[str], str]], str],
            escape: Callable[[str], str], depth: int = 0) -> str:  # fmt: skip
    def again(inner: str) -> str:
        # Nested markup (a link in bold) is rare; a depth bound keeps hostile input linear.
        return _render(inner, piece, escape, depth + 1) if depth < 4 else escape(inner)

    out: list[str] = []
    last = 0
    for m in _matches(text):
        kind = m.lastgroup or ""
        out.append(escape(text[last : m.start()]))
        out.append(piece(kind, m, again))
        last = m.end()
    out.append(escape(text[last:]))
    return "".join(out)


_SPACES = re.compile(r"[ \t\u00a0\u202f]+")
_INVISIBLE = re.compile("\u200b+")


# Text without any of these characters has no inline markup at all (most lines of a note).
_SPECIAL = re.compile(r"[<`$!\[\\*_=~{#^&+]")


def _unclosed_bold(text: str) -> str:
    """`- **Le Bassin parisien` never closed: not markup (a `**` inside, as in `2**10`, stays)."""
    stripped = text.strip()
    if stripped.startswith("**") or stripped.endswith("**"):
        return text.replace("**", "", 1)
    return text


@lru_cache(maxsize=1 << 16)
def to_plain(text: str) -> str:
    """Inline Markdown -> readable plain text (math kept as `$...$` for MathJax-minded readers)."""
    if text.count("**") == 1:
        text = _unclosed_bold(text)
    if "\u200b" in text:
        text = _INVISIBLE.sub("", text)
    if not _SPECIAL.search(text):
        return _SPACES.sub(" ", text).strip()
    return _SPACES.sub(" ", _render(text, _plain_piece, lambda s: s)).strip()


@lru_cache(maxsize=1 << 16)
def to_html(text: str) -> str:
    """Inline Markdown -> HTML in which everything from the note is escaped."""
    if text.count("**") == 1:
        text = _unclosed_bold(text)
    if "\u200b" in text:
        text = _INVISIBLE.sub("", text)
    if not _SPECIAL.search(text):
        return _SPACES.sub(" ", html.escape(text)).strip()
    return _balance(_SPACES.sub(" ", _render(text, _html_piece, html.escape)).strip())


@lru_cache(maxsize=1 << 16)
def mask(text: str) -> str:
    """`text` with opaque spans (code, math, links, HTML, URLs...) replaced by MASK characters,
    offset for offset, so that a separator found in the result is a real one."""
    if not _SPECIAL.search(text):
        return text
    parts: list[str] = []
    last = 0
    for m in _matches(text):
        if m.lastgroup in _OPAQUE:
            parts.append(text[last : m.start()])
            parts.append(MASK * (m.end() - m.start()))
            last = m.end()
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


@dataclass(frozen=True, slots=True)
class Span:
    kind: str
    start: int  # the whole span, markers included
    end: int
    body_start: int  # the content between the markers
    body_end: int


@lru_cache(maxsize=1 << 14)
def spans(text: str) -> tuple[Span, ...]:
    """Top-level inline spans with their kind (`bold`, `code`, `wiki`, `embed`, ...)."""
    if not _SPECIAL.search(text):
        return ()
    found: list[Span] = []
    for m in _matches(text):
        kind = m.lastgroup or ""
        body = next(
            (name for name in _BODY_GROUPS.get(kind, ()) if m.group(name) is not None), None
        )
        if body is None:
            found.append(Span(kind, m.start(), m.end(), m.start(), m.end()))
        else:
            found.append(Span(kind, m.start(), m.end(), m.start(body), m.end(body)))
    return tuple(found)


_BODY_GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "code": ("code_body",),
    "math": ("math_body",),
    "math2": ("math2_body",),
    "bold": ("bold_body", "bold_body2"),
    "bolditalic": ("bi_body",),
    "italic": ("it_body", "it_body2"),
    "highlight": ("hl_body",),
    "strike": ("strike_body",),
    "insert": ("ins_body",),
    "pandoc_span": ("pspan_text",),
    "anki_cloze": ("anki_body",),
    "wiki": ("wiki_target",),
    "embed": ("embed_target",),
    "image": ("image_src",),
    "link": ("link_text",),
}


def media_refs(text: str) -> list[str]:
    """Local files the text embeds (`![[img.png|300]]`, `![](img/x.png)`), as written."""
    if "![" not in text:
        return []
    refs: list[str] = []
    for m in _matches(text):
        if m.lastgroup == "embed" and is_image(m.group("embed_target")):
            refs.append(m.group("embed_target").split("#")[0].strip())
        elif m.lastgroup == "image" and _is_local(m.group("image_src").strip()):
            refs.append(m.group("image_src").strip())
    return refs


_NAV_WORDS = re.compile(
    r"(?i)^(?:[\s|·•,;:/<>←→⬅➡↑⬆«»()\[\]-]|up|prev|previous|next|home|index|back|retour|"
    r"suivant|précédent|precedent|sommaire|see also|voir aussi)*$"
)
_LINKLIKE = frozenset({"embed", "wiki", "image", "link", "autolink", "url", "tag"})


def is_navigation_word(text: str) -> bool:
    """`up`, `index`, `← prev`: words that only move around a vault."""
    return bool(text.strip()) and bool(_NAV_WORDS.match(text.strip()))


@lru_cache(maxsize=1 << 14)
def strip_kinds(text: str, kinds: frozenset[str]) -> str:
    """`text` without the spans of the given kinds (comments always go)."""
    if not _SPECIAL.search(text):
        return text
    out: list[str] = []
    last = 0
    for m in _matches(text):
        if m.lastgroup in kinds or m.lastgroup == "comment":
            out.append(text[last : m.start()])
            last = m.end()
    out.append(text[last:])
    return "".join(out)


def is_link_only(text: str) -> bool:
    """A navigation line: links, embeds or tags and nothing else worth asking about."""
    if not text.strip() or not any(mark in text for mark in ("[", "http", "#", "<")):
        return False
    rest = strip_kinds(text, _LINKLIKE)
    return rest != text and bool(_NAV_WORDS.match(rest.strip()))


def is_media_only(text: str) -> bool:
    if "![" not in text:
        return False
    rest = strip_kinds(text, frozenset({"embed", "image"}))
    return rest != text and not rest.strip(" \t-*|")


@lru_cache(maxsize=1 << 14)
def has_content(text: str) -> bool:
    """True when the rendered text has at least one letter or digit."""
    return _ALNUM.search(to_plain(text)) is not None


_ALNUM = re.compile(r"[^\W_]")
