"""An article's blocks laid out in a TextArea: their look by kind, their links, and wrapped
rows that start under their text.

A list item's wrapped rows should start under its text, not under its bullet, and each row
of a quote with its bar; the prefix a wrapped row starts with cannot be in the document (its
offsets are the text's), so it is drawn: such a line is wrapped that many cells narrower
(:class:`HangingWrappedDocument`), and its continuation rows are drawn with the prefix in
front. Positions on those rows are shifted by its width both ways, so the cursor and the
mouse land where the text is drawn.

Links are styled with ``Style(link=…)``, which Textual 8.2.8 writes as an OSC 8 hyperlink
(``ESC ] 8 ; id=… ; URL ESC \\``); only links :func:`tui.links.usable_link` leaves as they are
(absolute http(s), no controls) are ever styled so. A terminal without OSC 8 shows the text.
"""

from __future__ import annotations

from bisect import bisect_right

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual._wrap import compute_wrap_offsets
from textual.document._document import DocumentBase, Location
from textual.document._document_navigator import DocumentNavigator
from textual.document._wrapped_document import WrappedDocument
from textual.geometry import Offset
from textual.strip import Strip
from textual.widgets import TextArea

from tui.links import usable_link
from tui.widgets.reader_document import ReaderDocument


class BlockTextArea(TextArea):
    """A TextArea showing a :class:`ReaderDocument` (``document_view``), blocks laid out."""

    document_view: ReaderDocument
    _link_styles: dict[str, Style]

    def link_styles_for(self, document: ReaderDocument) -> None:
        """One style per link target, so that every row of a link is the same OSC 8 link."""
        self._link_styles = {
            link.href: Style(link=link.href)
            for link in document.links
            if usable_link(link.href) == link.href
        }

    def style_block_row(self, line: Text, line_index: int) -> None:
        """A row's look by its block's kind, its prefix as a marker, and its links."""
        view = self.document_view
        row_style = view.row_styles.get(line_index)
        if row_style is not None:
            component, prefix = row_style
            line.stylize(self.get_component_rich_style(component))
            if prefix:
                line.stylize(self.get_component_rich_style("reader--marker"), 0, prefix)
        if not view.links:
            return
        line_start = view.index_of((line_index, 0))
        line_end = line_start + len(line.plain)
        look = self.get_component_rich_style("reader--link")
        for link in view.links:
            start, end = view.document_index(link.start), view.document_index(link.end)
            link_style = self._link_styles.get(link.href)
            if link_style is None or end <= line_start or start >= line_end:
                continue
            begin, finish = max(start - line_start, 0), min(end, line_end) - line_start
            line.stylize(look + link_style, begin, finish)

    def _rewrap_and_refresh_virtual_size(self) -> None:
        # Every load_text makes a new WrappedDocument: it is swapped for one that wraps
        # with a hanging indent before anything is wrapped.
        view = getattr(self, "document_view", None)  # None while TextArea is made
        if view is not None and not isinstance(self.wrapped_document, HangingWrappedDocument):
            self.wrapped_document = HangingWrappedDocument(
                self.document, self.indent_width, view.hanging
            )
            self.navigator = DocumentNavigator(self.wrapped_document)
        super()._rewrap_and_refresh_virtual_size()

    def _render_line(self, y: int) -> Strip:
        strip = super()._render_line(y)
        wrapped = self.wrapped_document
        row = y + self.scroll_offset.y
        if not isinstance(wrapped, HangingWrappedDocument) or row >= wrapped.height:
            return strip
        line_index, section = wrapped._offset_to_line_info[row]
        hanging = self.document_view.hanging.get(line_index) if section else None
        if not hanging:
            return strip
        row_style = self.document_view.row_styles.get(line_index, ("", 0))[0]
        style = self.get_component_rich_style("reader--marker")
        if row_style:
            style = self.get_component_rich_style(row_style) + style
        base = self._theme.base_style if self._theme else None
        indent = Strip([Segment(hanging, (base or Style()) + style)], cell_len(hanging))
        return Strip.join([indent, strip]).crop(0, strip.cell_length)


class HangingWrappedDocument(WrappedDocument):
    """Textual 8.2.8's ``WrappedDocument`` wraps every line to one width; this wraps the
    lines that have a hanging prefix narrower, then rebuilds its indexes from row to line."""

    def __init__(self, document: DocumentBase, tab_width: int, hanging: dict[int, str]) -> None:
        super().__init__(document, tab_width=tab_width)
        self.hanging = hanging
        """For each line (by index) with a hanging prefix: what its continuation rows start
        with."""

    def wrap(self, width: int, tab_width: int | None = None) -> None:
        super().wrap(width, tab_width)
        if not width or not self.hanging:
            return
        lines = self.document.lines
        for line_index, prefix in self.hanging.items():
            if line_index < len(lines):
                narrower = max(width - cell_len(prefix), 1)
                self._wrap_offsets[line_index] = compute_wrap_offsets(
                    lines[line_index], narrower, tab_size=self._tab_width
                )
        offset_to_line: list[tuple[int, int]] = []
        line_to_offsets: list[list[int]] = []
        for line_index, offsets in enumerate(self._wrap_offsets):
            first = len(offset_to_line)
            line_to_offsets.append(list(range(first, first + len(offsets) + 1)))
            offset_to_line += [(line_index, section) for section in range(len(offsets) + 1)]
        self._offset_to_line_info = offset_to_line
        self._line_index_to_offsets = line_to_offsets

    def indent_of(self, line_index: int, section: int) -> int:
        """The cells drawn before the text of this row of a line."""
        prefix = self.hanging.get(line_index) if section > 0 else None
        return cell_len(prefix) if prefix else 0

    def location_to_offset(self, location: Location) -> Offset:
        offset = super().location_to_offset(location)
        line_index, column = location
        if line_index in self.hanging:
            section = bisect_right(self.get_offsets(line_index), column)
            return Offset(offset.x + self.indent_of(line_index, section), offset.y)
        return offset

    def offset_to_location(self, offset: Offset) -> Location:
        x, y = offset
        if self._width and 0 <= y < len(self._offset_to_line_info):
            line_index, section = self._offset_to_line_info[y]
            x -= self.indent_of(line_index, section)
        return super().offset_to_location(Offset(max(x, 0), y))
