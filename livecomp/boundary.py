"""Error boundaries: a component that shows a fallback when its subtree fails.

The key idea: a render that raises inside a component whose class sets
``fallback_template`` stops there. The failure is logged with an error id,
the boundary's children are unmounted (a half-reconciled subtree is not
kept), and the boundary renders its fallback in place of its subtree, which
its parent sees as any other render of it. Everything outside the boundary
stays as it was and stays live; the boundary's next render tries its own
template again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from livecomp.component import Component
from livecomp.template import current_templates


@dataclass(frozen=True, slots=True)
class RenderFailure:
    """What a fallback template knows of the failure: ``failure.error_id``
    (the id in the server's log line) and what failed, in words."""

    error_id: str
    what: str


def is_boundary(component: Component[Any]) -> bool:
    """Whether ``component`` shows a fallback when its subtree fails."""
    return type(component).fallback_template is not None


def render_fallback(component: Component[Any], failure: RenderFailure) -> str:
    """The HTML of ``component``'s fallback for ``failure``."""
    source = type(component).fallback_template
    assert source is not None
    template = current_templates().inline(source)
    return template.render(state=component.state, component=component, failure=failure)
