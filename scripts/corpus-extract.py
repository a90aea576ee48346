#!/usr/bin/env python3
"""Builds the text corpus from installed Debian 12 documentation packages.

    corpus-extract.py OUT_DIR
    corpus-extract.py --packages      (prints the Debian packages it reads, one a line)

Writes OUT_DIR/corpus.txt and OUT_DIR/MANIFEST.txt (through temporary files that are
renamed at the end, so an interrupted build leaves nothing half written).

corpus.txt is UTF-8 with LF line endings: an English part (documentation prose of the
packages in ENGLISH, in that order) followed by a multilingual part (MULTILINGUAL).
Every line is stripped of trailing white space; a document is a paragraph, that is a
maximal run of non-blank lines, and documents are separated by exactly one blank line.
Markup (HTML, reStructuredText, POD, AsciiDoc, roff, Vim help) is reduced to readable
text by the small converters below; they are approximations meant to keep the prose,
not faithful renderers.

The build is deterministic: files are taken in byte order of their paths as listed by
dpkg, nothing depends on time, locale or hash order, and the same package versions give
the same bytes. Only the Python standard library is used.

Exit status 2 with a message naming the package or file when an input is missing.
"""

import gzip
import hashlib
import html
import os
import re
import struct
import subprocess
import sys

# --------------------------------------------------------------------------------------
# Sources. Each entry: (label, package, path regex, path regex to exclude or None,
# converter, byte budget or None). Paths are those `dpkg-query -L` lists, taken in byte
# order. With a budget, whole files are taken until the budget is reached (the file that
# crosses it is the last one taken). MANIFEST.txt has one line per entry, in this order.

ENGLISH = [
    ("Python 3.11 documentation, reST sources", "python3.11-doc",
     r"^/usr/share/doc/python3\.11/html/_sources/.+\.rst\.txt$", None, "rst", None),
    ("Perl 5.36 core documentation, POD", "perl-doc",
     r"^/usr/share/perl/[^/]+/pod/.+\.pod$", None, "pod", None),
    ("PostgreSQL 15 manual, HTML", "postgresql-doc-15",
     r"^/usr/share/doc/postgresql-doc-15/html/.+\.html$", None, "html", None),
    ("Git documentation, AsciiDoc sources", "git-doc",
     r"^/usr/share/doc/git-doc/.+\.txt$", None, "asciidoc", None),
    ("GNU Coding Standards and Information for Maintainers, plain text", "gnu-standards",
     r"^/usr/share/doc/gnu-standards/.+\.text\.gz$", None, "plain", None),
    ("Linux 6.1 kernel documentation, reST sources (English)", "linux-doc-6.1",
     r"^/usr/share/doc/linux-doc-6\.1/html/_sources/.+\.rst\.txt$", r"/_sources/translations/", "rst", None),
    ("Vim 9.0 help files", "vim-runtime",
     r"^/usr/share/vim/vim\d+/doc/.+\.txt$", None, "vimhelp", None),
]

_LINUX_TR = r"^/usr/share/doc/linux-doc-6\.1/html/_sources/translations/%s/.+\.rst\.txt$"
_ISO_LANGS = ["ar", "el", "he", "hi", "ja", "ko", "ru", "th", "uk", "vi", "zh_CN"]

MULTILINGUAL = [
    # Translations of the Linux kernel documentation.
    ("Linux kernel documentation, Simplified Chinese", "linux-doc-6.1", _LINUX_TR % "zh_CN", None, "rst", 400_000),
    ("Linux kernel documentation, Traditional Chinese", "linux-doc-6.1", _LINUX_TR % "zh_TW", None, "rst", 200_000),
    ("Linux kernel documentation, Japanese", "linux-doc-6.1", _LINUX_TR % "ja_JP", None, "rst", None),
    ("Linux kernel documentation, Korean", "linux-doc-6.1", _LINUX_TR % "ko_KR", None, "rst", None),
    ("Linux kernel documentation, Italian", "linux-doc-6.1", _LINUX_TR % "it_IT", None, "rst", 250_000),
    # Translated manual pages (roff sources, section 1).
    ("manual pages, Japanese", "manpages-ja", r"^/usr/share/man/ja/man1/.+\.gz$", None, "roff", 450_000),
    ("manual pages, Simplified Chinese", "manpages-zh", r"^/usr/share/man/zh_CN/man1/.+\.gz$", None, "roff", 250_000),
    ("manual pages, Traditional Chinese", "manpages-zh", r"^/usr/share/man/zh_TW/man1/.+\.gz$", None, "roff", 150_000),
    ("manual pages, French", "manpages-fr", r"^/usr/share/man/fr/man1/.+\.gz$", None, "roff", 350_000),
    ("manual pages, German", "manpages-de", r"^/usr/share/man/de/man1/.+\.gz$", None, "roff", 350_000),
    ("manual pages, Russian", "manpages-ru", r"^/usr/share/man/ru/man1/.+\.gz$", None, "roff", 350_000),
] + [
    # Country names in many scripts: "English<TAB>translation" lines.
    ("ISO 3166-1 country names, %s" % lang, "iso-codes",
     r"^/usr/share/locale/%s/LC_MESSAGES/iso_3166-1\.mo$" % lang, None, "mo", None)
    for lang in _ISO_LANGS
] + [
    # Every fully-qualified emoji sequence of Unicode 15.0 with its name.
    ("Unicode emoji-test.txt, emoji and names", "unicode-data",
     r"^/usr/share/unicode/emoji/emoji-test\.txt$", None, "emoji", None),
]


def die(msg):
    print("corpus-extract: " + msg, file=sys.stderr)
    sys.exit(2)


def dpkg(args):
    r = subprocess.run(["dpkg-query"] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=dict(os.environ, LC_ALL="C"))
    if r.returncode != 0:
        return None
    return r.stdout.decode("utf-8", "replace")


_listing_cache = {}


def package_files(pkg):
    if pkg not in _listing_cache:
        status = dpkg(["-W", "-f=${Status}", pkg])
        if status is None or "install ok installed" not in status:
            die("package %s is not installed (needed for the corpus; run scripts/setup.sh)" % pkg)
        out = dpkg(["-L", pkg])
        files = [p for p in out.split("\n") if p.startswith("/")]
        _listing_cache[pkg] = sorted(set(files), key=lambda s: s.encode("utf-8"))
    return _listing_cache[pkg]


def package_version(pkg):
    v = dpkg(["-W", "-f=${Version}", pkg])
    return v.strip() if v else "?"


def read_text(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        die("cannot read %s: %s" % (path, e.strerror))
    if path.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as e:
            die("cannot decompress %s: %s" % (path, e))
    # Invalid UTF-8 bytes are dropped.
    return data.decode("utf-8", "ignore")


# --------------------------------------------------------------------------------------
# Normalization shared by every converter.

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\ufeff]")


def normalize(text):
    """LF endings, no control characters but TAB, lines right-stripped, one blank line
    between paragraphs, no blank line at either end."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = _CONTROL.sub("", text)
    out = []
    blank = True
    for line in text.split("\n"):
        line = line.rstrip()
        if not line:
            if not blank:
                out.append("")
            blank = True
            continue
        out.append(line)
        blank = False
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)


_RULE = re.compile(r"^\s*([=\-~^*#\"'`+._:])\1{3,}\s*$")


def drop_rules(lines):
    """Drops lines made of one punctuation character repeated (section underlines,
    separators)."""
    return [ln for ln in lines if not _RULE.match(ln)]


# --------------------------------------------------------------------------------------
# reStructuredText (Sphinx sources).

_RST_DROP_BODY = {
    "index", "toctree", "highlight", "include", "literalinclude", "image", "figure",
    "tabularcolumns", "sectionauthor", "moduleauthor", "kernel-doc", "kernel-abi",
    "kernel-feat", "kernel-include", "raw", "only", "testsetup", "testcleanup", "csv-table",
    "c:namespace", "c:namespace-push", "c:namespace-pop", "cpp:namespace", "currentmodule",
    "default-role", "contents", "sectnum", "audit-event-table", "availability", "impl-detail",
    "opcodehash", "miscnews", "role", "title", "meta",
    "graphviz", "flat-table", "digraph", "pep", "rubric", "program", "option-list",
}
_RST_DIRECTIVE = re.compile(r"^(\s*)\.\.\s+([A-Za-z][\w:.+-]*)::\s*(.*)$")
_RST_COMMENT_OR_TARGET = re.compile(r"^(\s*)\.\.(\s|$)")
_RST_ROLE = re.compile(r":[A-Za-z][\w:.+-]*:`([^`]+)`")
_RST_LINK = re.compile(r"`([^`<]+?)\s*<[^`>]+>`__?")
_RST_REF = re.compile(r"`([^`]+)`__?")
_RST_LITERAL = re.compile(r"``(.+?)``")
_RST_STRONG = re.compile(r"\*\*(\S(?:[^*]*?\S)?)\*\*")
_RST_EMPH = re.compile(r"(?<![\w*\\])\*(\S(?:[^*]*?\S)?)\*(?![\w*])")


def _rst_role_text(m):
    t = m.group(1)
    t = re.sub(r"\s*<[^<>]*>$", "", t) or t
    return t.lstrip("~!")


def rst_inline(line):
    line = _RST_ROLE.sub(_rst_role_text, line)
    line = _RST_LITERAL.sub(r"\1", line)
    line = _RST_LINK.sub(r"\1", line)
    line = _RST_REF.sub(r"\1", line)
    line = _RST_STRONG.sub(r"\1", line)
    line = _RST_EMPH.sub(r"\1", line)
    return line


def indent_of(line):
    return len(line) - len(line.lstrip(" \t"))


def conv_rst(text, _path):
    lines = text.replace("\t", "        ").split("\n")
    out = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        m = _RST_DIRECTIVE.match(line)
        if m or _RST_COMMENT_OR_TARGET.match(line):
            base = len(m.group(1)) if m else indent_of(line)
            name = m.group(2) if m else None
            # Extent of the directive (or comment): the following lines indented deeper,
            # blank lines included; only needed where the body is dropped.
            j = i + 1
            while j < n and (not lines[j].strip() or indent_of(lines[j]) > base):
                j += 1
            while j > i + 1 and not lines[j - 1].strip():
                j -= 1
            if m is None or name in _RST_DROP_BODY:
                i = j  # comments, targets, substitutions, dropped directives
                continue
            args = m.group(3).strip()
            if args:
                out.append(" " * base + args)
            k = i + 1
            # Directive options (":name: value") right after the directive line.
            while k < j and re.match(r"^\s+:[\w -]+:( |$)", lines[k]):
                k += 1
            # The body is processed like any other text (it may hold nested directives).
            out.append("")
            i = k
            continue
        stripped = line.strip()
        if stripped == "::":
            out.append("")
        else:
            if stripped.endswith("::"):
                line = line[:-1]
            out.append(line)
        i += 1
    # Inline markup is resolved on the whole text: roles and literals may span lines.
    return normalize(rst_inline("\n".join(drop_rules(out))))


# --------------------------------------------------------------------------------------
# POD (Perl documentation).

_POD_ENTITIES = {"lt": "<", "gt": ">", "verbar": "|", "sol": "/"}


def _pod_escape(name):
    if name in _POD_ENTITIES:
        return _POD_ENTITIES[name]
    try:
        if name.lower().startswith("0x"):
            return chr(int(name, 16))
        if name.startswith("0") and len(name) > 1:
            return chr(int(name, 8))
        if name.isdigit():
            return chr(int(name))
    except (ValueError, OverflowError):
        return ""
    return html.unescape("&%s;" % name) if name.isalnum() else ""


def pod_inline(s):
    """Expands POD formatting codes, B<...>, C<< ... >> and nested ones included."""
    out = []
    stack = []  # (code letter, closing delimiter, index in out where the content starts)
    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c in "IBCLEFSXZ" and s.startswith("<", i + 1):
            j = i + 1
            while j < n and s[j] == "<":
                j += 1
            count = j - (i + 1)
            if count > 1 and j < n and s[j] in " \t\n":
                stack.append((c, ">" * count, len(out)))
                i = j + 1
                continue
            stack.append((c, ">", len(out)))
            i += 2
            continue
        if stack:
            close = stack[-1][1]
            if close == ">" and c == ">":
                _pod_close(out, stack)
                i += 1
                continue
            if close != ">" and c in " \t\n":
                k = i
                while k < n and s[k] in " \t\n":
                    k += 1
                if s.startswith(close, k):
                    _pod_close(out, stack)
                    i = k + len(close)
                    continue
        out.append(c)
        i += 1
    while stack:
        _pod_close(out, stack)
    return "".join(out)


def _pod_close(out, stack):
    code, _close, start = stack.pop()
    content = "".join(out[start:])
    del out[start:]
    if code == "E":
        content = _pod_escape(content.strip())
    elif code in "XZ":
        content = ""
    elif code == "L":
        if "|" in content:
            content = content.split("|", 1)[0]
        elif "/" in content and not re.match(r"^\w+:", content):
            name, sec = content.split("/", 1)
            content = sec.strip('"') + (" in " + name if name else "")
        content = content.strip('"')
    elif code == "S":
        content = content.replace(" ", "\u00a0")
    out.append(content)


def conv_pod(text, _path):
    paras = re.split(r"\n[ \t]*\n", text)
    out = []
    skip_format = None  # inside =begin FORMAT ... =end FORMAT for a non-text format
    for p in paras:
        if not p.strip():
            continue
        m = re.match(r"=(\w+)\s*(.*)$", p, re.S)
        if m:
            cmd, rest = m.group(1), m.group(2).strip()
            if skip_format is not None:
                if cmd == "end" and rest.split()[:1] == [skip_format]:
                    skip_format = None
                continue
            if cmd == "begin":
                fmt = (rest.split() or [""])[0]
                if fmt.lstrip(":") not in ("text", "pod"):
                    skip_format = fmt
            elif re.fullmatch(r"head\d|item", cmd):
                if cmd == "item":
                    rest = re.sub(r"^[*]\s*", "", rest)
                if rest:
                    out.append(pod_inline(rest))
            continue  # =pod =cut =over =back =end =for =encoding and unknown commands
        if skip_format is not None:
            continue
        if p[0] in " \t":
            out.append(p)  # verbatim paragraph
        else:
            out.append(pod_inline(p))
    return normalize("\n\n".join(out))


# --------------------------------------------------------------------------------------
# HTML (PostgreSQL's DocBook XHTML).

_HTML_TOKEN = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[!?][^>]*>|<(/?)([A-Za-z][\w:-]*)([^>]*)>|[^<]+|<",
                         re.S)
_HTML_PARA = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table", "ul", "ol", "dl",
              "blockquote", "hr", "section", "article", "figure", "address", "body", "caption",
              "thead", "tbody", "tfoot"}
_HTML_LINE = {"br", "li", "tr", "dt", "dd"}
_HTML_SKIP = {"head", "script", "style", "title"}
_HTML_SKIP_CLASSES = re.compile(r"""\bclass\s*=\s*["'](navheader|navfooter|toc|list-of-tables|list-of-figures|list-of-examples)["']""")


def conv_html(text, _path):
    out = []
    pre = 0
    skip = None  # (tag, depth) while inside a skipped element

    def at_line_start():
        for piece in reversed(out):
            if piece:
                return piece.endswith("\n")
        return True

    for m in _HTML_TOKEN.finditer(text):
        tok = m.group(0)
        tag = m.group(2)
        if tag is not None:
            tag = tag.lower()
            closing = m.group(1) == "/"
            selfclose = m.group(3).rstrip().endswith("/")
            if skip is not None:
                stag, sdepth = skip
                if tag == stag and not selfclose:
                    sdepth += -1 if closing else 1
                    skip = None if sdepth == 0 else (stag, sdepth)
                continue
            if not closing and not selfclose and (tag in _HTML_SKIP or _HTML_SKIP_CLASSES.search(m.group(3))):
                skip = (tag, 1)
                continue
            if tag == "pre":
                pre += -1 if closing else 1
                pre = max(pre, 0)
                out.append("\n\n")
            elif tag in _HTML_PARA:
                out.append("\n\n")
            elif tag in _HTML_LINE:
                out.append("\n")
            elif tag in ("td", "th") and closing:
                out.append("\t")
            continue
        if skip is not None or tok.startswith("<!") or tok.startswith("<?"):
            if tok.startswith("<![CDATA[") and skip is None:
                out.append(tok[9:-3])
            continue
        s = html.unescape(tok)
        if pre:
            out.append(s)
        else:
            s = re.sub(r"[ \t\r\n]+", " ", s)
            if at_line_start():
                s = s.lstrip(" ")
            out.append(s)
    text = "".join(out)
    # Table rows end in a TAB from the last cell; lines may start with a space left
    # from inline markup at the start of a block.
    lines = [ln.rstrip("\t ") for ln in text.split("\n")]
    return normalize("\n".join(lines))


# --------------------------------------------------------------------------------------
# AsciiDoc (git documentation).

_ADOC_ATTRS = {"{litdd}": "--", "{caret}": "^", "{tilde}": "~", "{startsb}": "[", "{endsb}": "]",
               "{apostrophe}": "'", "{backtick}": "`", "{empty}": "", "{nbsp}": "\u00a0",
               "{plus}": "+", "{asterisk}": "*", "{sp}": " ", "{zwsp}": ""}
_ADOC_DROP = re.compile(r"^(ifdef|ifndef|endif|ifeval|include)::.*\]\s*$|^\[\[?[^\]]*\]\]?\s*$|^\+\s*$|^:[\w-]+:.*$|^//.*$")


def conv_asciidoc(text, _path):
    out = []
    for line in text.split("\n"):
        if _ADOC_DROP.match(line):
            out.append("" if line.strip() == "+" else None)
            continue
        line = re.sub(r"linkgit:([\w.-]+)\[(\d+)\]", r"\1(\2)", line)
        line = re.sub(r"link:[^\[\s]+\[([^\]]*)\]", r"\1", line)
        for k, v in _ADOC_ATTRS.items():
            line = line.replace(k, v)
        line = re.sub(r"`([^`]+)`", r"\1", line)
        out.append(line)
    return normalize("\n".join(drop_rules([x for x in out if x is not None])))


# --------------------------------------------------------------------------------------
# Vim help files.

def conv_vimhelp(text, _path):
    out = []
    for line in text.split("\n"):
        if re.match(r"^\s*vim:.*:\s*$", line):
            continue
        # Lines holding only tags (*tag*) are jump targets, not text.
        if re.fullmatch(r"(\s*\*[^*\s]+\*)+\s*", line):
            continue
        line = re.sub(r"\|([^|\s]+)\|", r"\1", line)
        line = re.sub(r"\s+~$", "", line)  # heading marker
        if line.rstrip() in (">", "<"):
            line = ""
        elif line.endswith(" >"):
            line = line[:-2]
        out.append(line)
    return normalize("\n".join(drop_rules(out)))


def conv_plain(text, _path):
    return normalize("\n".join(drop_rules(text.split("\n"))))


# --------------------------------------------------------------------------------------
# roff manual pages (man macros), text only.

_ROFF_CHARS = {
    "em": "\u2014", "en": "\u2013", "hy": "-", "mi": "-", "bu": "\u2022", "co": "\u00a9",
    "rg": "\u00ae", "tm": "\u2122", "lq": "\u201c", "rq": "\u201d", "oq": "\u2018",
    "cq": "\u2019", "aq": "'", "dq": '"', "rs": "\\", "pl": "+", "mu": "\u00d7",
    "di": "\u00f7", "de": "\u00b0", ">=": "\u2265", "<=": "\u2264", "->": "\u2192",
    "<-": "\u2190", "ti": "~", "ha": "^", "ga": "`", "aa": "\u00b4", "ul": "_", "ba": "|",
    "or": "|", "sl": "/", "lh": "\u261c", "rh": "\u261e", "fo": "\u00ab", "fc": "\u00bb",
    "Fo": "\u00ab", "Fc": "\u00bb", "sq": "\u25a1", "ci": "\u25cb", "+-": "\u00b1",
    "!=": "\u2260", "==": "\u2261", "ap": "~", "eq": "=", "at": "@", "sh": "#", "Do": "$",
    "lB": "[", "rB": "]", "lC": "{", "rC": "}", "la": "\u27e8", "ra": "\u27e9",
    "dg": "\u2020", "ss": "\u00df", "'e": "\u00e9", "`e": "\u00e8", "'a": "\u00e1",
    ":u": "\u00fc", ":o": "\u00f6", ":a": "\u00e4", ":U": "\u00dc", ":O": "\u00d6",
    ":A": "\u00c4", ",c": "\u00e7", "^e": "\u00ea", "^o": "\u00f4", "^a": "\u00e2",
    "Eu": "\u20ac", "eu": "\u20ac", "Po": "\u00a3", "ct": "\u00a2", "pc": "\u00b7",
}
_ROFF_STRINGS = {"lq": "\u201c", "rq": "\u201d", "R": "\u00ae", "Tm": "\u2122", "Lq": "\u201c", "Rq": "\u201d"}


def _roff_special(name):
    if name in _ROFF_CHARS:
        return _ROFF_CHARS[name]
    m = re.fullmatch(r"u([0-9A-Fa-f]{4,6})(_[0-9A-Fa-f]{4,6})*", name)
    if m:
        try:
            return "".join(chr(int(x, 16)) for x in name[1:].split("_"))
        except (ValueError, OverflowError):
            return ""
    return ""


_ROFF_ESC = re.compile(
    r"\\(?:"
    r"f(?:\[[^\]]*\]|\(..|.)"          # font
    r"|s[+-]?(?:\[[^\]]*\]|\(..|\d\d?|'[^']*')"  # size
    r"|\((..)"                          # \(xx special character
    r"|\[([^\]]*)\]"                    # \[name] special character
    r"|\*(?:\[([^\]]*)\]|\((..)|(.))"   # string interpolation
    r"|[nkgmM](?:\[[^\]]*\]|\(..|.)"    # registers, colours
    r"|[hvwlLxXNoDbRSZAB](?:'[^']*')"  # escapes with a quoted argument
    r"|[$](?:\d|\*|@)"
    r"|(.)"                             # any other escaped character
    r")")


def _roff_esc(m):
    if m.group(1) is not None:
        return _roff_special(m.group(1))
    if m.group(2) is not None:
        return _roff_special(m.group(2))
    for g in (3, 4, 5):
        if m.group(g) is not None:
            return _ROFF_STRINGS.get(m.group(g), "")
    c = m.group(6)
    if c is None:
        return ""
    if c in "-e\\":
        return "-" if c == "-" else "\\"
    if c in " ~0":
        return " "
    if c in "&|^%:c,/)!\"{}dupra'`":
        return {"'": "\u00b4", "`": "`"}.get(c, "")
    return c


def roff_text(s):
    s = re.sub(r'\\".*$', "", s)  # comment
    return _ROFF_ESC.sub(_roff_esc, s)


def roff_args(s):
    args = []
    for m in re.finditer(r'"((?:[^"]|"")*)"?|(\S+)', s):
        args.append(m.group(1).replace('""', '"') if m.group(1) is not None else m.group(2))
    return args


_ROFF_BREAK = {"PP", "P", "LP", "sp", "TP", "TQ", "IP", "HP", "RS", "RE", "EX", "EE", "nf",
               "fi", "br", "Pp", "Bl", "El", "It", "Bd", "Ed"}


def conv_roff(text, _path):
    """Text of a man(7) page: requests dropped, fonts and escapes resolved, the lines of a
    paragraph joined with one space (fill mode) except between .nf/.fi or .EX/.EE."""
    paras = []
    cur = []  # lines of the current paragraph
    nofill = False

    def flush():
        if cur:
            paras.append("\n".join(cur))
            cur.clear()

    def add(t):
        t = t.strip()
        if not t:
            if nofill:
                flush()
            return
        if nofill or not cur:
            cur.append(t)
        else:
            cur[-1] += " " + t

    lines = text.split("\n")
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        i += 1
        if line[:1] not in (".", "'"):
            if not line.strip():
                flush()
            else:
                add(roff_text(line))
            continue
        body = line[1:].lstrip()
        name = body.split(None, 1)[0] if body.split() else ""
        rest = body[len(name):].strip()
        if name == "" or name.startswith('\\"'):
            continue
        if name in ("de", "de1", "am", "ig"):  # macro definitions and ignored blocks
            end = "." + rest.split()[0] if name == "ig" and rest else ".."
            while i < n and lines[i].strip() != end:
                i += 1
            i += 1
            continue
        if name == "TS":  # tbl tables are dropped
            while i < n and not lines[i].startswith(".TE"):
                i += 1
            i += 1
            continue
        if name in ("SH", "SS", "Sh", "Ss"):
            flush()
            add(roff_text(" ".join(roff_args(rest))))
            flush()
        elif name in ("B", "I", "SM", "SB"):
            if rest:
                add(roff_text(" ".join(roff_args(rest))))
            elif i < n:
                add(roff_text(lines[i]))
                i += 1
        elif name in ("BI", "BR", "IB", "IR", "RB", "RI"):
            add(roff_text("".join(roff_args(rest))))
        elif name in _ROFF_BREAK:
            flush()
            if name in ("nf", "EX"):
                nofill = True
            elif name in ("fi", "EE"):
                nofill = False
            elif name in ("IP", "HP", "It") and rest:
                args = roff_args(rest)
                if args and args[0]:
                    add(roff_text(args[0]))
                    flush()
        # every other request (.TH .so .ft .in .ad .UR ...) is dropped
    flush()
    return normalize("\n\n".join(paras))


# --------------------------------------------------------------------------------------
# GNU gettext catalogues (.mo): "msgid<TAB>msgstr" lines.

def conv_mo(data, path):
    try:
        magic = struct.unpack("<I", data[:4])[0]
        endian = "<" if magic == 0x950412DE else ">" if magic == 0xDE120495 else None
        if endian is None:
            raise ValueError("bad magic")
        _rev, count, orig_off, trans_off = struct.unpack(endian + "4I", data[4:20])
        pairs = []
        for k in range(count):
            olen, opos = struct.unpack(endian + "2I", data[orig_off + 8 * k:orig_off + 8 * k + 8])
            tlen, tpos = struct.unpack(endian + "2I", data[trans_off + 8 * k:trans_off + 8 * k + 8])
            orig = data[opos:opos + olen].decode("utf-8", "ignore")
            trans = data[tpos:tpos + tlen].decode("utf-8", "ignore")
            if orig and trans and "\x00" not in orig and orig != trans:
                pairs.append((orig, trans))
    except (struct.error, ValueError) as e:
        die("cannot parse gettext catalogue %s: %s" % (path, e))
    pairs.sort(key=lambda p: p[0].encode("utf-8"))
    lines = ["%s\t%s" % (o.replace("\n", " "), t.replace("\n", " ")) for o, t in pairs]
    return normalize("\n".join(lines))


# --------------------------------------------------------------------------------------
# Unicode emoji-test.txt: "emoji name" lines, one paragraph per subgroup.

def conv_emoji(text, _path):
    out = []
    for line in text.split("\n"):
        if line.startswith("# group:") or line.startswith("# subgroup:"):
            out.append("")
            out.append(line.split(":", 1)[1].strip())
            continue
        if not line or line.startswith("#"):
            continue
        m = re.match(r"^[0-9A-F ]+;\s*([\w-]+)\s*#\s*(\S+)\s+E\d+\.\d+\s+(.*)$", line)
        if m and m.group(1) == "fully-qualified":
            out.append("%s %s" % (m.group(2), m.group(3)))
    return normalize("\n".join(out))


CONVERTERS = {"rst": conv_rst, "pod": conv_pod, "html": conv_html, "asciidoc": conv_asciidoc,
              "plain": conv_plain, "vimhelp": conv_vimhelp, "roff": conv_roff, "mo": conv_mo,
              "emoji": conv_emoji}


# --------------------------------------------------------------------------------------

class Writer:
    def __init__(self, f):
        self.f = f
        self.size = 0

    def block(self, text):
        """Writes one normalized block; returns the bytes it added."""
        if not text:
            return 0
        data = ("\n\n" if self.size else "") + text
        b = data.encode("utf-8")
        self.f.write(b)
        self.size += len(b)
        return len(b)


def run_sources(sources, writer, stats):
    for label, pkg, include, exclude, conv, budget in sources:
        inc = re.compile(include)
        exc = re.compile(exclude) if exclude else None
        files = [p for p in package_files(pkg)
                 if inc.search(p) and not (exc and exc.search(p))
                 and os.path.isfile(p) and not os.path.islink(p)]
        if not files:
            die("package %s has no file matching %s" % (pkg, include))
        taken = 0
        nfiles = 0
        for path in files:
            if budget is not None and taken >= budget:
                break
            if conv == "mo":
                with open(path, "rb") as f:
                    text = conv_mo(f.read(), path)
            else:
                text = CONVERTERS[conv](read_text(path), path)
            added = writer.block(text)
            taken += added
            nfiles += added > 0
        stats.append((pkg, nfiles, taken, label))


def source_packages():
    seen = []
    for src in ENGLISH + MULTILINGUAL:
        if src[1] not in seen:
            seen.append(src[1])
    return seen


def main(argv):
    if len(argv) == 2 and argv[1] == "--packages":
        print("\n".join(source_packages()))
        return 0
    if len(argv) != 2 or argv[1].startswith("-"):
        print("usage: corpus-extract.py OUT_DIR | --packages", file=sys.stderr)
        return 2
    out_dir = argv[1]
    os.makedirs(out_dir, exist_ok=True)
    corpus = os.path.join(out_dir, "corpus.txt")
    manifest = os.path.join(out_dir, "MANIFEST.txt")
    tmp = corpus + ".tmp"
    english, multi = [], []
    with open(tmp, "wb") as f:
        w = Writer(f)
        run_sources(ENGLISH, w, english)
        english_bytes = w.size
        run_sources(MULTILINGUAL, w, multi)
        f.write(b"\n")
        total = w.size + 1
    h = hashlib.sha256()
    with open(tmp, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    lines = [
        "# stratbench corpus, built by scripts/corpus-extract.py from installed Debian packages.",
        "# Same package versions give the same bytes. One line per source, in corpus order:",
        "# part, package, version, files, bytes, what. Bytes count what the source added to",
        "# corpus.txt, the blank line before it included; they add up to total_bytes - 1 (the",
        "# final newline).",
        "",
    ]
    for part, stats in (("english", english), ("multilingual", multi)):
        for pkg, nfiles, nbytes, label in stats:
            lines.append("%s\t%s\t%s\t%d\t%d\t%s" % (part, pkg, package_version(pkg), nfiles, nbytes, label))
    lines += [
        "",
        "english_bytes\t%d" % english_bytes,
        "multilingual_offset\t%d" % (english_bytes + 2),
        "total_bytes\t%d" % total,
        "sha256\t%s" % h.hexdigest(),
        "extractor_python\t%d.%d" % sys.version_info[:2],
    ]
    with open(manifest + ".tmp", "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, corpus)
    os.replace(manifest + ".tmp", manifest)
    print("corpus-extract: %s: %d bytes (english %d), sha256 %s" % (corpus, total, english_bytes, h.hexdigest()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
