"""XML, one rule: what an XML 1.0 file can carry, and the one writer every XML file goes through."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from pln_site.xmltext import BYTE_ORDER_MARKS, XML_DECLARATION, xml_document, xml_text

FORBIDDEN = (
    [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"]
    + [chr(c) for c in range(0x7F, 0xA0)]  # DEL and C1: allowed by XML, dropped by choice
    + ["\ud800", "\udbff", "\udc00", "\udfff", "\ufffe", "\uffff", "\ufdd0", "\ufdef"]
    + [
        chr(plane + last)
        for plane in range(0x10000, 0x110000, 0x10000)
        for last in (0xFFFE, 0xFFFF)
    ]
)


@pytest.mark.parametrize("char", FORBIDDEN, ids=lambda c: f"U+{ord(c):04X}")
def test_what_xml_cannot_carry_is_dropped(char):
    assert xml_text(f"a{char}b") == "ab"


def test_text_is_kept_as_it_is():
    text = "Tab\there, new\nline, CR\r, é, 日本, 😀, \ufffd, \u202e, \ufdcf, \U0001fffd"
    assert xml_text(text) is text  # nothing to drop: no copy


def test_every_text_and_attribute_of_a_document_is_cleaned():
    root = ET.Element("feed", title="a\x00b")
    child = ET.SubElement(root, "entry", href="http://x.example/\x01\ufffe", term="\ud800t")
    child.text = "Bell\x07 \x1b[31m"
    child.tail = "\x0c"
    ET.SubElement(child, "name").text = "Ann\uffff"
    text = xml_document(root)
    assert text.startswith(XML_DECLARATION)
    parsed = ET.fromstring(text.encode("utf-8"))  # expat: strict
    entry = parsed.find("entry")
    assert parsed.get("title") == "ab"
    assert entry.get("href") == "http://x.example/" and entry.get("term") == "t"
    assert entry.text.strip() == "Bell [31m" and entry.findtext("name") == "Ann"
    text.encode("utf-8")  # no lone surrogate left to refuse


@pytest.mark.parametrize("codec", ["utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_a_byte_order_mark_names_the_codec_that_reads_the_file_whole(codec):
    text = "<opml>é 日本 😀</opml>"
    data = "\ufeff".encode(codec) + text.encode(codec)
    # The first mark the file starts with: UTF-32's little-endian mark begins with UTF-16's.
    named = next(name for mark, name in BYTE_ORDER_MARKS if data.startswith(mark))
    assert data.decode(named) == text
