"""An SVG file made safe to publish on the site's origin: rebuilt from an allowlist of drawing
elements and attributes, so that opened on its own it can neither run script nor load anything.

A page's Content-Security-Policy (a `<meta>` of the HTML) does not reach an SVG opened directly,
and GitHub Pages cannot send it as a header, so the file itself must be inert. What goes:
`<script>`, `<foreignObject>`, animation (`<set>` and `<animate>` can write an `href`), links,
every element of another namespace, event handlers (`on*`), every attribute not known to only
draw, references to anything outside the file (`href` must be `#id`, `url(...)` must be
`url(#id)`), `<style>` with at-rules (`@import`) or escapes, DTDs and processing instructions.

No library does this: nh3 and bleach have no SVG mode, and svg-hush (py-svg-hush) keeps
external references as same-origin paths and mangles `@import` rather than removing it. The
standard library's parser is safe for untrusted XML with expat 2.4.1 or later (no billion
laughs, no external entities; Python's "XML vulnerabilities" table), and DTDs are refused.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"

MAX_BYTES = 1024 * 1024  # an avatar drawing is a few kilobytes
MAX_DEPTH = 64

# The elements that only draw. Not here, and so removed with everything inside them: script,
# foreignObject, a, animate*, set, discard, iframe, video, audio, metadata, cursor, font...
ELEMENTS = frozenset(
    """svg g defs symbol use title desc switch
    path rect circle ellipse line polyline polygon image
    text tspan textPath
    linearGradient radialGradient stop pattern clipPath mask marker style
    filter feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix
    feDiffuseLighting feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB
    feFuncG feFuncR feGaussianBlur feImage feMerge feMergeNode feMorphology feOffset
    fePointLight feSpecularLighting feSpotLight feTile feTurbulence""".split()
)

# The attributes that only place, size or paint (no namespace). `href` is checked on its own.
ATTRIBUTES = frozenset(
    """id class style transform lang version baseProfile viewBox preserveAspectRatio
    x y x1 y1 x2 y2 cx cy r rx ry fx fy fr width height d points pathLength
    dx dy rotate textLength lengthAdjust startOffset method spacing side
    fill fill-opacity fill-rule stroke stroke-width stroke-linecap stroke-linejoin
    stroke-miterlimit stroke-dasharray stroke-dashoffset stroke-opacity opacity color display
    visibility clip-path clip-rule mask filter marker-start marker-mid marker-end stop-color
    stop-opacity font-family font-size font-size-adjust font-style font-weight font-variant
    font-stretch text-anchor dominant-baseline alignment-baseline baseline-shift letter-spacing
    word-spacing text-decoration writing-mode direction unicode-bidi color-interpolation
    color-interpolation-filters flood-color flood-opacity lighting-color shape-rendering
    text-rendering image-rendering vector-effect paint-order mix-blend-mode isolation overflow
    transform-origin transform-box
    gradientUnits gradientTransform spreadMethod offset patternUnits patternContentUnits
    patternTransform clipPathUnits maskUnits maskContentUnits markerUnits markerWidth
    markerHeight refX refY orient
    filterUnits primitiveUnits in in2 result stdDeviation mode type values tableValues slope
    intercept amplitude exponent operator k1 k2 k3 k4 order kernelMatrix divisor bias targetX
    targetY edgeMode preserveAlpha surfaceScale diffuseConstant specularConstant
    specularExponent kernelUnitLength scale xChannelSelector yChannelSelector radius
    baseFrequency numOctaves seed stitchTiles azimuth elevation z pointsAtX pointsAtY pointsAtZ
    limitingConeAngle""".split()
)
XML_ATTRIBUTES = frozenset({f"{{{XML}}}space", f"{{{XML}}}lang"})

# An embedded raster picture is inert: the one outside reference allowed, on <image> only.
_DATA_IMAGE = re.compile(r"data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*\Z")
# The CSS functions (in `style` and in attribute values) that compute a colour, a length or a
# transform; any other, such as image-set("...") or a url() of another file, could load one.
FUNCTIONS = frozenset(
    """url rgb rgba hsl hsla hwb lab lch oklab oklch color var calc min max clamp
    matrix translate translatex translatey scale scalex scaley rotate skew skewx skewy
    blur brightness contrast drop-shadow grayscale hue-rotate invert opacity saturate
    sepia""".split()
)
# The elements that draw only what their href points at.
_SHOWS_A_REFERENCE = frozenset({"use", "image", "feImage"})
_FUNCTION = re.compile(r"([-\w]+)\s*\(", re.ASCII)
_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)


class SvgRefused(ValueError):
    """The file cannot be published as an SVG at all; the message says why."""


class _NoDoctype(ET.TreeBuilder):
    """A tree builder that stops at a DTD: an avatar has no use for entities."""

    def doctype(self, name: str, pubid: str, system: str) -> None:
        raise SvgRefused("it declares a DTD (<!DOCTYPE>), which an SVG image does not need")


def clean_svg(data: bytes) -> bytes:
    """`data` rebuilt from what only draws, as UTF-8 XML; raises SvgRefused when it is too big,
    not XML, or not an SVG document."""
    if len(data) > MAX_BYTES:
        raise SvgRefused(f"it is larger than {MAX_BYTES // 1024} KiB")
    parser = ET.XMLParser(target=_NoDoctype())  # comments and processing instructions go
    try:
        parser.feed(data)
        root = parser.close()
    except ET.ParseError as error:
        raise SvgRefused(f"it is not well-formed XML ({error})") from None
    if root.tag != f"{{{SVG}}}svg":
        raise SvgRefused("its root element is not <svg> in the SVG namespace")
    clean = _element(root, depth=0)
    assert clean is not None  # the root is an allowed element
    # The clean tree's tags are unqualified, in the one namespace the root declares.
    clean.attrib = {"xmlns": SVG, **clean.attrib}
    return ET.tostring(clean, encoding="utf-8", xml_declaration=True)


def _element(source: ET.Element, depth: int) -> ET.Element | None:
    if depth > MAX_DEPTH:
        raise SvgRefused(f"its elements are nested more than {MAX_DEPTH} deep")
    namespace, _, name = source.tag.partition("}")
    if namespace != "{" + SVG or name not in ELEMENTS:
        return None
    if name == "style" and not _safe_css(source.text or ""):
        return None
    attributes = _attributes(name, source.attrib)
    if name in _SHOWS_A_REFERENCE and "href" not in attributes:
        return None  # its reference went: it would draw nothing
    clean = ET.Element(name, attributes)
    clean.text = source.text
    for child in source:
        kept = _element(child, depth + 1)
        if kept is not None:
            kept.tail = child.tail
            clean.append(kept)
        elif child.tail:  # the text after a removed element is the parent's: it stays
            if len(clean):
                clean[-1].tail = (clean[-1].tail or "") + child.tail
            else:
                clean.text = (clean.text or "") + child.tail
    return clean


def _attributes(element: str, attributes: dict[str, str]) -> dict[str, str]:
    kept: dict[str, str] = {}
    for key, value in attributes.items():
        if key in ("href", f"{{{XLINK}}}href"):
            if _internal(value) or (element in ("image", "feImage") and _DATA_IMAGE.match(value)):
                kept["href"] = value  # plain href: every browser reads it, no xlink needed
            continue
        if key not in ATTRIBUTES and key not in XML_ATTRIBUTES:
            continue  # on*, xlink:*, and anything else that is not only drawing
        if _only_computes(value) and (key != "style" or _safe_css(value)):
            kept[key] = value
    return kept


def _internal(reference: str) -> bool:
    """A reference to an element of this file: "#id"."""
    return reference.strip().startswith("#")


def _only_computes(value: str) -> bool:
    """Whether every function in `value` is one of FUNCTIONS, and every url() is url(#id)."""
    if "\\" in value:  # a CSS escape can spell any name
        return False
    names = [name.lower() for name in _FUNCTION.findall(value)]
    if any(name not in FUNCTIONS for name in names):
        return False
    urls = _URL.findall(value)
    return names.count("url") == len(urls) and all(_internal(target) for _, target in urls)


def _safe_css(css: str) -> bool:
    """Whether CSS only paints: no at-rules (@import, @font-face), and only functions that
    compute, with no escapes (see `_only_computes`)."""
    return "@" not in css and _only_computes(css)
