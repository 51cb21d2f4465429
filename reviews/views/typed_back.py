"""What was typed in a form whose step was refused, carried back to the page the user is sent to
(the redirect shows the refusal's reasons; this keeps the text, so that nothing typed is lost).

One refusal is kept at a time, for one page, and read once: the page puts it back in the form it
came from, or shows it to be copied when that form is no longer offered (the state moved on)."""

import time
from dataclasses import dataclass, field

SESSION_KEY = "typed_back"
# The refused step redirects to the page at once, which reads what was kept. Kept text that page
# did not read (it no longer offers the form) must not come back into a form hours later, with
# values that no longer apply.
KEPT_SECONDS = 10 * 60
TEXT_ENDINGS = ("reason", "text", "from_name", "conclusion", "comment", "fulfilment", "answer", "products")


@dataclass(frozen=True)
class TypedBack:
    action: str = ""  # the form's prefix, or "conclude-<check id>"
    # the posted names and values (a list for a name posted several times: the rows of a list)
    typed: dict[str, str | list[str]] = field(default_factory=dict)

    def initial(self, action: str) -> dict[str, str] | None:
        """The typed values of `action`'s form, named without its prefix (None for another form)."""
        if action != self.action:
            return None
        return {name.removeprefix(f"{action}-"): value for name, value in self.typed.items()}

    def value(self, name: str) -> str:
        return self.typed.get(name, "")

    def texts(self) -> list[str]:
        """The free text typed (reasons, comments), not the levels or dates chosen."""
        found = [v for k, v in self.typed.items() if k.endswith(TEXT_ENDINGS) or "-why_" in k]
        return [text for v in found for text in ([v] if isinstance(v, str) else v) if text.strip()]


def keep_typed(request, page: str, action: str, names=None) -> None:
    """Keep what was posted for `action` (the fields `<action>-…`, or `names`) for `page`; a name
    posted several times (the rows of a list) is kept as the list of its values."""
    typed = {}
    for name, values in request.POST.lists():
        if (name in names if names else name.startswith(f"{action}-")) and any(v.strip() for v in values):
            typed[name] = values if len(values) > 1 else values[0]
    if typed:
        request.session[SESSION_KEY] = {"page": page, "action": action, "typed": typed, "at": time.time()}


def typed_back(request, page: str) -> TypedBack:
    """What was kept for this page, taken out of the session (empty if nothing was)."""
    kept = request.session.get(SESSION_KEY)
    if not kept or kept.get("page") != page:
        return TypedBack()
    del request.session[SESSION_KEY]
    if time.time() - kept.get("at", 0) > KEPT_SECONDS:
        return TypedBack()
    return TypedBack(kept["action"], kept["typed"])
