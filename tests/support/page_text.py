"""What a reader sees on a page, the pages a user can reach, and the words the demo itself
brings: the parts of the check that every page speaks the reader's language.

The walk is a crawler of the app in-process: from the start page and every GET page route
without a parameter it follows the links a user is shown, breadth first, visiting at most
a few addresses of each shape (`/records/<id>`), so that every kind of page is read
without reading every record.
"""

from __future__ import annotations

import ast
import csv
import json
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

import interagency

SOURCE_DIR = Path(interagency.__file__).parent

# Attributes whose values a reader sees or hears (a screen reader reads aria-label).
SPOKEN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
# Elements whose content is not shown as text.
HIDDEN_ELEMENTS = {"script", "style", "template", "noscript"}
# Elements whose content is literal code (a file's column names), in no language.
CODE_ELEMENTS = {"code", "kbd", "samp"}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"}
BUTTON_TYPES = {"submit", "button", "reset"}


@dataclass(frozen=True)
class _Open:
    tag: str
    language: str | None
    hidden: bool
    code: bool


class _TextCollector(HTMLParser):
    """Text with the language the page declares for it: the `lang` of the nearest element
    that has one, as a screen reader would read it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[tuple[str, str | None]] = []
        self.links: list[str] = []
        self.language: str | None = None
        self._open: list[_Open] = []

    def _inner(self) -> _Open:
        return self._open[-1] if self._open else _Open("", None, False, False)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        outer = self._inner()
        here = _Open(
            tag,
            values.get("lang") or outer.language,
            outer.hidden or tag in HIDDEN_ELEMENTS,
            outer.code or tag in CODE_ELEMENTS,
        )
        if tag == "html":
            self.language = here.language
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if not here.hidden:
            spoken = [values[name] for name in SPOKEN_ATTRIBUTES if values.get(name)]
            if tag == "input" and values.get("type", "").lower() in BUTTON_TYPES:
                spoken.append(values.get("value", ""))
            self.pieces.extend((text, here.language) for text in spoken if text.strip())
        if tag not in VOID_ELEMENTS:
            self._open.append(here)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._open) - 1, -1, -1):
            if self._open[depth].tag == tag:
                del self._open[depth:]
                return

    def handle_data(self, data: str) -> None:
        inner = self._inner()
        if not inner.hidden and not inner.code and data.strip():
            self.pieces.append((" ".join(data.split()), inner.language))


@dataclass(frozen=True)
class PageText:
    texts: tuple[str, ...]
    links: tuple[str, ...]


def read_page(html: str) -> PageText:
    """The text pieces the page gives in its own language (each text node and spoken
    attribute apart, so words of two table cells are never read as one phrase) and the
    targets of its links. Text marked in another language (`<span lang="en">`) is left
    out: the page says it is meant so, and a screen reader reads it in that language."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    own = collector.language
    texts = tuple(text for text, language in collector.pieces if language in (own, None))
    return PageText(texts, tuple(collector.links))


# --- the walk -------------------------------------------------------------------------

# Not pages: leaving, files, the API, and downloads (read by their own tests).
SKIPPED_PREFIXES = ("/logout", "/static", "/api")
DOWNLOAD_SUFFIXES = (".pdf", ".docx", ".csv", ".json", ".txt", ".zip", ".xlsx", ".xml", ".ics")
# A path segment that names one object rather than a kind of page.
_OBJECT_SEGMENT = re.compile(r"^[a-z2-7]{26}$|\d|^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")


def pattern_of(address: str) -> str:
    """The address's shape: object ids and numbers become `<id>`, query values are dropped,
    so `/records/abc…?page=2` and `/records/xyz…?page=3` are one kind of page."""
    parts = urlsplit(address)
    segments = ["<id>" if _OBJECT_SEGMENT.search(s) else s for s in parts.path.split("/")]
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return "/".join(segments) + (f"?{'&'.join(keys)}" if keys else "")


def page_routes(app: FastAPI) -> list[str]:
    """Every GET address of the app that takes no path parameter: pages no link reaches."""
    return sorted(
        {
            context.path_format
            for context in iter_route_contexts(app.routes)
            if "GET" in (context.methods or ())
            and context.path_format
            and "{" not in context.path_format
        }
    )


def _walkable(address: str) -> bool:
    path = urlsplit(address).path
    return not path.startswith(SKIPPED_PREFIXES) and not path.endswith(DOWNLOAD_SUFFIXES)


def _local(base: str, href: str) -> str | None:
    """The same-site address a link leads to (path and query), or None."""
    if href.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    target = urlsplit(urljoin(f"http://testserver{base}", href))
    if target.netloc != "testserver":
        return None
    return target.path + (f"?{target.query}" if target.query else "")


@dataclass
class Visit:
    address: str
    status: int
    text: PageText


@dataclass
class Walk:
    visits: list[Visit] = field(default_factory=list)

    def __iter__(self) -> Iterator[Visit]:
        return iter(self.visits)


def walk(
    client: TestClient, starts: Iterable[str], *, per_pattern: int = 2, limit: int = 400
) -> Walk:
    """Reads, breadth first, every HTML page reachable from `starts` by links, at most
    `per_pattern` addresses of each shape and `limit` pages in all."""
    queue = deque(starts)
    seen: set[str] = set()
    per_shape: dict[str, int] = {}
    result = Walk()
    while queue and len(result.visits) < limit:
        address = queue.popleft()
        shape = pattern_of(address)
        if address in seen or not _walkable(address) or per_shape.get(shape, 0) >= per_pattern:
            continue
        seen.add(address)
        per_shape[shape] = per_shape.get(shape, 0) + 1
        answer = client.get(address, follow_redirects=True)
        if not answer.headers.get("content-type", "").startswith("text/html"):
            continue
        page = read_page(answer.text)
        result.visits.append(Visit(address, answer.status_code, page))
        for href in page.links:
            target = _local(address, href)
            if target is not None and target not in seen:
                queue.append(target)
    return result


# --- what the code and the demo bring -------------------------------------------------


def _enum_values(tree: ast.Module) -> Iterator[str]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        bases = {getattr(base, "id", getattr(base, "attr", "")) for base in node.bases}
        if not bases & {"Enum", "StrEnum"}:
            continue
        for statement in node.body:
            if (
                isinstance(statement, ast.Assign)
                and isinstance(statement.value, ast.Constant)
                and isinstance(statement.value.value, str)
            ):
                yield statement.value.value


def _choice_values(tree: ast.Module) -> Iterator[str]:
    """Values of module-level constant tuples of codes (`OUTCOMES = ("ok", "denied")`)
    and of `Literal[...]` choices: stored values kept outside an Enum."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple):
            named = [t.id for t in node.targets if isinstance(t, ast.Name)]
            if named and named[0].isupper():
                items = [getattr(item, "value", None) for item in node.value.elts]
                if all(isinstance(v, str) and re.fullmatch(r"[a-z_]+", v) for v in items):
                    yield from (str(v) for v in items)
        if isinstance(node, ast.Subscript) and getattr(node.value, "id", "") == "Literal":
            elements = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            yield from (
                e.value
                for e in elements
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            )


@cache
def enum_values() -> frozenset[str]:
    """The stored values of the project's enumerations and choices (`routine`,
    `holds_document`, `denied`…): a page showing one shows a code where a label was meant."""
    values: set[str] = set()
    for source in SOURCE_DIR.rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        values.update(_enum_values(tree))
        values.update(_choice_values(tree))
    return frozenset(values)


def _strings_of_json(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings_of_json(item)
        # A person's name as pages write it whole: surname first, and given name first.
        parts = [value.get(key) for key in ("surname", "given_name", "patronymic")]
        if isinstance(parts[0], str):
            names = [part for part in parts if isinstance(part, str)]
            yield " ".join(names)
            yield " ".join([*names[1:], names[0]])
    elif isinstance(value, list):
        for item in value:
            yield from _strings_of_json(item)


def _strings_of_python(tree: ast.Module) -> Iterator[str]:
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            yield node.value


@cache
def demo_content(language: str) -> tuple[str, ...]:
    """Every text the demo data brings in (names, subjects, bodies, record values), in the
    language its author wrote it: content, not interface, so shown as written, whitespace
    folded as a page folds it. Names kept in both languages (`name_ru`, `name_en`) count
    only in their own: a page must show the reader's. Single words of code (`suspect`,
    `foreign_fighters`) are left out: they are values the pages must show as labels."""
    other = "_en" if language == "ru" else "_ru"
    strings: list[str] = []
    for table in sorted((SOURCE_DIR / "demo").glob("*.csv")):
        with table.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                strings.extend(v for k, v in row.items() if not k.endswith(other))
    for data in sorted(SOURCE_DIR.glob("*/demo.json")):
        strings.extend(_strings_of_json(json.loads(data.read_text(encoding="utf-8"))))
    for module in sorted(SOURCE_DIR.glob("*/demo.py")):
        strings.extend(_strings_of_python(ast.parse(module.read_text(encoding="utf-8"))))
    code = enum_values()
    return tuple(
        " ".join(s.split()) for s in strings if s not in code and not re.fullmatch(r"[a-z_]*", s)
    )
