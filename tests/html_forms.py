"""A page's forms read as a browser would send them back (for tests that post a form
exactly as it was rendered: hidden inputs, checked boxes, selected options, textareas)."""

from __future__ import annotations

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "fields": [], "selects": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if not a.get("name") or kind in ("submit", "button", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append(
                (a["name"], a.get("value", "on" if kind == "checkbox" else ""))
            )
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["selects"][self._select] = None
        elif tag == "option" and self._select:
            chosen = self._form["selects"]
            if chosen[self._select] is None or "selected" in a:
                chosen[self._select] = (a.get("value", ""), "selected" in a)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            self._form["fields"].append(tuple(self._textarea))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            if self._form is not None:
                for name, value in self._form["selects"].items():
                    if value is not None:
                        self._form["fields"].append((name, value[0]))
            self._form = None


def form_of(html: str, page: str, action: str, pick=None) -> dict:
    """The fields of the first form on the page that posts to ``action``."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if (form["action"] or page).split("?")[0].split("#")[0] != action:
            continue
        data: dict = {}
        for name, value in form["fields"]:
            if name in data:
                data[name] = (
                    [*data[name], value] if isinstance(data[name], list) else [data[name], value]
                )
            else:
                data[name] = value
        if pick is None or pick(data):
            data.pop("csrfmiddlewaretoken", None)
            return data
    raise AssertionError(f"no form posting to {action} on {page}")
