"""A stand-in for an Echo Show's APL renderer: one APL document, its datasources and one viewport
become an HTML page a headless browser can lay out and measure.

Amazon's own renderer (apl-viewhost-web) cannot be installed offline (docs/screens.md), so this
applies what the device applies: the resource blocks whose `when` holds for the viewport, in order;
each component's `when`; data binding of `${...}`; layouts; AVG drawings as SVG. APL lays out with
Yoga (flexbox), so components become flex boxes with APL's defaults: shrink 0, no minimum size from
content, columns unless told otherwise, dp as CSS px at 160 dpi. Only the components and properties
our documents use are known; anything else fails loudly rather than being guessed.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

DIMENSION = re.compile(r"^(-?\d+(?:\.\d+)?)(dp|px|vw|vh|%)?$")
EXPRESSION = re.compile(r"\$\{([^}]*)\}")
TOKEN = re.compile(r"\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<string>'[^']*')|(?P<resource>@[A-Za-z]\w*)"
                   r"|(?P<name>[A-Za-z_][\w.]*)|(?P<operator>==|!=|<=|>=|&&|\|\||[<>!()+\-*/]))")
KNOWN_PROPERTIES = {
    "type", "id", "when", "item", "items", "data", "width", "height", "minWidth", "maxWidth", "minHeight",
    "maxHeight", "paddingLeft", "paddingRight", "paddingTop", "paddingBottom", "padding", "grow", "shrink",
    "direction", "justifyContent", "alignItems", "alignSelf", "backgroundColor", "borderRadius", "borderWidth",
    "borderColor", "text", "color", "fontSize", "fontWeight", "lineHeight", "textAlign", "textAlignVertical",
    "source", "scale", "align", "accessibilityLabel", "onPress", "spacing", "opacity", "description", "role",
    "display", "wrap", "maxLines", "speech", "numbered", "inheritParentState", "checked", "disabled",
}
FONT_FAMILY = "'Amazon Ember Display', 'DejaVu Sans', sans-serif"  # the device's font, else a wider one


@dataclass(frozen=True)
class Viewport:
    """What the device reports as `viewport` in the data-binding context (dp at 160 dpi)."""

    name: str
    width: int
    height: int
    mode: str = "hub"
    shape: str = "rectangle"

    def context(self) -> dict[str, Any]:
        return {"width": self.width, "height": self.height, "mode": self.mode, "shape": self.shape,
                "dpi": 160, "pixelWidth": self.width, "pixelHeight": self.height, "theme": "dark"}


class UnsupportedAPL(ValueError):
    """The document uses something this stand-in does not model, so it cannot vouch for the layout."""


def evaluate(expression: str, scope: dict[str, Any], resources: dict[str, Any]) -> Any:
    """One `${...}` expression: names, resources, literals, comparisons, && || !, arithmetic."""
    python: list[str] = []
    position = 0
    expression = expression.strip()
    while position < len(expression):
        match = TOKEN.match(expression, position)
        if match is None or match.end() == position:
            raise UnsupportedAPL(f"cannot read expression {expression!r} at {expression[position:]!r}")
        position = match.end()
        kind, text = match.lastgroup, match.group(match.lastgroup)
        if kind == "resource":
            if text[1:] not in resources:
                raise UnsupportedAPL(f"undefined resource {text}")
            python.append(repr(numeric(resources[text[1:]])))
        elif kind == "name":
            python.append({"true": "True", "false": "False", "null": "None"}.get(text) or repr(lookup(text, scope)))
        elif kind == "operator":
            python.append({"&&": " and ", "||": " or ", "!": " not "}.get(text, f" {text} "))
        else:
            python.append(text)
    return eval("".join(python), {"__builtins__": {}}, {})  # noqa: S307 - only literals and operators remain


def numeric(value: Any) -> Any:
    """A dimension resource compared in an expression is its number of dp."""
    if isinstance(value, str) and (match := DIMENSION.match(value)) and match.group(2) in (None, "dp"):
        return float(match.group(1))
    return value


def lookup(dotted: str, scope: dict[str, Any]) -> Any:
    node: Any = scope
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None  # APL: an unknown name is null, which is falsy
        node = node[part]
    return node


def bind(value: Any, scope: dict[str, Any], resources: dict[str, Any]) -> Any:
    """A property's value with `${...}` evaluated and a whole `@name` replaced by the resource."""
    if isinstance(value, list):
        return [bind(item, scope, resources) for item in value]
    if not isinstance(value, str):
        return value
    if re.fullmatch(r"@[A-Za-z]\w*", value):
        if value[1:] not in resources:
            raise UnsupportedAPL(f"undefined resource {value}")
        return resources[value[1:]]
    whole = EXPRESSION.fullmatch(value)
    if whole:
        return evaluate(whole.group(1), scope, resources)
    return EXPRESSION.sub(lambda match: display(evaluate(match.group(1), scope, resources)), value)


def display(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def resources_for(document: dict[str, Any], viewport: Viewport) -> dict[str, Any]:
    """The resource blocks in document order, a later block that applies overriding an earlier one."""
    if document.get("import"):
        raise UnsupportedAPL("imported packages are fetched at render time; the stand-in works offline")
    scope = {"viewport": viewport.context()}
    resolved: dict[str, Any] = {}
    for block in document.get("resources", []):
        if "when" in block and not evaluate(EXPRESSION.fullmatch(block["when"]).group(1), scope, resolved):
            continue
        for kind, values in block.items():
            if kind not in ("when", "description"):
                resolved.update(values)
    return resolved


def css_length(value: Any) -> str:
    if isinstance(value, (int, float)):
        return f"{value}px"
    match = DIMENSION.match(str(value).strip())
    if match is None:
        if value == "auto":
            return "auto"
        raise UnsupportedAPL(f"unknown dimension {value!r}")
    number, unit = match.groups()
    return f"{number}{ {None: 'px', 'dp': 'px', 'px': 'px'}.get(unit, unit) }"


class Page:
    """Turns one document with one datasource into HTML for one viewport."""

    def __init__(self, document: dict[str, Any], datasources: dict[str, Any], viewport: Viewport):
        self.document = document
        self.viewport = viewport
        self.resources = resources_for(document, viewport)
        template = document["mainTemplate"]
        self.scope: dict[str, Any] = {"viewport": viewport.context()}
        for name in template.get("parameters", []):
            self.scope[name] = datasources.get(name)

    def html(self) -> str:
        body = self.component(self.document["mainTemplate"]["item"], self.scope, "column")
        return ("<!DOCTYPE html><html><head><meta charset='utf-8'><style>"
                f"html,body{{margin:0;padding:0;width:{self.viewport.width}px;height:{self.viewport.height}px;"
                f"overflow:hidden;background:#000;font-family:{FONT_FAMILY};}}"
                "div{box-sizing:border-box;min-width:0;min-height:0;position:relative;}"
                "::-webkit-scrollbar{display:none;}</style></head>"
                f"<body>{body}</body></html>")

    def component(self, node: dict[str, Any], scope: dict[str, Any], parent_direction: str,
                  first: bool = True) -> str:
        if "when" in node and not bind(node["when"], scope, self.resources):
            return ""
        kind = node["type"]
        layouts = self.document.get("layouts", {})
        if kind in layouts:
            layout = layouts[kind]
            inner = dict(scope)
            for parameter in layout.get("parameters", []):
                name = parameter if isinstance(parameter, str) else parameter["name"]
                default = None if isinstance(parameter, str) else parameter.get("default")
                inner[name] = bind(node.get(name, default), scope, self.resources)
            item = dict(layout["item"])
            for key in ("grow", "shrink", "spacing", "alignSelf"):
                if key in node:
                    item.setdefault(key, node[key])
            return self.component(item, inner, parent_direction, first)
        unknown = set(node) - KNOWN_PROPERTIES
        if unknown:
            raise UnsupportedAPL(f"{kind}: properties the stand-in does not model: {sorted(unknown)}")
        value = lambda key, default=None: bind(node.get(key, default), scope, self.resources)  # noqa: E731
        style = self.box_style(node, scope, parent_direction, first)
        attributes = f" data-type='{kind}'"
        if node.get("id"):
            attributes += f" data-id='{html.escape(str(value('id')))}'"
        if node.get("accessibilityLabel"):
            attributes += f" aria-label='{html.escape(str(value('accessibilityLabel')))}'"
        if kind == "Text":
            style += self.text_style(node, scope)
            return f"<div{attributes} style='{style}'>{display(value('text'))}</div>"
        if kind == "VectorGraphic":
            return f"<div{attributes} style='{style}'>{self.vector(node, scope)}</div>"
        direction = value("direction", "column") if kind == "Container" else "column"
        if direction not in ("column", "row"):
            raise UnsupportedAPL(f"direction {direction!r}")
        style += f"display:flex;flex-direction:{direction};"
        if kind == "Container" and value("wrap", "noWrap") in ("wrap", "wrapReverse"):
            style += f"flex-wrap:{ {'wrap': 'wrap', 'wrapReverse': 'wrap-reverse'}[value('wrap')] };"
        justify = {"start": "flex-start", "end": "flex-end", "center": "center",
                   "spaceBetween": "space-between", "spaceAround": "space-around"}[value("justifyContent", "start")]
        align = {"stretch": "stretch", "start": "flex-start", "end": "flex-end", "center": "center"}[
            value("alignItems", "stretch")]
        style += f"justify-content:{justify};align-items:{align};"
        if kind == "ScrollView":
            style += "overflow-y:auto;display:block;"
        elif kind in ("Frame", "TouchWrapper", "Container"):
            style += "overflow:hidden;" if kind == "Frame" else ""
        else:
            raise UnsupportedAPL(f"component {kind!r}")
        children = self.children(node, scope, direction)
        return f"<div{attributes} style='{style}'>{children}</div>"

    def children(self, node: dict[str, Any], scope: dict[str, Any], direction: str) -> str:
        items = node.get("items", node.get("item", []))
        items = items if isinstance(items, list) else [items]
        out: list[str] = []
        if "data" in node:
            for index, datum in enumerate(bind(node["data"], scope, self.resources) or []):
                inner = {**scope, "data": datum, "index": index}
                chosen = next((item for item in items  # APL: the first item whose `when` holds, per datum
                               if "when" not in item or bind(item["when"], inner, self.resources)), None)
                if chosen is not None:
                    out.append(self.component(chosen, inner, direction, first=not out))
            return "".join(out)
        for item in items:
            rendered = self.component(item, scope, direction, first=not any(out))
            out.append(rendered)
        return "".join(out)

    def box_style(self, node: dict[str, Any], scope: dict[str, Any], parent_direction: str, first: bool) -> str:
        value = lambda key, default=None: bind(node.get(key, default), scope, self.resources)  # noqa: E731
        style = f"flex:{value('grow', 0)} {value('shrink', 0)} auto;"
        for key, css in (("width", "width"), ("height", "height"), ("minWidth", "min-width"),
                         ("maxWidth", "max-width"), ("minHeight", "min-height"), ("maxHeight", "max-height")):
            if key in node:
                style += f"{css}:{css_length(value(key))};"
        padding = value("padding")
        if padding is not None:
            style += f"padding:{css_length(padding)};"
        for side in ("Left", "Right", "Top", "Bottom"):
            if f"padding{side}" in node:
                style += f"padding-{side.lower()}:{css_length(value('padding' + side))};"
        if "spacing" in node and not first:
            style += f"margin-{'top' if parent_direction == 'column' else 'left'}:{css_length(value('spacing'))};"
        if "backgroundColor" in node:
            style += f"background-color:{value('backgroundColor')};"
        if "borderRadius" in node:
            style += f"border-radius:{css_length(value('borderRadius'))};"
        if "borderWidth" in node:
            style += (f"border:{css_length(value('borderWidth'))} solid "
                      f"{value('borderColor', 'transparent')};")
        if "opacity" in node:
            style += f"opacity:{value('opacity')};"
        if value("display", "normal") == "none":
            style += "display:none;"
        if "alignSelf" in node:
            align_self = value("alignSelf")
            style += f"align-self:{ {'start': 'flex-start', 'end': 'flex-end'}.get(align_self, align_self) };"
        return style

    def text_style(self, node: dict[str, Any], scope: dict[str, Any]) -> str:
        value = lambda key, default=None: bind(node.get(key, default), scope, self.resources)  # noqa: E731
        weight = value("fontWeight", "normal")
        style = (f"display:block;color:{value('color', '#FAFAFA')};font-size:{css_length(value('fontSize', '40dp'))};"
                 f"font-weight:{ {'bold': 700, 'normal': 400}.get(str(weight), weight) };"
                 f"line-height:{value('lineHeight', 1.25)};text-align:{value('textAlign', 'auto')};"
                 "overflow-wrap:break-word;")
        if "maxLines" in node:
            style += ("display:-webkit-box;-webkit-box-orient:vertical;"
                      f"-webkit-line-clamp:{value('maxLines')};overflow:hidden;")
        return style

    def vector(self, node: dict[str, Any], scope: dict[str, Any]) -> str:
        name = bind(node["source"], scope, self.resources)
        graphic = self.document["graphics"][name]
        if graphic.get("type") != "AVG":
            raise UnsupportedAPL(f"graphic {name} is not AVG")
        scale = bind(node.get("scale", "best-fit"), scope, self.resources)
        aspect = {"best-fit": "xMidYMid meet", "fill": "none"}[scale]
        items = "".join(self.avg_item(item) for item in graphic["items"])
        return (f"<svg viewBox='0 0 {graphic['width']} {graphic['height']}' preserveAspectRatio='{aspect}' "
                f"width='100%' height='100%' style='display:block'>{items}</svg>")

    def avg_item(self, item: dict[str, Any]) -> str:
        color = lambda key, default: self.resolve_colour(item.get(key, default))  # noqa: E731
        if item["type"] == "path":
            return (f"<path d='{item['pathData']}' fill='{color('fill', 'transparent')}' "
                    f"fill-opacity='{item.get('fillOpacity', 1)}' stroke='{color('stroke', 'transparent')}' "
                    f"stroke-width='{item.get('strokeWidth', 1)}' stroke-opacity='{item.get('strokeOpacity', 1)}' "
                    f"stroke-linecap='{item.get('strokeLineCap', 'butt')}' "
                    f"stroke-linejoin='{item.get('strokeLineJoin', 'miter')}' "
                    f"stroke-dasharray='{' '.join(map(str, item.get('strokeDashArray', []))) or 'none'}'/>")
        if item["type"] == "group":
            transform = (f"translate({item.get('translateX', 0)},{item.get('translateY', 0)}) "
                         f"rotate({item.get('rotation', 0)},{item.get('pivotX', 0)},{item.get('pivotY', 0)})")
            inner = "".join(self.avg_item(child) for child in item.get("items", []))
            return f"<g opacity='{item.get('opacity', 1)}' transform='{transform}'>{inner}</g>"
        if item["type"] == "text":
            anchor = {"start": "start", "middle": "middle", "end": "end"}[item.get("textAnchor", "start")]
            return (f"<text x='{item.get('x', 0)}' y='{item.get('y', 0)}' font-size='{item.get('fontSize', 40)}' "
                    f"font-weight='{item.get('fontWeight', 'normal')}' text-anchor='{anchor}' "
                    f"fill='{color('fill', '#000')}' font-family=\"{FONT_FAMILY}\">{html.escape(item['text'])}</text>")
        raise UnsupportedAPL(f"AVG item {item['type']!r}")

    def resolve_colour(self, value: str) -> str:
        return str(self.resources.get(value[1:], value)) if value.startswith("@") else value
