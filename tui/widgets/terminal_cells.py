"""Fewer bytes to the terminal for the same cells: over SSH every repaint is on the wire.

Shared by the scroll views (the article list and the reader): their rows compacted into
fewer segments, written with only the attributes that change between segments, and a
scrollbar thumb moved by repainting only the cells that change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from math import ceil

from rich.color import Color, ColorSystem
from rich.console import Console
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
        return [DeltaStrip.of(compact(strip)) for strip in strips]
    left = widget.scrollable_content_region.right - widget.region.x - crop.x
    cuts = [cut for cut in (left, left + widget.scrollbar_size_vertical) if 0 < cut < crop.width]
    # ``divide`` drops whatever lies after the last cut: the row's end is a cut too.
    return [
        DeltaStrip.of(
            Strip.join(compact(part) for part in strip.divide([*cuts, strip.cell_length]))
        )
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


# The attributes of a Rich style as SGR codes: the code that turns each on and the one that
# turns it off. Some codes turn off two: 22 bold and dim, 24 both underlines, 25 both blinks,
# 54 frame and encircle.
_ATTRIBUTES = (
    ("bold", "1", "22"),
    ("dim", "2", "22"),
    ("italic", "3", "23"),
    ("underline", "4", "24"),
    ("blink", "5", "25"),
    ("blink2", "6", "25"),
    ("reverse", "7", "27"),
    ("conceal", "8", "28"),
    ("strike", "9", "29"),
    ("underline2", "21", "24"),
    ("frame", "51", "54"),
    ("encircle", "52", "54"),
    ("overline", "53", "55"),
)
_TURNED_OFF_WITH = tuple(
    sum(1 << bit for bit, (*_, code) in enumerate(_ATTRIBUTES) if code == off)
    for *_, off in _ATTRIBUTES
)
"""For each attribute, as bits, every attribute its off code turns off."""

_INK_ONLY = sum(
    1 << bit
    for bit, (name, *_) in enumerate(_ATTRIBUTES)
    if name in ("bold", "dim", "italic", "blink", "blink2", "conceal")
)
"""The attributes that change only how a character is drawn, not a space."""

_Pen = tuple[int, tuple[str, ...], tuple[str, ...]]
"""What the terminal draws with after an SGR sequence: the attributes on, as bits in the order
of ``_ATTRIBUTES``, and the codes of the text and background colours (none for the default)."""
_PLAIN: _Pen = (0, (), ())


def _colour_codes(colour: Color | None, system: ColorSystem, foreground: bool) -> tuple[str, ...]:
    if colour is None:
        return ()
    codes = colour.downgrade(system).get_ansi_codes(foreground)
    return () if codes == ("39",) or codes == ("49",) else codes


@lru_cache(maxsize=1024)
def _pen(style: Style, system: ColorSystem) -> _Pen:
    attributes = sum(1 << bit for bit, (name, *_) in enumerate(_ATTRIBUTES) if getattr(style, name))
    return (
        attributes,
        _colour_codes(style.color, system, True),
        _colour_codes(style.bgcolor, system, False),
    )


def _codes_on(attributes: int) -> list[str]:
    return [on for bit, (_, on, _) in enumerate(_ATTRIBUTES) if attributes >> bit & 1]


def _on_spaces(was: _Pen, now: _Pen) -> _Pen:
    """``now`` for a run of spaces, with what a space does not show kept as it ``was``: the
    text colour and the attributes that only change how a character is drawn (unless the
    colours are reversed or a line is drawn, which show the text colour)."""
    attributes, _, background = now
    if attributes & ~_INK_ONLY:
        return now
    return (was[0] & _INK_ONLY, was[1], background)


def _change(was: _Pen, now: _Pen) -> str:
    """The SGR sequence that takes the terminal from drawing with ``was`` to ``now``: only
    what changes, or a reset and ``now`` in full when that is shorter."""
    if was == now:
        return ""
    was_attributes, was_colour, was_background = was
    attributes, colour, background = now
    codes: list[str] = []
    turn_off = was_attributes & ~attributes
    turn_on = attributes & ~was_attributes
    for bit, (_, _, off) in enumerate(_ATTRIBUTES):
        if turn_off >> bit & 1 and off not in codes:
            codes.append(off)
            turn_on |= attributes & _TURNED_OFF_WITH[bit]  # turned off with it, but still wanted
    codes += _codes_on(turn_on)
    if colour != was_colour:
        codes += colour or ["39"]
    if background != was_background:
        codes += background or ["49"]
    changes, reset = ";".join(codes), ";".join(["0", *_codes_on(attributes), *colour, *background])
    return f"\x1b[{min(changes, reset, key=len)}m"


class DeltaStrip(Strip):
    """A row written to the terminal with only the attributes that change between segments.

    ``Strip.render`` writes each segment as its style in full, the text, and a reset: a
    sentence underlined up to the row's padding costs a reset and the colours again (24
    bytes) where ending the underline costs 5. Spaces keep what they cannot show (the text
    colour, bold and the like) from the segment before. A row still starts from, and ends
    with, the terminal's plain attributes, as Textual's rows do, so it may be written
    anywhere theirs are. Cropped or divided by the compositor, the parts are written the
    same way; a row with a link is written as Textual writes it.
    """

    __slots__ = ()

    @classmethod
    def of(cls, strip: Strip) -> DeltaStrip:
        """``strip``, to be written this way."""
        return strip if isinstance(strip, DeltaStrip) else cls(strip, strip.cell_length)

    def crop(self, start: int, end: int | None = None) -> Strip:
        return DeltaStrip.of(super().crop(start, end))

    def divide(self, cuts: Iterable[int]) -> Sequence[Strip]:
        return [DeltaStrip.of(part) for part in super().divide(cuts)]

    def render(self, console: Console) -> str:
        if self._render_cache is not None:
            return self._render_cache
        if any(style is not None and style.link for _, style, _ in self._segments):
            return super().render(console)  # a link is opened and closed around each segment
        system = console._color_system or ColorSystem.TRUECOLOR
        output: list[str] = []
        pen = _PLAIN
        for text, style, _ in self._segments:
            if not text:
                continue
            if style is None:
                now = _PLAIN  # as Textual writes it: as it is, after a reset
            else:
                now = _pen(style, system)
                if not text.strip(" "):
                    now = min(_on_spaces(pen, now), now, key=lambda to: len(_change(pen, to)))
            output += [_change(pen, now), text]
            pen = now
        output.append(_change(pen, _PLAIN))
        self._render_cache = "".join(output)
        return self._render_cache


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
