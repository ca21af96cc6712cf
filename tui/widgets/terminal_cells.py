"""Fewer bytes to the terminal for the same cells: over SSH every repaint is on the wire.

Shared by the scroll views (the article list and the reader): their rows compacted into
fewer segments, and a scrollbar thumb moved by repainting only the cells that change.
"""

from __future__ import annotations

from math import ceil

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.widget import Widget


def _space_look(style: Style | None) -> tuple[object, ...]:
    """What a space drawn in this style shows: the colour filling the cell, any line drawn
    through or under it (in the text colour), and a link or mouse action on it. Bold, italic
    and the text colour are invisible on a space unless the colours are reversed."""
    if style is None:
        return (None,)
    lines = (
        bool(style.underline),
        bool(style.underline2),
        bool(style.strike),
        bool(style.overline),
    )
    if style.reverse:
        fill, ink = style.color, style.bgcolor
        # Reversed, the text colour fills the cell, and bold or dim may change that colour.
        fill_attributes: tuple[bool, ...] = (bool(style.bold), bool(style.dim))
    else:
        fill, ink = style.bgcolor, style.color
        fill_attributes = ()
    return (fill, fill_attributes, lines, ink if any(lines) else None, style.link, style.meta)


def compact_lines(widget: Widget, crop: Region, strips: list[Strip]) -> list[Strip]:
    """A scroll view's rendered rows (``crop`` of it), compacted either side of its vertical
    scrollbar, which Textual draws over them as a widget of its own, cutting the rows there."""
    if not widget.show_vertical_scrollbar:
        return [compact(strip) for strip in strips]
    left = widget.scrollable_content_region.right - widget.region.x - crop.x
    cuts = [cut for cut in (left, left + widget.scrollbar_size_vertical) if 0 < cut < crop.width]
    # ``divide`` drops whatever lies after the last cut: the row's end is a cut too.
    return [
        Strip.join(compact(part) for part in strip.divide([*cuts, strip.cell_length]))
        for strip in strips
    ]


def compact(strip: Strip) -> Strip:
    """The same cells in fewer segments, so fewer escape sequences reach the terminal.

    Textual writes every segment as its own SGR sequence and a reset, so a row drawn as
    border, padding, text and padding costs four of them. Spaces whose style only differs from
    a neighbour's in what a space cannot show take that neighbour's style, then segments of
    equal style are joined.
    """
    segments = list(strip)
    if len(segments) < 2:
        return strip
    for index, (text, style, control) in enumerate(segments):
        if control or text.strip(" "):
            continue
        look = _space_look(style)
        neighbours = [segments[i].style for i in (index - 1, index + 1) if 0 <= i < len(segments)]
        if style in neighbours:
            continue  # joins that neighbour as it is
        for other in neighbours:
            if other is not None and _space_look(other) == look:
                segments[index] = Segment(text, other)
                break
    return Strip(Segment.simplify(segments), strip.cell_length)


def move_thumb(bar: ScrollBar, position: float) -> None:
    """Move a vertical scrollbar's thumb, repainting only the cells it leaves or enters.

    Setting ``ScrollBar.position`` repaints the whole bar, a column of escape sequences on
    every scroll, where the thumb usually changes a cell or two.
    """
    new = bar.validate_position(position)
    old = bar.position
    if new == old:
        return
    window = bar.window_size if bar.window_size < bar.window_virtual_size else 0

    def cells(at: float) -> list[Segment]:
        return bar.renderer.render_bar(
            size=bar.size.height,
            virtual_size=ceil(bar.window_virtual_size),
            window_size=ceil(window),
            position=at,
            thickness=bar.thickness,
            vertical=True,
        ).segments

    before, after = cells(old), cells(new)
    bar.set_reactive(ScrollBar.position, new)
    for y, (was, now) in enumerate(zip(before, after, strict=False)):
        if was != now:
            bar.refresh(Region(0, y, bar.size.width, 1))
