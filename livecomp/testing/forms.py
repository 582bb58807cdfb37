"""Forms, filled in and sent as the browser client sends them.

The key idea: ``change`` and ``submit`` find the form as the browser client
does (the form ``selector`` matches, or the one around it), serialise it by
the browser's FormData rules (``formdata``), lay what the test typed over
it, and send the form's ``live-change`` or ``live-submit`` event to the
component the form is in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from livecomp.names import BINDINGS
from livecomp.testing.formdata import check_submitter, find_form, serialize_form
from livecomp.testing.nodes import closest_cid, select
from livecomp.testing.reply import Actions, Reply


class FormActions(Actions):
    """The actions of ``LiveTestClient`` that send a form."""

    async def submit(
        self,
        selector: str,
        data: Mapping[str, str | Sequence[str]] | None = None,
        *,
        submitter: str | None = None,
        check: bool = True,
    ) -> Reply:
        """Submit the form ``selector`` matches (or the form around it).

        Sends the form's ``live-submit`` event with the form serialised as the
        browser client does, then ``data`` laid over it: what the user typed.
        ``submitter`` selects the submit button clicked (its name and value
        are sent); without it, the form is submitted as by Enter in a field.

        Raises:
            LookupError: no form, no ``live-submit``, or a key of ``data``
                that names no field of the form.
            ValueError: a value no user could give (a disabled field, an
                option a select or radio does not have).
        """
        return await self._send_form(BINDINGS["submit"], selector, data, submitter, check)

    async def change(
        self,
        selector: str,
        data: Mapping[str, str | Sequence[str]] | None = None,
        *,
        check: bool = True,
    ) -> Reply:
        """Edit the form ``selector`` matches (or the form around it).

        Sends the form's ``live-change`` event with the serialised form and
        ``data`` laid over it, as the browser client does on every input.
        Raises as ``submit`` does.
        """
        return await self._send_form(BINDINGS["change"], selector, data, None, check)

    async def _send_form(
        self,
        binding: str,
        selector: str,
        data: Mapping[str, str | Sequence[str]] | None,
        submitter: str | None,
        check: bool,
    ) -> Reply:
        form, event = find_form(select(self.html, selector), selector, binding)
        button = None
        if submitter is not None:
            button = check_submitter(select(self.html, submitter), form, submitter)
        value = serialize_form(form, data, submitter=button)
        return await self.send_event(event, value, cid=closest_cid(form), check=check)
