"""A form's payload as the browser client sends it: the FormData rules over
the Lexbor DOM.

The key idea: a test fills in a form the way a user can, and no other way. The
form is serialised by the rules the browser's ``FormData`` follows, then what
the test typed is laid over it; a field the form lacks, a disabled field, or
an option a select, checkbox or radio does not offer is refused, because no
user could send it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from livecomp.testing.nodes import closest_tag, first_child

FormData = dict[str, str | list[str]]

_BUTTON_TYPES = frozenset({"submit", "image", "reset", "button"})


@dataclass
class _Field:
    """A named control of a form, for checking what a test fills in."""

    #: The values a user can pick (select options, checkbox and radio values);
    #: None when the user can type anything.
    choices: set[str] | None = field(default_factory=set)
    disabled: bool = True


def serialize_form(
    form: LexborNode,
    data: Mapping[str, str | Sequence[str]] | None = None,
    *,
    submitter: LexborNode | None = None,
) -> FormData:
    """``form``'s payload as the browser client sends it, with ``data`` laid over it.

    The FormData rules: named controls that are not disabled (nor in a
    disabled fieldset); checkboxes and radios only when checked (value
    ``on`` by default); a select's selected options; a textarea's text;
    buttons only as the ``submitter``; file inputs left out. A repeated name,
    or a ``<select multiple>``, gives a list.

    Raises:
        LookupError: a key of ``data`` names no field of the form.
        ValueError: ``data`` gives a disabled field, or a value that is not
            one of a select's, checkbox's or radio's own.
    """
    entries: list[tuple[str, str]] = []
    fields: dict[str, _Field] = {}
    lists: set[str] = set()
    for control in form.css("input, select, textarea, button"):
        name = control.attributes.get("name") or ""
        kind = _control_type(control)
        if control.tag == "button" or kind in _BUTTON_TYPES:
            if submitter is not None and control == submitter:
                if kind == "image":
                    prefix = f"{name}." if name else ""
                    entries += [(prefix + "x", "0"), (prefix + "y", "0")]
                elif name:
                    entries.append((name, control.attributes.get("value") or ""))
            continue
        if not name or kind == "file":
            continue
        is_barred = barred(control)
        known = fields.setdefault(name, _Field())
        known.disabled = known.disabled and is_barred
        if control.tag == "select":
            options = _options(control)
            if known.choices is not None:
                known.choices.update(_option_value(o) for o in options if not _option_disabled(o))
            if "multiple" in control.attributes:
                lists.add(name)
            values = [] if is_barred else [_option_value(o) for o in _selected(control, options)]
        elif kind in ("checkbox", "radio"):
            value = (
                (control.attributes.get("value") or "") if "value" in control.attributes else "on"
            )
            if known.choices is not None:
                known.choices.add(value)
            values = [value] if "checked" in control.attributes and not is_barred else []
        else:
            known.choices = None
            text = control.text(deep=True) if control.tag == "textarea" else None
            value = text if text is not None else control.attributes.get("value") or ""
            values = [] if is_barred else [value]
        entries += [(name, value) for value in values]

    payload: FormData = {}
    for name, value in entries:
        seen = payload.get(name)
        if seen is None:
            payload[name] = [value] if name in lists else value
        elif isinstance(seen, list):
            seen.append(value)
        else:
            payload[name] = [seen, value]
    for name, given in (data or {}).items():
        if name not in fields:
            raise LookupError(f"the form has no field {name!r}; its fields: {sorted(fields)}")
        known = fields[name]
        if known.disabled:
            raise ValueError(f"field {name!r} is disabled: a user cannot fill it in")
        values = [given] if isinstance(given, str) else list(given)
        if known.choices is not None:
            for value in values:
                if value not in known.choices:
                    raise ValueError(
                        f"field {name!r} has no option {value!r}; its options: "
                        f"{sorted(known.choices)}"
                    )
        if isinstance(given, str):
            payload[name] = given
        elif values:
            payload[name] = values
        else:
            payload.pop(name, None)  # as unchecked boxes are: absent
    return payload


def find_form(node: LexborNode, selector: str, binding: str) -> tuple[LexborNode, str]:
    """The form around ``node`` (which ``selector`` matched) and the event its
    ``binding`` names.

    Raises:
        LookupError: no form around ``node``, or no ``binding`` on it.
    """
    form = closest_tag(node, "form")
    if form is None:
        raise LookupError(f"{selector!r} matches no form, nor an element inside one")
    event = form.attributes.get(binding)
    if not event:
        raise LookupError(f"the form {selector!r} matches has no {binding} attribute")
    return form, event


def check_submitter(button: LexborNode, form: LexborNode, submitter: str) -> LexborNode:
    """``button`` (which ``submitter`` matched), if a user can submit ``form`` with it.

    Raises:
        LookupError: it is not a submit button of ``form``.
        ValueError: it is disabled.
    """
    if closest_tag(button, "form") != form or not is_submit_button(button):
        raise LookupError(f"{submitter!r} is not a submit button of the form")
    if barred(button):
        raise ValueError(f"{submitter!r} is disabled: a user cannot click it")
    return button


def is_submit_button(node: LexborNode) -> bool:
    """Whether ``node`` submits its form when clicked."""
    return node.tag in ("input", "button") and _control_type(node) in ("submit", "image")


def barred(control: LexborNode) -> bool:
    """Disabled itself, or by a fieldset around it (but in its first legend), or in a datalist."""
    if "disabled" in control.attributes:
        return True
    child, parent = control, control.parent
    while parent is not None and parent.tag not in ("form", "-document"):
        if parent.tag == "datalist":
            return True
        disabled = parent.tag == "fieldset" and "disabled" in parent.attributes
        if disabled and child != first_child(parent, "legend"):
            return True
        child, parent = parent, parent.parent
    return False


def _control_type(control: LexborNode) -> str:
    default = "submit" if control.tag == "button" else "text"
    if control.tag not in ("input", "button"):
        return control.tag or ""
    return (control.attributes.get("type") or default).strip().lower()


def _options(select: LexborNode) -> list[LexborNode]:
    return list(select.css("option"))


def _option_disabled(option: LexborNode) -> bool:
    parent = option.parent
    in_disabled_group = parent is not None and parent.tag == "optgroup"
    return "disabled" in option.attributes or (
        in_disabled_group and parent is not None and "disabled" in parent.attributes
    )


def _option_value(option: LexborNode) -> str:
    if "value" in option.attributes:
        return option.attributes.get("value") or ""
    return " ".join(option.text(deep=True).split())


def _selected(select: LexborNode, options: list[LexborNode]) -> list[LexborNode]:
    """The options a select submits: selected and not disabled."""
    marked = [o for o in options if "selected" in o.attributes]
    if "multiple" not in select.attributes:
        size = select.attributes.get("size") or ""
        if marked:
            marked = marked[-1:]  # the last one marked wins
        elif not (size.isdigit() and int(size) > 1):
            marked = [o for o in options if not _option_disabled(o)][:1]
    return [o for o in marked if not _option_disabled(o)]
