"""Discord's form checks on what the bot posts (content, embeds, components, autocomplete choices,
modals, command definitions), refused with Discord's codes and wording so a bot that breaks a
limit fails here rather than in production."""

from __future__ import annotations

import re
from typing import Any

from tests.standin.common import IS_COMPONENTS_V2
from tests.standin.records import UploadedFile


class _ApiError(Exception):
    def __init__(self, status: int, code: int, message: str, errors: dict | None = None):
        super().__init__(message)
        body: dict[str, Any] = {"message": message, "code": code}
        if errors:
            body["errors"] = errors
        self.status = status
        self.body = body


class _FormErrors:
    """Collects Invalid Form Body errors nested the way Discord reports them."""

    def __init__(self, prefix: tuple = ()):
        self.prefix = prefix
        self.tree: dict[str, Any] = {}

    def add(self, path: tuple, code: str, message: str) -> None:
        node = self.tree
        for part in self.prefix + path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def max_length(self, path: tuple, value: Any, limit: int, minimum: int = 0) -> None:
        if value is None:
            return
        length = len(value)
        if length > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")
        elif length < minimum:
            self.add(
                path,
                "BASE_TYPE_BAD_LENGTH",
                f"Must be between {minimum} and {limit} in length.",
            )

    def raise_if_any(self) -> None:
        if self.tree:
            raise _ApiError(400, 50035, "Invalid Form Body", self.tree)


# --------------------------------------------------------------------------------------------
# Discord's limits (https://discord.com/developers/docs, Message / Embed / Components / Modals)


def _check_embeds(errors: _FormErrors, embeds: list[dict[str, Any]]) -> None:
    if len(embeds) > 10:
        errors.add(("embeds",), "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    total = 0
    for i, embed in enumerate(embeds):
        path = ("embeds", i)
        errors.max_length(path + ("title",), embed.get("title"), 256)
        errors.max_length(path + ("description",), embed.get("description"), 4096)
        footer = embed.get("footer") or {}
        author = embed.get("author") or {}
        errors.max_length(path + ("footer", "text"), footer.get("text"), 2048)
        errors.max_length(path + ("author", "name"), author.get("name"), 256)
        fields = embed.get("fields") or []
        if len(fields) > 25:
            errors.add(path + ("fields",), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        for j, fld in enumerate(fields):
            errors.max_length(path + ("fields", j, "name"), fld.get("name") or "", 256, 1)
            errors.max_length(path + ("fields", j, "value"), fld.get("value") or "", 1024, 1)
            total += len(fld.get("name") or "") + len(fld.get("value") or "")
        for text in (embed.get("title"), embed.get("description"), footer.get("text")):
            total += len(text or "")
        total += len(author.get("name") or "")
    if total > 6000:
        errors.add(
            ("embeds",), "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"
        )


def _check_components(errors: _FormErrors, components: list[dict[str, Any]], v2: bool) -> None:
    if v2:
        if len(components) > 40:
            errors.add(("components",), "BASE_TYPE_MAX_LENGTH", "Must be 40 or fewer in length.")
        return
    if len(components) > 5:
        errors.add(("components",), "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
    seen: set[str] = set()
    for i, row in enumerate(components):
        path = ("components", i)
        if row.get("type") != 1:
            errors.add(path + ("type",), "UNION_TYPE_CHOICES", 'Value of field "type" must be 1.')
            continue
        children = row.get("components") or []
        if not 1 <= len(children) <= 5:
            errors.add(
                path + ("components",),
                "BASE_TYPE_BAD_LENGTH",
                "Must be between 1 and 5 in length.",
            )
        for j, child in enumerate(children):
            cpath = path + ("components", j)
            ctype = child.get("type")
            custom_id = child.get("custom_id")
            if custom_id is not None:
                errors.max_length(cpath + ("custom_id",), custom_id, 100, 1)
                if custom_id in seen:
                    errors.add(
                        cpath + ("custom_id",),
                        "COMPONENT_CUSTOM_ID_DUPLICATED",
                        "Component custom id cannot be duplicated",
                    )
                seen.add(custom_id)
            if ctype == 2:
                errors.max_length(cpath + ("label",), child.get("label"), 80)
                style = child.get("style")
                if style == 5:
                    if not child.get("url") or custom_id is not None:
                        errors.add(
                            cpath,
                            "BUTTON_COMPONENT_INVALID_URL",
                            "A link button needs a url and no custom_id.",
                        )
                elif style != 6 and custom_id is None:
                    errors.add(
                        cpath + ("custom_id",), "BASE_TYPE_REQUIRED", "This field is required"
                    )
                if not child.get("label") and not child.get("emoji"):
                    errors.add(
                        cpath,
                        "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED",
                        "A button needs a label or an emoji.",
                    )
            elif ctype in (3, 5, 6, 7, 8):
                if len(children) != 1:
                    errors.add(
                        path + ("components",),
                        "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                        "The specified component exceeds the maximum width",
                    )
                errors.max_length(cpath + ("placeholder",), child.get("placeholder"), 150)
                if ctype == 3:
                    errors.max_length(cpath + ("options",), child.get("options") or [], 25, 1)
                    for k, opt in enumerate(child.get("options") or []):
                        errors.max_length(cpath + ("options", k, "label"), opt.get("label"), 100, 1)
                        errors.max_length(cpath + ("options", k, "value"), opt.get("value"), 100, 1)
            else:
                errors.add(
                    cpath + ("type",),
                    "UNION_TYPE_CHOICES",
                    f"Component type {ctype} is not allowed here.",
                )


def _check_message(
    data: dict[str, Any], files: list[UploadedFile], size_limit: int, *, prefix: tuple = ()
) -> None:
    errors = _FormErrors(prefix)
    errors.max_length(("content",), data.get("content"), 2000)
    _check_embeds(errors, data.get("embeds") or [])
    flags = int(data.get("flags") or 0)
    _check_components(errors, data.get("components") or [], bool(flags & IS_COMPONENTS_V2))
    if len(files) > 10:
        errors.add(("files",), "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    errors.raise_if_any()
    for upload in files:
        if len(upload.data) > size_limit:
            raise _ApiError(413, 40005, "Request entity too large")


def _check_choices(data: dict[str, Any]) -> None:
    errors = _FormErrors(("data",))
    choices = data.get("choices")
    if choices is None:
        errors.add(("choices",), "BASE_TYPE_REQUIRED", "This field is required")
    else:
        errors.max_length(("choices",), choices, 25)
        for i, choice in enumerate(choices):
            errors.max_length(("choices", i, "name"), choice.get("name") or "", 100, 1)
            if isinstance(choice.get("value"), str):
                errors.max_length(("choices", i, "value"), choice["value"], 100)
    errors.raise_if_any()


def _check_modal(data: dict[str, Any]) -> None:
    errors = _FormErrors(("data",))
    errors.max_length(("title",), data.get("title") or "", 45, 1)
    errors.max_length(("custom_id",), data.get("custom_id") or "", 100, 1)
    components = data.get("components") or []
    errors.max_length(("components",), components, 5, 1)
    for i, top in enumerate(components):
        path = ("components", i)
        if top.get("type") == 18:
            errors.max_length(path + ("label",), top.get("label") or "", 45, 1)
            inner = [top.get("component") or {}]
        elif top.get("type") == 1:
            inner = top.get("components") or []
            errors.max_length(path + ("components",), inner, 1, 1)
        else:
            # Text displays and other non-input layout are accepted as they come.
            continue
        for child in inner:
            errors.max_length(path + ("custom_id",), child.get("custom_id") or "", 100, 1)
            if child.get("type") == 4:
                if top.get("type") == 1:
                    errors.max_length(path + ("label",), child.get("label") or "", 45, 1)
                errors.max_length(path + ("placeholder",), child.get("placeholder"), 100)
                errors.max_length(path + ("value",), child.get("value"), 4000)
    errors.raise_if_any()


_NAME = re.compile(r"^[-_'\w]{1,32}$")


def _check_commands(commands: list[dict[str, Any]]) -> None:
    errors = _FormErrors()
    if sum(1 for c in commands if c.get("type", 1) == 1) > 100:
        errors.add((), "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
    names: set[tuple[str, int]] = set()
    for i, command in enumerate(commands):
        ctype = command.get("type", 1)
        name = command.get("name") or ""
        key = (name, ctype)
        if key in names:
            errors.add(
                (i, "name"),
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                f"Application command names must be unique: {name}",
            )
        names.add(key)
        if ctype == 1:
            if not _NAME.match(name) or name != name.lower():
                errors.add(
                    (i, "name"),
                    "APPLICATION_COMMAND_INVALID_NAME",
                    f"Command name is invalid: {name}",
                )
            errors.max_length((i, "description"), command.get("description") or "", 100, 1)
            size = _check_options(errors, (i, "options"), command.get("options") or [])
            if size + len(name) + len(command.get("description") or "") > 4000:
                errors.add(
                    (i,), "APPLICATION_COMMAND_TOO_LARGE", "Command exceeds maximum size (4000)"
                )
        else:
            errors.max_length((i, "name"), name, 32, 1)
    errors.raise_if_any()


def _check_options(errors: _FormErrors, path: tuple, options: list[dict[str, Any]]) -> int:
    size = 0
    errors.max_length(path, options, 25)
    seen_optional = False
    for j, opt in enumerate(options):
        opath = path + (j,)
        name = opt.get("name") or ""
        if not _NAME.match(name) or name != name.lower():
            errors.add(
                opath + ("name",),
                "APPLICATION_COMMAND_INVALID_NAME",
                f"Option name is invalid: {name}",
            )
        errors.max_length(opath + ("description",), opt.get("description") or "", 100, 1)
        size += len(name) + len(opt.get("description") or "")
        if opt.get("type") in (1, 2):
            size += _check_options(errors, opath + ("options",), opt.get("options") or [])
            continue
        if opt.get("required"):
            if seen_optional:
                errors.add(
                    opath + ("required",),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            seen_optional = True
        choices = opt.get("choices") or []
        errors.max_length(opath + ("choices",), choices, 25)
        for k, choice in enumerate(choices):
            errors.max_length(opath + ("choices", k, "name"), choice.get("name") or "", 100, 1)
            size += len(choice.get("name") or "") + len(str(choice.get("value", "")))
    return size
