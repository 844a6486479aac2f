"""Split criteria text into bullets (`Criterion`) and heading lines (`Heading`).

`segment(text, style=...)` returns `(criteria, headings)`. Every non-blank character of `text`
lies in exactly one bullet or heading span. Rules, in order of precedence:

- Headings (see `lines`): MAJOR ones set the kind and close every section; TOP, SUB and LEAF
  open sections at three levels, and a bullet's `section` joins the open ones with " / "
  ("PATIENT CHARACTERISTICS / Performance status"); LEAF and INTRO lines may switch the kind
  ("Excluded:") until the next heading. NCI sections are not kinds: their bullets are
  inclusion, with "No known HIV infection" meaning "does not have HIV".
- A line starting with a marker (`-`, `*`, `+`, bullets, `o`, `1.`, `1)`, `(1)`, `a.`, `(a)`,
  `ii.`) starts a bullet. A line without one continues the open bullet when it follows it
  directly, or after a blank line when indented to the bullet's text; otherwise it starts a
  bullet of its own (so a text without markers gives one bullet per paragraph).
- Nesting: a bullet is the child of the nearest earlier bullet indented less. At equal indent,
  a different marker family makes a child only after a bullet ending with ':'.
- A lone marker line belongs to the next item. When the bullet's text follows it directly
  (the seed pages' "-" then text), the bullet heads a group: the next lines with the same marker
  are its children, until a blank line, a heading, another lone marker, or - so as not to
  invert a meaning - a "No ..." line under a "No ..." parent.
- style="seed": when no heading names a kind, two or more blank lines between bullets mark a
  lost heading: the first list is inclusion and the lists after such a gap are exclusion.
- style="markdown" (ClinicalTrials.gov JSON): bullet and heading texts have escapes undone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from trialscreen.model.trial import Criterion, CriterionKind, Heading
from trialscreen.trials.lines import (
    DECOR,
    INTRO,
    LEAF,
    MAJOR,
    SUB,
    TOP,
    HeadingMatch,
    Line,
    classify_heading,
    is_decoration,
    list_label,
    match_marker,
    paragraph_heading,
    split_lines,
)
from trialscreen.trials.text import join_pieces, unescape_markdown

STYLES = ("plain", "markdown", "seed")


def segment(text: str, *, style: str | None = None) -> tuple[list[Criterion], list[Heading]]:
    """Bullets and headings of a criteria text; style is "plain" (default), "markdown" or "seed"."""
    chosen = style or "plain"
    if chosen not in STYLES:
        raise ValueError(f"unknown segmentation style {style!r}; expected one of {STYLES}")
    builder = _Builder(text, chosen)
    lines = list(split_lines(text))
    for number, line in enumerate(lines, 1):
        builder.line(line, lines[number] if number < len(lines) else None)
    return builder.finish()


@dataclass(slots=True)
class _Open:
    """The bullet being built."""

    index: int
    start: int
    pieces: list[tuple[int, int]]
    family: str
    indent: int
    text_col: int
    marked: bool
    kind: CriterionKind
    section: str | None
    parent: int | None


@dataclass(slots=True)
class _Entry:
    """A bullet on the nesting stack."""

    indent: int
    family: str
    index: int


@dataclass(slots=True)
class _Pending:
    """A lone marker line waiting for the item it belongs to."""

    start: int
    family: str
    indent: int


@dataclass(slots=True)
class _State:
    """Running kind and sections."""

    base: CriterionKind = "inclusion"
    override: CriterionKind | None = None
    labels: list[str | None] = field(default_factory=lambda: [None, None, None])
    kind_seen: bool = False
    # a sub-list heading that switches the kind ("Must not have:") governs its own list only:
    # where it stood, and the indent of the first bullet of its list
    override_indent: int = 0
    override_list: int | None = None

    @property
    def kind(self) -> CriterionKind:
        """The kind a bullet opened now gets."""
        return self.override or self.base

    @property
    def section(self) -> str | None:
        """The open sections joined with " / "."""
        return " / ".join(label for label in self.labels if label) or None


class _Builder:
    """Turns lines into bullets and headings, one line at a time."""

    def __init__(self, text: str, style: str) -> None:
        self.text = text
        self.markdown = style == "markdown"
        self.seed = style == "seed"
        self.criteria: list[Criterion] = []
        self.headings: list[Heading] = []
        self.state = _State()
        self.open: _Open | None = None
        self.stack: list[_Entry] = []
        self.group: _Entry | None = None
        self.pending: _Pending | None = None
        self.last_was_bullet = False
        self.after_heading = False

    def line(self, line: Line, after: Line | None) -> None:
        """Classify one non-blank line and add it to the bullets or headings."""
        marker = match_marker(self.text, line.start)
        content = self._skip_spaces(marker.end, line.end) if marker else line.start
        if marker and content >= line.end:
            self._lone(line, marker.family)
            return
        if line.blanks:
            self.group = None
        if self._heading_line(line, after, marker is not None, content):
            return
        pending = self.pending
        if pending is not None:
            family = marker.family if marker else pending.family
            direct = line.blanks == 0 and marker is None
            self._start(line, pending.start, content, family, pending.indent, True, group=direct)
        elif marker is not None:
            self._start(line, line.start, content, marker.family, line.indent, True)
        elif self._continues(line):
            assert self.open is not None
            self.open.pieces.append((line.start, line.end))
        else:
            self._start(line, line.start, line.start, "para", line.indent, False)

    def _heading_line(self, line: Line, after: Line | None, marked: bool, content: int) -> bool:
        """Record the line as a heading (and any text after it as a bullet) if it is one."""
        pending = self.pending
        bare = not marked and pending is None
        body = self.text[content : line.end]
        if bare and is_decoration(body):
            found: HeadingMatch | None = HeadingMatch(DECOR, None, (), 0, len(body))
        else:
            found = classify_heading(
                body,
                marked=not bare,
                fresh=self._fresh(line),
                before_first=not self.headings and not self.criteria and self.open is None,
            )
        if found is None and bare:
            found = self._label_before_list(line, after, body)
        if found is None:
            return False
        if found.level == MAJOR and bare and self._continues(line) and not self._fresh(line):
            # a wrapped line of the open bullet ("... within 1 month prior to" / "inclusion.",
            # "... is" / "an absolute donor exclusion"; review 27) is not a major heading
            # unless it says so: "criteria", or a colon after the kind word
            written = body[found.start : found.end]
            if ":" not in written and "criteri" not in written.lower():
                return False
        start = pending.start if pending else line.start
        self._heading(start, content + found.end, found, content + found.start)
        if self.state.override is not None:
            self.state.override_indent, self.state.override_list = line.indent, None
        rest = self._skip_spaces(content + found.end, line.end)
        if rest < line.end:
            self._start(line, rest, rest, "para", line.indent, False)
        return True

    def finish(self) -> tuple[list[Criterion], list[Heading]]:
        """Close the open bullet and place any trailing lone marker."""
        self._close()
        if self.pending is not None:
            self._stray(self.pending.start)
        return self.criteria, self.headings

    def _skip_spaces(self, position: int, end: int) -> int:
        """The first non-space position from `position` (at most `end`)."""
        while position < end and self.text[position].isspace():
            position += 1
        return position

    def _lone(self, line: Line, family: str) -> None:
        """A marker alone on its line: it belongs to the next item."""
        self._close()
        self.group = None
        if self.pending is None:
            self.pending = _Pending(line.start, family, line.indent)

    def _label_before_list(self, line: Line, after: Line | None, body: str) -> HeadingMatch | None:
        """A short label line set apart above a list ("Obesity-related") is a SUB heading."""
        if after is None or not after.blanks or after.indent > line.indent:
            return None
        if not self._fresh(line) or match_marker(self.text, after.start) is None:
            return None
        return list_label(body)

    def _fresh(self, line: Line) -> bool:
        """Whether a line can be a heading: it starts a paragraph or is dedented from a bullet."""
        current = self.open
        return (
            current is None or line.blanks > 0 or (current.marked and line.indent < current.indent)
        )

    def _continues(self, line: Line) -> bool:
        """Whether an unmarked line continues the open bullet."""
        current = self.open
        if current is None:
            return False
        return line.blanks == 0 or (current.marked and line.indent >= current.text_col)

    def _heading(
        self, start: int, end: int, found: HeadingMatch, text_start: int | None = None
    ) -> None:
        """Record a heading and apply its effect on kind, sections and nesting."""
        self._close()
        self.pending = None
        self.last_was_bullet = False
        section = self._apply(found)
        self.after_heading = found.level != DECOR
        raw = self.text[start if text_start is None else text_start : end].strip()
        text = unescape_markdown(raw) if self.markdown else raw
        self.headings.append(
            Heading(text=text, span=(start, end), kind=found.kind, section=section)
        )

    def _apply(self, found: HeadingMatch) -> str | None:
        """Update the running state for a heading; returns the section it opens."""
        state = self.state
        if found.level == DECOR:
            return None
        self.stack.clear()
        self.group = None
        if found.kind is not None:
            state.kind_seen = True
        if found.level == MAJOR:
            state.base = found.kind or state.base
            state.override = None
            state.labels = [None, None, None]
            return None
        state.override = found.kind
        if found.level == INTRO:
            state.labels[2] = None
            if not self.after_heading:
                state.labels[1] = None
            return None
        if found.level == TOP:
            state.labels = [found.labels[0], None, None]
        elif found.level == SUB:
            state.labels[1:] = [found.labels[0], found.labels[1] if len(found.labels) > 1 else None]
        elif found.level == LEAF:
            state.labels[2] = found.labels[0]
        return state.section

    def _start(
        self,
        line: Line,
        start: int,
        text_start: int,
        family: str,
        indent: int,
        marked: bool,
        *,
        group: bool = False,
    ) -> None:
        """Open a new bullet."""
        self._close()
        self.pending = None
        if self.seed and not self.state.kind_seen and line.blanks >= 2 and self.last_was_bullet:
            self.state.base = "exclusion"
        self._end_sublist(indent, marked)
        index = len(self.criteria)
        text_col = len(self.text[line.begin : text_start].expandtabs(4))
        parent = self._parent(index, family, indent, text_start)
        if group:
            self.group = _Entry(indent, family, index)
        self.open = _Open(
            index=index,
            start=start,
            pieces=[(text_start, line.end)],
            family=family,
            indent=indent,
            text_col=text_col if text_col > indent else indent,
            marked=marked,
            kind=self.state.kind,
            section=self.state.section,
            parent=parent,
        )
        self.last_was_bullet = True
        self.after_heading = False

    def _end_sublist(self, indent: int, marked: bool) -> None:
        """A kind-switching sub-list heading stops at the end of its list: a bullet dedented
        from the list, or a paragraph no deeper than the heading, returns to the section's kind."""
        state = self.state
        if state.override is None or self.seed:
            return
        if state.override_list is None:
            state.override_list = indent
        elif indent < state.override_list or (not marked and indent <= state.override_indent):
            state.override, state.override_list = None, None

    def _parent(self, index: int, family: str, indent: int, text_start: int) -> int | None:
        """The parent of a new bullet, by group, indentation and marker family."""
        group = self.group
        if group is not None:
            if self._in_group(group, family, indent, text_start):
                while self.stack and self.stack[-1].index != group.index:
                    self.stack.pop()
                self.stack.append(_Entry(indent + 1, family, index))
                return group.index
            self.group = None
        stack = self.stack
        while stack and stack[-1].indent > indent:
            stack.pop()
        if stack and stack[-1].indent == indent:
            same = [i for i, e in enumerate(stack) if e.indent == indent and e.family == family]
            if same:
                del stack[same[-1] :]
            elif not self.criteria[stack[-1].index].text.endswith(":"):
                stack.pop()
        parent = stack[-1].index if stack else None
        stack.append(_Entry(indent, family, index))
        return parent

    def _in_group(self, group: _Entry, family: str, indent: int, text_start: int) -> bool:
        """Whether a new bullet is the next child of a lone-marker group."""
        if family != group.family or indent != group.indent:
            return False
        parent_text = self.criteria[group.index].text
        return not (parent_text.startswith("No ") and self.text.startswith("No ", text_start))

    def _close(self) -> None:
        """Turn the open bullet into a `Criterion`."""
        current = self.open
        if current is None:
            return
        self.open = None
        text = join_pieces(self.text, current.pieces, markdown=self.markdown)
        if not current.marked and len(current.pieces) > 1:
            found = paragraph_heading(text)
            if found is not None:
                self._paragraph_heading(current, text, found)
                return
        self.criteria.append(
            Criterion(
                index=current.index,
                kind=current.kind,
                section=current.section,
                parent=current.parent,
                text=text,
                span=(current.start, current.pieces[-1][1]),
            )
        )

    def _paragraph_heading(self, current: _Open, text: str, found: HeadingMatch) -> None:
        """A wrapped intro sentence ("... will be excluded from\nthe study:") becomes a heading."""
        if self.stack and self.stack[-1].index == current.index:
            self.stack.pop()
        self.last_was_bullet = False
        self.after_heading = False
        section = self._apply(found)
        self.after_heading = True
        span = (current.start, current.pieces[-1][1])
        self.headings.append(Heading(text=text, span=span, kind=found.kind, section=section))

    def _stray(self, start: int) -> None:
        """A lone marker at the very end: it joins the last item, or stands as a heading."""
        end = len(self.text.rstrip())
        if self.criteria and (not self.headings or self.criteria[-1].span > self.headings[-1].span):
            last = self.criteria[-1]
            self.criteria[-1] = last.model_copy(update={"span": (last.span[0], end)})
        elif self.headings:
            last_heading = self.headings[-1]
            self.headings[-1] = last_heading.model_copy(
                update={"span": (last_heading.span[0], end)}
            )
        else:
            marker = self.text[start:end]
            self.headings.append(Heading(text=marker, span=(start, end)))
