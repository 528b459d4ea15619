"""Save for Web's HTML for the slices: the page that puts each slice's image back together.

The page is laid out with CSS positions (Photoshop's Output Settings > Slice Output >
Generate CSS), one absolutely placed `<div>` per slice inside a `<div id="Table_01">` the
size of the canvas, named as Photoshop names them (`id="<slice name>"`); overlapping user
slices stay as they are, the later one on top, which a table could not show. Each slice
has, as Photoshop writes them from Slice Options:
- Image slices: `<img src="images/<name>.png" width height alt="<Alt Tag>">` (alt="" when
  empty, Photoshop's Always Add Alt Attribute);
- No Image slices: no image, only the cell (its background);
- URL: the image wrapped in `<a href="<URL>" target="<Target>">`;
- Message Text: the link's `title` (Photoshop wrote it to `window.status`, which no
  current browser shows; the title shows as the link's tooltip);
- Slice Background Type: the cell's `background-color` (Matte: the export's matte, white,
  the colour a JPEG is flattened onto; White, Black, Other: that colour; None: none).
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Optional

from engine.box import Box

MATTE = (255, 255, 255)  # the export's matte (JPEG's flattening colour, `images.write_flat`)


@dataclass(frozen=True)
class Cell:
    """One slice of the page: its box, its image's path relative to the page (None: a No
    Image slice) and Slice Options' fields."""
    box: Box
    name: str
    src: Optional[str]
    url: str = ""
    target: str = ""
    alt: str = ""
    message: str = ""
    background: Optional[tuple] = None  # (r, g, b) or None


def background_rgb(kind: str, color: tuple) -> Optional[tuple]:
    """A slice's background colour on the page ("none": None, "matte": the matte)."""
    return {"none": None, "matte": MATTE}.get(kind, tuple(color))


def _hex(rgb: tuple) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def _attrs(**values) -> str:
    return "".join(f' {k.rstrip("_")}="{escape(str(v), quote=True)}"' for k, v in values.items()
                   if v is not None)


def page(title: str, source: str, width: int, height: int, cells: list[Cell]) -> str:
    """The HTML page for `cells` on a `width` × `height` canvas (`source`: the document's
    file name, in Photoshop's comment)."""
    lines = ["<!DOCTYPE html>", "<html>", "<head>", f"<title>{escape(title)}</title>",
             '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">', "</head>",
             '<body style="background-color:#FFFFFF; margin:0">',
             f"<!-- Save for Web Slices ({escape(source).replace('--', '- -')}) -->",
             f'<div id="Table_01" style="position:absolute; left:0px; top:0px; '
             f'width:{width}px; height:{height}px;">']
    for c in cells:
        b = c.box
        style = f"position:absolute; left:{b.x}px; top:{b.y}px; width:{b.w}px; height:{b.h}px;"
        if c.background is not None:
            style += f" background-color:{_hex(c.background)};"
        lines.append(f"\t<div{_attrs(id=c.name, style=style)}>")
        inner = None
        if c.src is not None:
            inner = (f"<img{_attrs(src=c.src, width=b.w, height=b.h, alt=c.alt)}"
                     ' style="display:block; border:0">')
        if c.url:
            link = _attrs(href=c.url, target=c.target or None, title=c.message or None)
            style = ' style="display:block; width:100%; height:100%"'
            inner = f"<a{link}{style}>{inner or ''}</a>"
        if inner is not None:
            lines.append(f"\t\t{inner}")
        lines.append("\t</div>")
    lines += ["</div>", "<!-- End Save for Web Slices -->", "</body>", "</html>", ""]
    return "\n".join(lines)
