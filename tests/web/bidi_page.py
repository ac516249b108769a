"""A page driven over WebDriver BiDi, in the shape of Playwright's sync ``Page``,
``Locator`` and ``expect`` — the part the join flow's steps use (tests/web/flow.py), so
the same steps walk Firefox ESR (tests/fixtures/firefox.py) and Playwright's Chromium.

Elements are found as Playwright finds them: by role and accessible name, by label, by
text or by CSS (names match case-insensitively as substrings unless ``exact``). Clicks
and typing are real input (``input.performActions``), not ``element.click()``.
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import expect as playwright_expect

from tests.fixtures.bidi import BidiConnection, BidiError, from_remote, to_local

TIMEOUT = 10.0  # seconds, for actions and assertions
POLL = 0.05

# Finds the elements a locator means, in the page: ``spec`` is a locator's description.
FIND = r"""
function find(spec) {
  const normalize = (text) => (text ?? "").replace(/\s+/g, " ").trim();
  const matches = (value, wanted, exact) => exact
    ? value === normalize(wanted)
    : value.toLowerCase().includes(normalize(wanted).toLowerCase());
  const hidden = (element) => {
    for (let node = element; node; node = node.parentElement) {
      if (node.hidden || node.getAttribute("aria-hidden") === "true") return true;
    }
    return !element.checkVisibility({ visibilityProperty: true });
  };
  const labelled = (element) => {
    const ids = element.getAttribute("aria-labelledby");
    if (ids) {
      return normalize(ids.split(/\s+/)
        .map((id) => document.getElementById(id)?.textContent ?? "").join(" "));
    }
    if (element.getAttribute("aria-label")) return normalize(element.getAttribute("aria-label"));
    if (element.labels?.length) {
      return normalize([...element.labels].map((label) => label.textContent).join(" "));
    }
    return null;
  };
  const name = (element) => labelled(element)
    ?? (normalize(element.textContent) || normalize(element.getAttribute("title")));
  const ROLES = {
    button: "button, input[type=button], input[type=submit], input[type=reset], [role=button]",
    heading: "h1, h2, h3, h4, h5, h6, [role=heading]",
    checkbox: "input[type=checkbox], [role=checkbox]",
    radio: "input[type=radio], [role=radio]",
    link: "a[href], [role=link]",
    textbox: "input:not([type]), input[type=text], input[type=tel], input[type=email], "
      + "textarea, [role=textbox]",
  };
  let found;
  if (spec.kind === "css") {
    found = [...document.querySelectorAll(spec.selector)];
  } else if (spec.kind === "role") {
    found = [...document.querySelectorAll(ROLES[spec.role] ?? `[role=${spec.role}]`)]
      .filter((element) => !hidden(element)
        && (spec.name === null || matches(name(element), spec.name, spec.exact)));
  } else if (spec.kind === "label") {
    found = [...document.querySelectorAll("input, textarea, select, button, meter, "
      + "[aria-label], [aria-labelledby]")]
      .filter((element) => matches(labelled(element) ?? "", spec.text, spec.exact));
  } else {
    // The innermost elements whose text matches.
    found = [...document.body.querySelectorAll("*")]
      .filter((element) => !["SCRIPT", "STYLE"].includes(element.tagName)
        && matches(normalize(element.textContent), spec.text, spec.exact))
      .filter((element, _, all) => !all.some((other) => other !== element
        && element.contains(other)));
  }
  if (spec.hasText !== null) {
    found = found.filter((element) => matches(normalize(element.textContent), spec.hasText,
                                              false));
  }
  return spec.nth === null ? found : found.slice(spec.nth).slice(0, 1);
}
"""

# What the assertions look at, for the one element a locator means.
STATE = r"""
(element) => {
  const box = element.getBoundingClientRect();
  return {
    visible: box.width > 0 && box.height > 0
      && element.checkVisibility({ visibilityProperty: true }),
    enabled: !element.disabled,
    checked: element.checked ?? null,
    focused: element === document.activeElement,
    text: (element.textContent ?? "").replace(/\s+/g, " ").trim(),
    value: element.value ?? null,
    attributes: Object.fromEntries([...element.attributes].map((a) => [a.name, a.value])),
  };
}
"""

# The element if it can take a pointer now: scrolled into view, in the same place for two
# animation frames, and not covered at its centre; otherwise null (try again).
ACTIONABLE = r"""
async (element) => {
  element.scrollIntoView({ block: "center" });
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const place = () => JSON.stringify(element.getBoundingClientRect());
  await frame();
  const before = place();
  await frame();
  if (place() !== before) {
    return null;
  }
  const box = element.getBoundingClientRect();
  const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  const hit = top && (top === element || element.contains(top) || top.control === element);
  return hit ? element : null;
}
"""

FUNCTION = re.compile(r"^\s*(async\s+)?(function\b|\([^()]*\)\s*=>|[\w$]+\s*=>)")


class ConsoleMessage:
    def __init__(self, kind: str, text: str) -> None:
        self.type = kind
        self.text = text


class Dialog:
    def __init__(self, page: BidiPage, message: str) -> None:
        self._page = page
        self.message = message

    def accept(self) -> None:
        self._page.send("browsingContext.handleUserPrompt",
                         {"context": self._page.context, "accept": True})

    def dismiss(self) -> None:
        self._page.send("browsingContext.handleUserPrompt",
                         {"context": self._page.context, "accept": False})


class BidiPage:
    """One tab in a user context of its own (storage apart from other pages)."""

    def __init__(self, bidi: BidiConnection) -> None:
        self.bidi = bidi
        self.user_context = bidi.send("browser.createUserContext")["userContext"]
        self.context = bidi.send("browsingContext.create", {
            "type": "tab", "userContext": self.user_context})["context"]
        self._handlers: dict[str, list[Callable[[Any], None]]] = {}
        bidi.on("log.entryAdded", self._log_entry)
        bidi.on("browsingContext.userPromptOpened", self._prompt)
        bidi.send("session.subscribe", {
            "events": ["log.entryAdded", "browsingContext.userPromptOpened"],
            "contexts": [self.context]})

    def send(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        return self.bidi.send(method, params)

    # Events, as Playwright names them: "console", "pageerror", "dialog".

    def on(self, event: str, handler: Callable[[Any], None]) -> None:
        self._handlers.setdefault(event, []).append(handler)

    def once(self, event: str, handler: Callable[[Any], None]) -> None:
        def run_once(argument: Any) -> None:
            self._handlers[event].remove(run_once)
            handler(argument)
        self.on(event, run_once)

    def _emit(self, event: str, argument: Any) -> None:
        for handler in list(self._handlers.get(event, ())):
            handler(argument)

    def _log_entry(self, entry: dict[str, Any]) -> None:
        if entry.get("source", {}).get("context") != self.context:
            return
        if entry["type"] == "javascript":
            self._emit("pageerror", entry.get("text", ""))
        else:
            kind = {"warn": "warning"}.get(entry["level"], entry["level"])
            self._emit("console", ConsoleMessage(kind, entry.get("text", "")))

    def _prompt(self, prompt: dict[str, Any]) -> None:
        if prompt["context"] == self.context:
            self._emit("dialog", Dialog(self, prompt.get("message", "")))

    # Navigation and scripts.

    def add_init_script(self, script: str) -> None:
        self.send("script.addPreloadScript", {
            "functionDeclaration": f"() => {{\n{script}\n}}", "contexts": [self.context]})

    def goto(self, url: str) -> None:
        self.send("browsingContext.navigate",
                   {"context": self.context, "url": url, "wait": "complete"})

    def reload(self) -> None:
        self.send("browsingContext.reload", {"context": self.context, "wait": "complete"})

    def evaluate(self, script: str, arg: Any = None) -> Any:
        """The value of an expression, or of a function (called with ``arg``); awaited."""
        if FUNCTION.match(script):
            return self.call(script, arg)
        return self._result(self.send("script.evaluate", {
            "expression": script, "target": {"context": self.context}, "awaitPromise": True,
            "serializationOptions": {"maxObjectDepth": 10}}))

    def call(self, function: str, *args: Any) -> Any:
        """What ``function(...args)`` returns, awaited, as plain Python."""
        return self._result(self.call_raw(function, *args))

    def call_raw(self, function: str, *args: Any) -> dict[str, Any]:
        """The browser's answer as it is (a returned element keeps its ``sharedId``)."""
        return self.send("script.callFunction", {
            "functionDeclaration": function, "target": {"context": self.context},
            "arguments": [to_local(arg) for arg in args], "awaitPromise": True,
            "serializationOptions": {"maxObjectDepth": 10, "maxDomDepth": 0}})

    @staticmethod
    def _result(answer: dict[str, Any]) -> Any:
        if answer["type"] == "exception":
            raise BidiError("script", "exception", answer["exceptionDetails"]["text"])
        return from_remote(answer["result"])

    def wait_for_function(self, script: str, timeout: float = TIMEOUT * 1000) -> Any:
        """Poll ``script`` until it is truthy (``timeout`` in ms, as in Playwright)."""
        deadline = time.monotonic() + timeout / 1000
        while not (value := self.evaluate(script)):
            if time.monotonic() > deadline:
                raise AssertionError(f"not within {timeout / 1000} s: {script}")
            time.sleep(POLL * 2)
        return value

    def wait_for_timeout(self, milliseconds: float) -> None:
        time.sleep(milliseconds / 1000)

    # Finding elements.

    def locator(self, selector: str, has_text: str | None = None) -> BidiLocator:
        return BidiLocator(self, {"kind": "css", "selector": selector, "hasText": has_text})

    def get_by_role(self, role: str, name: str | None = None, exact: bool = False
                    ) -> BidiLocator:
        return BidiLocator(self, {"kind": "role", "role": role, "name": name, "exact": exact})

    def get_by_label(self, text: str, exact: bool = False) -> BidiLocator:
        return BidiLocator(self, {"kind": "label", "text": text, "exact": exact})

    def get_by_text(self, text: str, exact: bool = False) -> BidiLocator:
        return BidiLocator(self, {"kind": "text", "text": text, "exact": exact})

    # The window.

    def set_viewport_size(self, size: dict[str, int]) -> None:
        self.send("browsingContext.setViewport", {"context": self.context, "viewport": size})

    def screenshot(self, path: str, full_page: bool = False) -> None:
        data = self.send("browsingContext.captureScreenshot", {
            "context": self.context, "origin": "document" if full_page else "viewport"})["data"]
        Path(path).write_bytes(base64.b64decode(data))

    def close(self) -> None:
        self.bidi.off("log.entryAdded", self._log_entry)
        self.bidi.off("browsingContext.userPromptOpened", self._prompt)
        self.send("browser.removeUserContext", {"userContext": self.user_context})


class BidiLocator:
    def __init__(self, page: BidiPage, spec: dict[str, Any]) -> None:
        self.page = page
        self.spec = {"hasText": None, "nth": None, **spec}

    def __repr__(self) -> str:
        return f"locator({self.spec})"

    def nth(self, index: int) -> BidiLocator:
        return BidiLocator(self.page, {**self.spec, "nth": index})

    def count(self) -> int:
        count: int = self.page.call(f"(spec) => {{ {FIND}; return find(spec).length; }}",
                                    self.spec)
        return count

    def state(self) -> dict[str, Any] | None:
        """What the assertions check, or None when nothing matches; more than one match
        is an error, as in Playwright's strict mode."""
        found = self.page.call(
            f"(spec) => {{ {FIND}; const all = find(spec); "
            f"return all.length > 1 ? all.length : all.length ? ({STATE})(all[0]) : null; }}",
            self.spec)
        if isinstance(found, int):
            raise AssertionError(f"{self} matches {found} elements")
        return found

    def _element(self) -> dict[str, Any]:
        """The one element, visible, enabled, scrolled into view, still for two frames and
        the topmost at its centre (Playwright's checks before it acts): its BiDi reference.
        A pointer sent to an element while the page still moves lands elsewhere."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            state = self.state()
            if time.monotonic() > deadline:
                raise AssertionError(f"{self} is not there to act on: {state}")
            if not (state and state["visible"] and state["enabled"]):
                time.sleep(POLL)
                continue
            answer = self.page.call_raw(
                f"(spec) => {{ {FIND}; return ({ACTIONABLE})(find(spec)[0]); }}", self.spec)
            node: dict[str, Any] = answer["result"]
            if node.get("sharedId"):
                return {"sharedId": node["sharedId"]}
            time.sleep(POLL)

    def evaluate(self, function: str) -> Any:
        return self.page.call(
            f"(spec) => {{ {FIND}; return ({function})(find(spec)[0]); }}", self.spec)

    def click(self) -> None:
        element = self._element()
        self.page.send("input.performActions", {"context": self.page.context, "actions": [{
            "type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
            "actions": [
                {"type": "pointerMove", "x": 0, "y": 0,
                 "origin": {"type": "element", "element": element}},
                {"type": "pointerDown", "button": 0},
                {"type": "pointerUp", "button": 0},
            ]}]})

    def fill(self, text: str) -> None:
        """Select what the field holds and type ``text`` over it."""
        self.click()
        self.evaluate("(field) => field.select()")
        keys = list(text) or ["\ue003"]  # Backspace empties the field
        self.page.send("input.performActions", {"context": self.page.context, "actions": [{
            "type": "key", "id": "keyboard",
            "actions": [action for key in keys for action in (
                {"type": "keyDown", "value": key}, {"type": "keyUp", "value": key})]}]})
        value = self.evaluate("(field) => field.value")
        if value != text:
            raise AssertionError(f"{self} holds {value!r} after typing {text!r}")

    def set_checked(self, checked: bool) -> None:
        state = self.state()
        if state is None or state["checked"] != checked:
            self.click()
        deadline = time.monotonic() + TIMEOUT
        while (state := self.state()) is None or state["checked"] != checked:
            if time.monotonic() > deadline:
                raise AssertionError(f"{self} is not {'' if checked else 'un'}checked")
            time.sleep(POLL)

    def check(self) -> None:
        self.set_checked(True)


class LocatorAssertions:
    """``expect(locator)``: each assertion polls until it holds or the time is up."""

    def __init__(self, locator: BidiLocator, negated: bool = False) -> None:
        self.locator = locator
        self.negated = negated

    @property
    def not_(self) -> LocatorAssertions:
        return LocatorAssertions(self.locator, not self.negated)

    def _holds(self, what: str, condition: Callable[[dict[str, Any] | None], bool],
               timeout: float = TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while True:
            state = self.locator.state()
            if condition(state) != self.negated:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.locator}: {'not ' if self.negated else ''}{what} "
                                     f"not within {timeout} s; it is {state}")
            time.sleep(POLL)

    def to_be_visible(self, timeout: float = TIMEOUT * 1000) -> None:
        self._holds("visible", lambda s: bool(s and s["visible"]), timeout / 1000)

    def to_be_hidden(self, timeout: float = TIMEOUT * 1000) -> None:
        self._holds("hidden", lambda s: not (s and s["visible"]), timeout / 1000)

    def to_be_enabled(self) -> None:
        self._holds("enabled", lambda s: bool(s and s["enabled"]))

    def to_be_focused(self) -> None:
        self._holds("focused", lambda s: bool(s and s["focused"]))

    def to_be_empty(self) -> None:
        self._holds("empty", lambda s: bool(s and not (s["value"] or s["text"])))

    def not_to_be_empty(self) -> None:
        self.not_.to_be_empty()

    def to_have_attribute(self, name: str, value: str | re.Pattern[str]) -> None:
        self._holds(f"{name}={value}", lambda s: bool(s) and _matches(
            s["attributes"].get(name), value))

    def to_have_class(self, value: str | re.Pattern[str]) -> None:
        self.to_have_attribute("class", value)

    def to_have_text(self, value: str | re.Pattern[str], timeout: float = TIMEOUT * 1000
                     ) -> None:
        self._holds(f"text {value!r}", lambda s: bool(s) and _matches(
            s["text"], value), timeout / 1000)

    def to_contain_text(self, value: str, timeout: float = TIMEOUT * 1000) -> None:
        self._holds(f"text containing {value!r}", lambda s: bool(s) and value in s["text"],
                    timeout / 1000)

    def to_have_count(self, count: int) -> None:
        deadline = time.monotonic() + TIMEOUT
        while (found := self.locator.count()) != count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.locator}: {found} elements, not {count}")
            time.sleep(POLL)


def _matches(actual: str | None, expected: str | re.Pattern[str]) -> bool:
    if actual is None:
        return False
    if isinstance(expected, re.Pattern):
        return expected.search(actual) is not None
    return actual == expected


def expect(target: Any) -> Any:
    """Playwright's ``expect`` for Playwright's objects, the assertions here for a
    :class:`BidiLocator`."""
    if isinstance(target, BidiLocator):
        return LocatorAssertions(target)
    return playwright_expect(target)
