"""The site's one namespace: where every page and file goes, decided here and nowhere else.

A page's path is relative to the docs folder (``tasks/TASK/LEADERBOARD.md``, served as
``tasks/TASK/LEADERBOARD/``); a file's path is relative to the site's root.  What names
them comes from the data, so this module also says which names may not be used and how
a name from free text (a model's, a result's) becomes a path that is its own:

- An id (a task's, dataset's or leaderboard's, a result's ``id``) is refused when it
  would name a page or file that is already something else (``id_problem``): ``index``
  (a folder's own page: ``tasks/index.md`` is the tasks index, ``tasks/T/index.md``
  would be task T's page), the site's files in ``data/`` (``all.json``...), and the
  names Windows reserves for devices (``con``, ``nul``, ``com1``...), which no clone on
  Windows could check out.
- A model's page key (``model_key``) is its name folded (``fold``): case, spacing and
  punctuation set aside, letters of every script and digits kept, ``+`` and ``#`` in a
  word spelled out, so that ``C++Net`` and ``C Net``, ``α-Net`` and ``β-Net`` or two names in Chinese
  stay apart while ``BERT-Large`` and ``BERT large`` are one model.  A key never
  empties, is never a reserved name and is at most ``KEY_BYTES`` bytes; the forms that
  ensure it (``index_model``, ``model_1a2b3c4d``, a cut name and its hash) hold a ``_``,
  which no folded name does, so no other name can take them.
- A result's permalink (``anchor``, which also names its badge file) comes from the
  result itself, never from its rank: ``LEADERBOARD--NAME`` from its display name, or
  ``LEADERBOARD--ID`` from its ``id``.  Two results of a leaderboard with the same
  permalink are refused by ``validate`` at the second one's line.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

# --- names that are taken -----------------------------------------------------

#: The page a folder's URL serves: no id may name it.
INDEX = "index"
#: The site's files in data/ beside each task's folder data/TASK/ (and ``export``'s own).
DATA_FILES = frozenset({"all.json", "schema.json", "models.json"})
#: Names Windows reserves for devices, with any extension (``con.yml`` included).
_DEVICE = re.compile(r"^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(?:\..*)?$",
                     re.IGNORECASE)
#: The longest key or anchor name derived from free text, in UTF-8 bytes (a file name is
#: at most 255 bytes; ``LEADERBOARD--NAME.svg`` must stay well within it).
KEY_BYTES = 80


def is_device_name(name: str) -> bool:
    return _DEVICE.match(name) is not None


def id_problem(kind: str, ident: str) -> str | None:
    """Why ``ident`` cannot be the id of a ``kind`` ('task', 'dataset', 'leaderboard',
    'result'), or None.  (Its form, ``ids.PATTERN``, is checked apart.)"""
    if kind != "result" and ident == INDEX:
        where = {"task": "tasks/index/ is the list of tasks",
                 "dataset": "datasets/index/ is the list of datasets",
                 "leaderboard": "tasks/TASK/index/ would be the task's own page"}[kind]
        return f"'{INDEX}' cannot be a {kind} id: {where}; choose another id"
    if kind == "task" and ident in DATA_FILES:
        return (f"'{ident}' cannot be a task id: the site's data/{ident} is a file of its own "
                "(data/TASK/ holds a task's downloads); choose another id")
    if is_device_name(ident):
        return (f"'{ident}' cannot be an id: Windows reserves the name '{ident.split('.')[0]}' "
                "for a device, so no one could check the file out there; choose another id")
    return None


def free_id(kind: str, ident: str) -> str:
    """``ident``, or ``ident-KIND`` when it cannot be a ``kind``'s id (``id_problem``): what
    an importer makes of a name such as 'Index' or 'CON'."""
    return f"{ident}-{kind}" if id_problem(kind, ident) else ident


# --- names from free text -------------------------------------------------------

_SYMBOLS = {"+": " plus ", "#": " sharp "}


def _kept(ch: str) -> bool:
    """A letter, mark or digit of any script: what tells two names apart."""
    return unicodedata.category(ch)[0] in "LMN"


def _words(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    if "+" in text or "#" in text:  # C++, C#; a ' + ' on its own joins ('DeepLab + COCO')
        text = " ".join("".join(_SYMBOLS.get(ch, ch) for ch in word) if word not in _SYMBOLS
                        else " " for word in text.split())
    out, gap = [], False
    for ch in text:
        if unicodedata.category(ch) == "Cf":  # zero-width and direction marks: unseen
            continue
        if _kept(ch):
            if gap and out:
                out.append("-")
            out.append(ch)
            gap = False
        else:
            gap = True
    return "".join(out)


def _bounded(words: str, text: str, what: str) -> str:
    """``words`` cut to ``KEY_BYTES`` bytes with a hash of the whole ``text`` (two long
    names stay apart); ``WHAT_HASH`` when nothing is left of it; never a reserved name.
    Each of these forms holds a ``_``, which folding never writes (it is a separator), so no
    other name can fold to them."""
    digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    if not words:
        return f"{what}_{digest}"
    if len(words.encode("utf-8")) > KEY_BYTES:
        cut = words.encode("utf-8")[: KEY_BYTES - 9].decode("utf-8", "ignore").rstrip("-")
        return f"{cut}_{digest}"
    if words == INDEX or is_device_name(words):
        return f"{words}_{what}"
    return words


@lru_cache(maxsize=None)  # asked for every row of every build
def fold(text: str, what: str = "model") -> str:
    """The page key of a name: lowercase words of any script joined by '-', with ``+`` and
    ``#`` in a word spelled out (``C++`` is ``c-plus-plus``; a ``+`` standing alone, as in
    ``DeepLab + COCO``, only joins).  Never empty, never a reserved name, at most
    ``KEY_BYTES`` bytes (see the module's docstring); ``WHAT_HASH`` for a name of no
    letter or digit."""
    return _bounded(_words(text), text, what)


def anchor(leaderboard_id: str, display_name: str, result_id: str | None = None) -> str:
    """A result's permalink id on its leaderboard's page, which also names its badge:
    ``LEADERBOARD--ID`` when the result has an ``id``, else ``LEADERBOARD--NAME`` from its
    display name, folded as a model's name is (``fold``)."""
    return f"{leaderboard_id}--{result_id or fold(display_name, 'result')}"


# --- where pages and files go ---------------------------------------------------

def page_url(path: str) -> str:
    """The directory URL of a page: tasks/x.md -> tasks/x/, index.md -> '' (use_directory_urls)."""
    stem = path[:-3]
    if stem == INDEX or stem.endswith("/" + INDEX):
        return stem[: -len(INDEX)]
    return stem + "/"


def root_of(path: str) -> str:
    """The relative path from a page to the site's root: '' for the home page, '../../' for
    tasks/x.md (served as tasks/x/)."""
    return "../" * page_url(path).count("/")


def task_path(task_id: str) -> str:
    return f"tasks/{task_id}.md"


def dataset_path(dataset_id: str) -> str:
    return f"datasets/{dataset_id}.md"


def paper_path(key: str) -> str:
    return f"papers/{key}.md"


def leaderboard_path(task_id: str, leaderboard_id: str) -> str:
    """A leaderboard's own page, the address people cite: tasks/TASK/LEADERBOARD.md.  For a
    leaderboard folded into its task's page (``leaderboard_url``) it is a redirect there."""
    return f"tasks/{task_id}/{leaderboard_id}.md"


def redirect_path(task_id: str, leaderboard_id: str) -> str:
    """Where a folded leaderboard's redirect is written, at its own page's address
    (``tasks/TASK/LEADERBOARD/``): a file of its own, not a page of the theme."""
    return f"tasks/{task_id}/{leaderboard_id}/index.html"


def leaderboard_url(task_id: str, leaderboard_id: str, folded: bool = False) -> str:
    """Where a link to a leaderboard goes, from the site's root: its own page
    (``tasks/TASK/LEADERBOARD/``), or, when its task has only it and shows it in full
    (``folded``), its section of the task's page (``tasks/TASK/#LEADERBOARD``), where its own
    address redirects."""
    return f"tasks/{task_id}/#{leaderboard_id}" if folded else f"tasks/{task_id}/{leaderboard_id}/"


def rows_url(task_id: str, leaderboard_id: str, folded: bool = False) -> str:
    """The page that holds a leaderboard's rows, from the site's root; a row's link is it
    and ``#`` its anchor (the anchors are the same on the task's page)."""
    return f"tasks/{task_id}/" if folded else f"tasks/{task_id}/{leaderboard_id}/"


def model_path(key: str) -> str:
    return f"models/{key}.md"


#: A leaderboard's downloads, by format: the file's suffix.
SUFFIX = {"json": ".json", "csv": ".csv", "latex": ".tex", "markdown": ".md"}


def export_file(task_id: str, leaderboard_id: str, fmt: str) -> str:
    """A leaderboard's export, relative to the export folder (``data/`` on the site)."""
    return f"{task_id}/{leaderboard_id}{SUFFIX[fmt]}"


def site_file(task_id: str, leaderboard_id: str, fmt: str) -> str:
    """Where the site keeps a leaderboard's export.  Markdown is stored as .md.txt: builders
    would render a .md file as a page (the download link names it .md again)."""
    path = "data/" + export_file(task_id, leaderboard_id, fmt)
    return path + ".txt" if fmt == "markdown" else path


def badge_path(task_id: str, anchor_id: str) -> str:
    return f"badges/{task_id}/{anchor_id}.svg"
