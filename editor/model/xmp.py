"""XMP packets edited in place: a property read or replaced, every other one kept.

A document keeps the XMP packet of the file it came from (`Document.xmp`, the bytes as
read); File Info (`file_info.py`) and our own PSD entry (`psd_xmp`) change single
properties of it through `set_property`, which edits the packet's XML (minidom, which
keeps prefixes, namespace declarations, attributes and order as written) and leaves the
properties it was not asked about as they were. A property is read wherever XMP allows it:
an element or an attribute of any `rdf:Description`; a simple value, or the items of an
`rdf:Alt` (by language), `rdf:Seq` or `rdf:Bag`. A packet that is not XML raises
`XmpError` with the parser's reason. No Qt.
"""
from __future__ import annotations

from typing import Optional, Union
from xml.dom import Node as DomNode
from xml.dom import minidom
from xml.parsers.expat import ExpatError

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XML = "http://www.w3.org/XML/1998/namespace"
XMLNS = "http://www.w3.org/2000/xmlns/"
# The namespaces File Info writes, by the prefix Photoshop gives them.
PREFIXES = {"http://purl.org/dc/elements/1.1/": "dc",
            "http://ns.adobe.com/xap/1.0/": "xmp",
            "http://ns.adobe.com/photoshop/1.0/": "photoshop",
            "http://ns.adobe.com/xap/1.0/rights/": "xmpRights",
            "urn:layered-editor:xmp:1.0/": "layered"}  # (ours: psd_xmp.XMP_NAMESPACE)
_EMPTY = ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
          '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
          f'<rdf:RDF xmlns:rdf="{RDF}"></rdf:RDF></x:xmpmeta><?xpacket end="w"?>')

# A value: a simple text, or an array: (kind "Alt" | "Seq" | "Bag", ((lang, text), ...)).
Value = Union[str, tuple]


class XmpError(ValueError):
    """The packet is not well-formed XML (its message: the parser's reason)."""


def parse(packet: Optional[bytes]) -> minidom.Document:
    """The packet's DOM (an empty packet's for None). Raises XmpError."""
    if not packet:
        return minidom.parseString(_EMPTY.encode("utf-8"))
    # (Photoshop pads the packet; some writers end it with NULs.)
    data = bytes(packet).strip(b"\x00 \n\r\t")
    try:
        return minidom.parseString(data)
    except (ExpatError, ValueError) as exc:
        raise XmpError(str(exc)) from None


def check(packet: bytes) -> None:
    """Raises XmpError when `packet` is not well-formed."""
    parse(packet).unlink()


def _rdf(dom: minidom.Document) -> minidom.Element:
    """The packet's rdf:RDF element (made inside its root when it has none)."""
    found = dom.getElementsByTagNameNS(RDF, "RDF")
    if found:
        return found[0]
    rdf = dom.createElementNS(RDF, "rdf:RDF")
    rdf.setAttributeNS(XMLNS, "xmlns:rdf", RDF)
    dom.documentElement.appendChild(rdf)
    return rdf


def _descriptions(dom: minidom.Document) -> list[minidom.Element]:
    return [n for n in _rdf(dom).childNodes
            if n.nodeType == DomNode.ELEMENT_NODE and n.namespaceURI == RDF
            and n.localName == "Description"]


def _elements(node) -> list[minidom.Element]:
    return [n for n in node.childNodes if n.nodeType == DomNode.ELEMENT_NODE]


def _text(node) -> str:
    return "".join(n.data for n in node.childNodes
                   if n.nodeType in (DomNode.TEXT_NODE, DomNode.CDATA_SECTION_NODE))


def _value(element: minidom.Element) -> Value:
    for child in _elements(element):
        if child.namespaceURI == RDF and child.localName in ("Alt", "Seq", "Bag"):
            items = tuple((li.getAttributeNS(XML, "lang") or None, _text(li).strip())
                          for li in _elements(child)
                          if li.namespaceURI == RDF and li.localName == "li")
            return child.localName, items
    if element.hasAttributeNS(RDF, "resource"):
        return element.getAttributeNS(RDF, "resource")
    return _text(element).strip()


def properties(packet: Optional[bytes]) -> dict[tuple[str, str], Value]:
    """Every top-level property of the packet: {(namespace, name): value}. Raises XmpError."""
    out: dict[tuple[str, str], Value] = {}
    for description in _descriptions(parse(packet)):
        for i in range(description.attributes.length):
            attr = description.attributes.item(i)
            if attr.namespaceURI not in (RDF, XMLNS, XML) and attr.prefix:
                out[(attr.namespaceURI, attr.localName)] = attr.value.strip()
        for element in _elements(description):
            out[(element.namespaceURI, element.localName)] = _value(element)
    return out


def text_of(value: Optional[Value], lang: str = "x-default") -> str:
    """A value as one text: a simple one as is, an Alt's `lang` item (else its first), a
    Seq's or Bag's items joined with "; "."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    kind, items = value
    if kind == "Alt":
        chosen = next((t for l, t in items if l == lang), items[0][1] if items else "")
        return chosen
    return "; ".join(t for _, t in items)


def items_of(value: Optional[Value]) -> tuple[str, ...]:
    """A value as a list of texts (a simple one: itself, when not empty)."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value else ()
    return tuple(t for _, t in value[1] if t)


def _prefix_for(dom: minidom.Document, namespace: str, description) -> str:
    """The prefix the packet already gives `namespace`, else ours (declared on
    `description`; a prefix taken by another namespace gets a number)."""
    taken = {}
    for node in [dom.documentElement, *dom.documentElement.getElementsByTagName("*")]:
        for i in range(node.attributes.length):
            attr = node.attributes.item(i)
            if attr.name.startswith("xmlns:"):
                taken[attr.name[6:]] = attr.value
    for prefix, uri in taken.items():
        if uri == namespace:
            if not description.hasAttribute(f"xmlns:{prefix}") and \
                    _declared_on(description, prefix) != namespace:
                description.setAttributeNS(XMLNS, f"xmlns:{prefix}", namespace)
            return prefix
    base = PREFIXES.get(namespace, "ns")
    prefix, n = base, 1
    while prefix in taken:
        n += 1
        prefix = f"{base}{n}"
    description.setAttributeNS(XMLNS, f"xmlns:{prefix}", namespace)
    return prefix


def _declared_on(node, prefix: str) -> Optional[str]:
    """The namespace `prefix` means at `node` (its own declaration or an ancestor's)."""
    while node is not None and node.nodeType == DomNode.ELEMENT_NODE:
        if node.hasAttribute(f"xmlns:{prefix}"):
            return node.getAttribute(f"xmlns:{prefix}")
        node = node.parentNode
    return None


def set_property(packet: Optional[bytes], namespace: str, name: str,
                 value: Optional[Value]) -> bytes:
    """`packet` with the property (namespace, name) set to `value` (None, "" or an array
    without items: removed); every other property as it was. An Alt value replaces only
    the languages it names (the others the packet has stay). Raises XmpError."""
    dom = parse(packet)
    descriptions = _descriptions(dom)
    old_alt: tuple = ()
    home = None  # where the property was: the new value goes there
    for description in descriptions:
        if description.hasAttributeNS(namespace, name):
            if isinstance(value, str) and value:  # a simple one stays an attribute
                description.setAttributeNS(namespace, description.getAttributeNodeNS(
                    namespace, name).name, value)
                return serialize(dom)
            description.removeAttributeNS(namespace, name)
            home = home or description
        for element in _elements(description):
            if element.namespaceURI == namespace and element.localName == name:
                old = _value(element)
                if not isinstance(old, str) and old[0] == "Alt":
                    old_alt = old[1]
                _remove(element)
                home = home or description
    if not isinstance(value, str) and value is not None and value[0] == "Alt":
        named = {lang for lang, _ in value[1]}
        value = ("Alt", tuple(i for i in value[1] if i[1])
                 + tuple(i for i in old_alt if i[0] not in named))
    if value is None or value == "" or (not isinstance(value, str) and not value[1]):
        if home is not None:
            _drop_declaration(home, namespace)
        return serialize(dom)
    if home is None:
        home = next((d for d in descriptions if any(
            d.getAttribute(f"xmlns:{p}") == namespace for p in _declared(d))), None)
    if home is None:
        if descriptions:
            home = descriptions[0]
        else:
            home = dom.createElementNS(RDF, "rdf:Description")
            home.setAttributeNS(RDF, "rdf:about", "")
            _rdf(dom).appendChild(home)
    prefix = _prefix_for(dom, namespace, home)
    element = dom.createElementNS(namespace, f"{prefix}:{name}")
    if isinstance(value, str):
        element.appendChild(dom.createTextNode(value))
    else:
        kind, items = value
        array = dom.createElementNS(RDF, "rdf:" + kind)
        for lang, text in items:
            li = dom.createElementNS(RDF, "rdf:li")
            if kind == "Alt":
                li.setAttributeNS(XML, "xml:lang", lang or "x-default")
            li.appendChild(dom.createTextNode(text))
            array.appendChild(li)
        element.appendChild(array)
    home.appendChild(element)
    return serialize(dom)


def _drop_declaration(description, namespace: str) -> None:
    """Takes out `description`'s declaration of `namespace` once nothing in it uses it."""
    used = any(n.namespaceURI == namespace for n in description.getElementsByTagName("*")) \
        or any(description.attributes.item(i).namespaceURI == namespace
               for i in range(description.attributes.length))
    if not used:
        for prefix in _declared(description):
            if description.getAttribute(f"xmlns:{prefix}") == namespace:
                description.removeAttribute(f"xmlns:{prefix}")


def _declared(node) -> list[str]:
    return [node.attributes.item(i).name[6:] for i in range(node.attributes.length)
            if node.attributes.item(i).name.startswith("xmlns:")]


def _remove(element) -> None:
    """Takes `element` out with the whitespace that indented it."""
    before = element.previousSibling
    if before is not None and before.nodeType == DomNode.TEXT_NODE and not before.data.strip():
        before.parentNode.removeChild(before)
    element.parentNode.removeChild(element)


def serialize(dom: minidom.Document) -> bytes:
    """The packet's bytes: UTF-8, in its xpacket wrapper (added when it had none), without
    the XML declaration XMP packets do not carry."""
    nodes = list(dom.childNodes)
    wrapped = any(n.nodeType == DomNode.PROCESSING_INSTRUCTION_NODE and n.target == "xpacket"
                  for n in nodes)
    text = "".join(n.toxml() for n in nodes)
    if not wrapped:
        text = ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n' + text
                + '\n<?xpacket end="w"?>')
    return text.encode("utf-8")


def without(packet: Optional[bytes], namespace: str) -> Optional[bytes]:
    """`packet` less every property in `namespace` (None when nothing else is left).
    Raises XmpError."""
    found = [key for key in properties(packet) if key[0] == namespace]
    for key in found:
        packet = set_property(packet, *key, None)
    return packet if properties(packet) else None
