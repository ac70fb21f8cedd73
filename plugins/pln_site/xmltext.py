"""XML, one rule: the characters an XML file can carry, and the one way the site writes one.

Every XML file the site writes (the reading feeds in Atom and RSS, every topic feed, the blogroll
OPML, the "new in my network" feed) is an ElementTree turned into text by `xml_document`, which
passes every text, tail and attribute value through `xml_text` first. A file is then well-formed
by construction, whatever a member file or a feed held, and no writer has to remember it.
Reading one, its byte order mark (if any) names its encoding: BYTE_ORDER_MARKS.
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET

XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'

#: The byte order marks an XML file may start with, longest first (UTF-32's little-endian mark
#: begins with UTF-16's), each with the codec that reads the file from its first byte, the mark
#: included (the codec takes the mark off).
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: Noncharacters: U+FDD0..U+FDEF and the last two code points of every plane. XML 1.0 forbids
#: U+FFFE and U+FFFF and discourages the others; no text means any of them. As a character
#: class: those of the first plane exactly, then everything from U+1FFFE on, to be told apart by
#: `is_noncharacter` (a class of the 32 exact ones makes every search several times slower,
#: and almost no text has a character past U+1FFFE at all).
NONCHARACTER_SUSPECTS = "\ufdd0-\ufdef\ufffe\uffff\U0001fffe-\U0010ffff"
#: What XML 1.0 cannot carry (C0 controls but tab, newline and carriage return; lone surrogates;
#: U+FFFE, U+FFFF), and by choice what it discourages and no text needs: DEL, the C1 controls
#: and the other noncharacters; with the suspects above, so: check a match with is_xml_char.
_SUSPECT = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{NONCHARACTER_SUSPECTS}]")


def is_noncharacter(char: str) -> bool:
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def is_xml_char(char: str) -> bool:
    """True when an XML document of the site may hold `char` (see _SUSPECT)."""
    if _SUSPECT.match(char) is None:
        return True
    return ord(char) > 0xFFFF and not is_noncharacter(char)


def first_non_xml_char(text: str) -> str | None:
    """The first character of `text` that `xml_text` would drop, or None."""
    for match in _SUSPECT.finditer(text):
        if not is_xml_char(match.group()):
            return match.group()
    return None


def _kept(match: re.Match[str]) -> str:
    return match.group() if is_xml_char(match.group()) else ""


def xml_text(value: str) -> str:
    """`value` without the characters an XML document cannot (or, by choice, should not) hold."""
    if _SUSPECT.search(value) is None:  # nearly always: no copy
        return value
    return _SUSPECT.sub(_kept, value)


def xml_document(root: ET.Element, declaration: str = XML_DECLARATION) -> str:
    """`root` as the text of an XML file: every text and attribute value through `xml_text`,
    indented, after `declaration`. ElementTree escapes markup; this drops what no escape can
    write. (It changes `root`, which is built for this one document.)"""
    for element in root.iter():
        if element.text:
            element.text = xml_text(element.text)
        if element.tail:
            element.tail = xml_text(element.tail)
        for name, value in list(element.attrib.items()):
            cleaned = xml_text(value)
            if cleaned is not value:
                element.set(name, cleaned)
    ET.indent(root)
    return declaration + ET.tostring(root, encoding="unicode") + "\n"
