"""Slack's Block Kit rules, as far as the practice channel's blocks use them, checked in tests.

The rules (from Slack's block reference): a message has at most 50 blocks, a modal or Home tab at most
100; block types here are section, header, context, divider, actions, input; block_id and action_id at
most 255 characters and unique within the message or view; a text object is plain_text or mrkdwn with
non-empty text; a section's text at most 3000 characters, at most 10 fields of at most 2000; a header
is plain_text of at most 150; a context has 1-10 elements; an actions block 1-25 elements; a button's
text is plain_text of at most 75, its value at most 2000, its url at most 3000 and http(s), style primary
or danger; a static_select has 1-100 options (plain_text of at most 75, value at most 150) and its
initial_option is one of them; an input's label is plain_text of at most 2000. A modal's title, submit
and close are plain_text of at most 24, private_metadata at most 3000, and it needs submit when it has
input blocks.
"""

from __future__ import annotations

from typing import Any

BLOCK_TYPES = {"section", "header", "context", "divider", "actions", "input"}


def _text(obj: Any, limit: int, plain_only: bool = False) -> None:
    assert isinstance(obj, dict), f"not a text object: {obj!r}"
    assert obj.get("type") in ({"plain_text"} if plain_only else {"plain_text", "mrkdwn"}), obj
    text = obj.get("text")
    assert isinstance(text, str) and text.strip(), f"empty text: {obj!r}"
    assert len(text) <= limit, f"text of {len(text)} characters > {limit}"


def _element(element: dict[str, Any], action_ids: set[str]) -> None:
    kind = element.get("type")
    action_id = element.get("action_id")
    if action_id is not None:
        assert isinstance(action_id, str) and 0 < len(action_id) <= 255
        assert action_id not in action_ids, f"action_id {action_id!r} used twice"
        action_ids.add(action_id)
    if kind == "button":
        _text(element.get("text"), 75, plain_only=True)
        assert "value" in element or "url" in element, element
        assert len(element.get("value", "")) <= 2000
        url = element.get("url")
        if url is not None:
            assert url.startswith(("http://", "https://")) and len(url) <= 3000, url
        assert element.get("style") in (None, "primary", "danger")
    elif kind == "static_select":
        options = element.get("options") or []
        assert 1 <= len(options) <= 100
        for option in options:
            _text(option.get("text"), 75, plain_only=True)
            assert 0 < len(option.get("value", "")) <= 150
        if "initial_option" in element:
            assert element["initial_option"] in options
    else:
        raise AssertionError(f"element type {kind!r} not checked here")


def _block(block: dict[str, Any], action_ids: set[str]) -> None:
    kind = block.get("type")
    assert kind in BLOCK_TYPES, f"block type {kind!r}"
    if kind == "section":
        assert "text" in block or "fields" in block
        if "text" in block:
            _text(block["text"], 3000)
        fields = block.get("fields") or []
        assert len(fields) <= 10
        for item in fields:
            _text(item, 2000)
        if "accessory" in block:
            _element(block["accessory"], action_ids)
    elif kind == "header":
        _text(block.get("text"), 150, plain_only=True)
    elif kind == "context":
        elements = block.get("elements") or []
        assert 1 <= len(elements) <= 10
        for item in elements:
            _text(item, 3000)
    elif kind == "actions":
        elements = block.get("elements") or []
        assert 1 <= len(elements) <= 25
        for element in elements:
            _element(element, action_ids)
    elif kind == "input":
        _text(block.get("label"), 2000, plain_only=True)
        _element(block["element"], action_ids)


def check_blocks(blocks: list[dict[str, Any]], limit: int = 50) -> None:
    """Assert a message's (or a view's) blocks follow the rules above."""
    assert isinstance(blocks, list) and 0 < len(blocks) <= limit, f"{len(blocks)} blocks"
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    assert len(block_ids) == len(set(block_ids)), f"block_id used twice: {block_ids}"
    assert all(0 < len(b) <= 255 for b in block_ids)
    action_ids: set[str] = set()
    for block in blocks:
        _block(block, action_ids)


def check_view(view: dict[str, Any]) -> None:
    """Assert a modal or Home tab view follows the rules above."""
    assert view.get("type") in ("modal", "home"), view.get("type")
    check_blocks(view.get("blocks") or [], limit=100)
    if view["type"] == "modal":
        for key in ("title", "submit", "close"):
            if key in view or key == "title":
                _text(view.get(key), 24, plain_only=True)
        assert len(view.get("private_metadata", "")) <= 3000
        assert len(view.get("callback_id", "")) <= 255
        if any(b["type"] == "input" for b in view["blocks"]):
            assert "submit" in view, "a modal with inputs needs a submit button"
