"""The client takes every ``live-*`` name from livecomp/names.py, through names.ts.

The key idea: livecomp/js/src/names.ts is generated from livecomp/names.py
and committed; these tests fail when it is stale, when a TypeScript module
spells a ``live-*`` name or a close code itself instead of importing it, and
when names.py holds a name the generator leaves out. Adding a binding or a
key attribute is then one edit in names.py plus a regeneration.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from livecomp import names
from livecomp.protocol import CloseCode, ErrorCode

SRC = Path(__file__).resolve().parents[1] / "livecomp" / "js" / "src"
NAMES_TS = SRC / "names.ts"
REGENERATE = (
    "regenerate it: `.venv/bin/python -m livecomp.names > livecomp/js/src/names.ts`, "
    "then `npm run build` in livecomp/js"
)
# A live-* name: "live-" not preceded by a word character or a dash.
LIVE_NAME = re.compile(r"(?<![\w-])live-")


def string_literals(source: str) -> list[str]:
    """The text of every string literal in TypeScript ``source``, comments skipped.

    A template literal yields each of its literal parts (``${...}`` splits
    it), so `` `[${CID}]` `` yields ``"["`` and ``"]"``. Regular expression
    literals are skipped like strings, so a quote in one misleads nothing.
    """
    literals: list[str] = []
    # Open template literals; each entry counts the braces open in its current ${...}.
    templates: list[int] = []
    i, n = 0, len(source)
    last = ""  # the last significant code character, to tell `/` apart

    def read_template_part(start: int) -> int:
        """Read a template literal's text from ``start``; return where code resumes."""
        j, part = start, []
        while j < n:
            char = source[j]
            if char == "\\":
                part.append(source[j : j + 2])
                j += 2
            elif char == "`":
                templates.pop()
                literals.append("".join(part))
                return j + 1
            elif source.startswith("${", j):
                literals.append("".join(part))
                return j + 2
            else:
                part.append(char)
                j += 1
        raise ValueError("unterminated template literal")

    while i < n:
        char = source[i]
        if source.startswith("//", i):
            i = source.find("\n", i) if "\n" in source[i:] else n
        elif source.startswith("/*", i):
            i = source.index("*/", i + 2) + 2
        elif char in "\"'":
            j, part = i + 1, []
            while source[j] != char:
                part.append(source[j : j + 2] if source[j] == "\\" else source[j])
                j += 2 if source[j] == "\\" else 1
            literals.append("".join(part))
            i, last = j + 1, "a"
        elif char == "`":
            templates.append(0)
            i, last = read_template_part(i + 1), "`"
        elif char == "/" and (last == "" or last in "(,=:[!&|?{};+-*%<>~^"):
            # A regular expression literal: skip to its unescaped closing slash.
            j, in_class = i + 1, False
            while source[j] != "/" or in_class:
                in_class = (in_class or source[j] == "[") and source[j] != "]"
                j += 2 if source[j] == "\\" else 1
            i, last = j + 1, "a"
        elif templates and char == "{":
            templates[-1] += 1
            i, last = i + 1, char
        elif templates and char == "}":
            if templates[-1] == 0:
                i, last = read_template_part(i + 1), "`"
            else:
                templates[-1] -= 1
                i, last = i + 1, char
        else:
            if not char.isspace():
                last = char
            i += 1
    return literals


def ts_constant(name: str) -> object:
    """The value of ``export const NAME = ... as const;`` in names.ts, as JSON."""
    text = NAMES_TS.read_text(encoding="utf-8")
    match = re.search(rf"^export const {name} = (.*?)(?: as const)?;$", text, re.M | re.S)
    assert match, f"names.ts exports no {name}: {REGENERATE}"
    literal = re.sub(r"^(\s+)(\w+):", r'\1"\2":', match.group(1), flags=re.M)
    return json.loads(re.sub(r",(\s*[}\]])", r"\1", literal))


def test_committed_names_ts_is_the_output_of_the_generator() -> None:
    assert NAMES_TS.is_file(), f"{NAMES_TS} is missing: {REGENERATE}"
    assert NAMES_TS.read_text(encoding="utf-8") == names.typescript(), (
        f"livecomp/js/src/names.ts differs from livecomp.names.typescript(): {REGENERATE}"
    )


def test_no_typescript_module_but_names_ts_spells_a_live_name() -> None:
    offenders = [
        f"{path.name}: {literal!r}"
        for path in sorted(SRC.glob("*.ts"))
        if path != NAMES_TS
        for literal in string_literals(path.read_text(encoding="utf-8"))
        if LIVE_NAME.search(literal)
    ]
    assert not offenders, (
        "import these names from ./names instead (add a missing one to livecomp/names.py "
        f"and its typescript()): {offenders}"
    )


def test_no_typescript_module_but_names_ts_spells_a_close_code() -> None:
    offenders = [
        f"{path.name}: {code.value}"
        for path in sorted(SRC.glob("*.ts"))
        if path != NAMES_TS
        for code in CloseCode
        if re.search(rf"(?<![\w.]){code.value}(?![\w.])", path.read_text(encoding="utf-8"))
    ]
    assert not offenders, f"use CloseCode from ./names (or ./protocol): {offenders}"


def test_the_literal_scanner_sees_strings_and_skips_comments() -> None:
    source = (
        '// "live-comment"\n/* `live-block` */\n'
        "const a = \"live-x\", b = 'it\\'s', c = /\"[/]/.test(s) ? 1 : 2;\n"
        'const d = `[${CID}="${f({ k: `live-inner` })}"] ${x}`;\n'
    )
    assert string_literals(source) == ["live-x", "it\\'s", "[", '="', "live-inner", '"] ', ""]


def test_names_ts_keys_siblings_on_key_attrs_in_priority_order() -> None:
    assert ts_constant("KEY_ATTRS") == list(names.KEY_ATTRS)
    assert names.KEY_ATTRS[0] == names.CID, "the component id must be the strongest key"


def test_names_ts_carries_the_protocol_codes() -> None:
    assert ts_constant("CloseCode") == {code.name: code.value for code in CloseCode}
    assert ts_constant("ErrorCode") == {code.name: code.value for code in ErrorCode}


def test_every_live_name_in_names_py_reaches_typescript() -> None:
    defined = {
        value
        for value in vars(names).values()
        if isinstance(value, str) and value.startswith("live-")
    }
    defined |= set(names.BINDINGS.values())
    exported = {literal for literal in string_literals(names.typescript())}
    missing = sorted(defined - exported)
    assert not missing, f"add {missing} to livecomp.names.typescript(), then {REGENERATE}"


def test_names_ts_bindings_and_state_classes_match_names_py() -> None:
    assert ts_constant("BINDINGS") == dict(names.BINDINGS)
    assert ts_constant("STATE_CLASSES") == {
        "connected": names.CONNECTED_CLASS,
        "disconnected": names.DISCONNECTED_CLASS,
        "error": names.ERROR_CLASS,
    }
    assert ts_constant("OPAQUE_ELEMENTS") == sorted(names.OPAQUE_ELEMENTS)
