"""What was typed in a form whose step was refused, carried back to the page the user is sent to
(the redirect shows the refusal's reasons; this keeps the text, so that nothing typed is lost).

One refusal is kept at a time, for one page, and read once: the page puts it back in the form it
came from, or shows it to be copied when that form is no longer offered (the state moved on)."""

from dataclasses import dataclass, field

SESSION_KEY = "typed_back"
TEXT_ENDINGS = ("reason", "text", "from_name", "conclusion", "comment")


@dataclass(frozen=True)
class TypedBack:
    action: str = ""  # the form's prefix, or "conclude-<check id>"
    typed: dict[str, str] = field(default_factory=dict)  # the posted names and values

    def initial(self, action: str) -> dict[str, str] | None:
        """The typed values of `action`'s form, named without its prefix (None for another form)."""
        if action != self.action:
            return None
        return {name.removeprefix(f"{action}-"): value for name, value in self.typed.items()}

    def value(self, name: str) -> str:
        return self.typed.get(name, "")

    def texts(self) -> list[str]:
        """The free text typed (reasons, comments), not the levels or dates chosen."""
        return [v for k, v in self.typed.items() if k.endswith(TEXT_ENDINGS) or "-why_" in k]


def keep_typed(request, page: str, action: str, names=None) -> None:
    """Keep what was posted for `action` (the fields `<action>-…`, or `names`) for `page`."""
    typed = {
        name: value
        for name, value in request.POST.items()
        if (name in names if names else name.startswith(f"{action}-")) and value.strip()
    }
    if typed:
        request.session[SESSION_KEY] = {"page": page, "action": action, "typed": typed}


def typed_back(request, page: str) -> TypedBack:
    """What was kept for this page, taken out of the session (empty if nothing was)."""
    kept = request.session.get(SESSION_KEY)
    if not kept or kept.get("page") != page:
        return TypedBack()
    del request.session[SESSION_KEY]
    return TypedBack(kept["action"], kept["typed"])
