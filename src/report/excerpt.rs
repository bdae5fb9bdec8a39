//! The part of a file a text snippet shows, bounded whatever the file is.
//!
//! miette reads snippets from whatever source it is given: handed a whole file, it scans the
//! file from its start for every finding, prints a long line whole under every finding on it,
//! and panics past column 65,535. So a snippet gets an [`Excerpt`] instead: only the lines
//! around the finding's spans, each line longer than [`MAX_LINE_BYTES`] cut to a window
//! around the span that falls on it (`…` marks a cut), and a span over more than
//! [`MAX_SPAN_LINES`] lines shortened to its first ones. Line numbers and columns stay those
//! of the file. A snippet is then at most a few kilobytes, so a report grows with the number
//! of findings, not with the length of their lines.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::document::SourceFile;
use crate::yaml::Span;

/// Lines longer than this are cut around the span on them.
pub const MAX_LINE_BYTES: usize = 240;
/// How much of a cut line is shown before and after the span's start.
const WINDOW_BEFORE: usize = 80;
const WINDOW_AFTER: usize = 160;
/// A span over more lines is shown over its first ones only.
pub const MAX_SPAN_LINES: usize = 10;
/// Lines kept around each span: more than the handler shows, so its context always fits.
const MARGIN_LINES: usize = 2;
const CUT: &str = "…";

/// The lines of a file that a snippet needs, as a small text of their own.
pub struct Excerpt {
    name: String,
    text: String,
    lines: Vec<Line>,
    regions: Vec<Region>,
}

/// A line of the excerpt: where it is in the excerpt's text and in the file.
struct Line {
    /// The 0-based line of the file it shows.
    number: usize,
    /// Excerpt offsets: the line's start, the first byte shown after a leading `…`, the end of
    /// what is shown, and where the line break follows a trailing `…`.
    start: usize,
    shown_start: usize,
    shown_end: usize,
    tail: usize,
    /// File offsets: the line's start, the first byte shown, the end of what is shown and
    /// the end of the line's text (before `\r\n` or `\n`).
    file_start: usize,
    file_shown_start: usize,
    file_shown_end: usize,
    file_content_end: usize,
}

impl Line {
    /// Column in the file minus column in the excerpt, for what is shown.
    fn shift(&self) -> isize {
        (self.file_shown_start - self.file_start) as isize
            - (self.shown_start - self.start) as isize
    }
}

/// Consecutive lines of the file, one context for the handler.
struct Region {
    start: usize,
    end: usize,
    first_line: usize,
}

impl Excerpt {
    /// The excerpt for `spans` (the primary span first) of `source`, and the spans as
    /// offsets into it.
    pub fn new(source: &SourceFile, spans: &[Span]) -> (Excerpt, Vec<Span>) {
        let text = source.text.as_str();
        let lines = &source.lines;
        let last_line = lines.count() - 1;
        let line_end = |line: usize| {
            if line >= last_line {
                text.len()
            } else {
                lines.start(line + 1) - 1
            }
        };
        let spans: Vec<Span> = spans
            .iter()
            .map(|span| {
                let start = span.start.min(text.len());
                let end = span.end.clamp(start, text.len());
                let first = lines.line_of(start);
                if lines.line_of(end) >= first + MAX_SPAN_LINES {
                    Span::new(start, line_end(first + MAX_SPAN_LINES - 1))
                } else {
                    Span::new(start, end)
                }
            })
            .collect();
        let mut ranges: Vec<(usize, usize)> = spans
            .iter()
            .map(|span| {
                (
                    lines.line_of(span.start).saturating_sub(MARGIN_LINES),
                    (lines.line_of(span.end) + MARGIN_LINES).min(last_line),
                )
            })
            .collect();
        ranges.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (first, last) in ranges {
            match merged.last_mut() {
                Some((_, end)) if first <= *end + 1 => *end = (*end).max(last),
                _ => merged.push((first, last)),
            }
        }
        let mut excerpt = Excerpt {
            name: shown_path(&source.path),
            text: String::new(),
            lines: Vec::new(),
            regions: Vec::new(),
        };
        for (first, last) in merged {
            let region_start = excerpt.text.len();
            let first_line = excerpt.lines.len();
            for number in first..=last {
                let file_start = lines.start(number);
                let end = line_end(number);
                let focus = spans
                    .iter()
                    .map(|s| s.start)
                    .find(|start| (file_start..=end).contains(start));
                excerpt.push_line(text, number, file_start, end, focus);
            }
            excerpt.regions.push(Region {
                start: region_start,
                end: excerpt.text.len(),
                first_line,
            });
        }
        let mapped = spans
            .iter()
            .map(|span| Span::new(excerpt.map(span.start), excerpt.map(span.end)))
            .collect();
        (excerpt, mapped)
    }

    /// Adds one line of the file, cut around `focus` when it is long.
    fn push_line(
        &mut self,
        text: &str,
        number: usize,
        file_start: usize,
        end: usize,
        focus: Option<usize>,
    ) {
        let content_end = if text[file_start..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        let (from, to) = if content_end - file_start <= MAX_LINE_BYTES {
            (file_start, content_end)
        } else {
            let focus = focus.unwrap_or(file_start).min(content_end);
            let from = floor_boundary(text, focus.saturating_sub(WINDOW_BEFORE).max(file_start));
            let to = floor_boundary(text, (focus + WINDOW_AFTER).min(content_end));
            (from, to)
        };
        let start = self.text.len();
        if from > file_start {
            self.text.push_str(CUT);
        }
        let shown_start = self.text.len();
        self.text.push_str(&text[from..to]);
        let shown_end = self.text.len();
        if to < content_end {
            self.text.push_str(CUT);
        }
        let tail = self.text.len();
        self.text.push_str(&text[content_end..end]);
        if end < text.len() {
            self.text.push('\n');
        }
        self.lines.push(Line {
            number,
            start,
            shown_start,
            shown_end,
            tail,
            file_start,
            file_shown_start: from,
            file_shown_end: to,
            file_content_end: content_end,
        });
    }

    /// A byte offset of the file as an offset into the excerpt: a place cut away maps to the
    /// nearest end of what is shown.
    fn map(&self, offset: usize) -> usize {
        let index = self
            .lines
            .partition_point(|line| line.file_start <= offset)
            .saturating_sub(1);
        let Some(line) = self.lines.get(index) else {
            return 0;
        };
        if offset < line.file_shown_start {
            line.shown_start
        } else if offset <= line.file_shown_end {
            line.shown_start + (offset - line.file_shown_start)
        } else if offset < line.file_content_end {
            line.shown_end
        } else {
            // The line break, copied as it is, or past it: the next line's start.
            (line.tail + (offset - line.file_content_end)).min(self.text.len())
        }
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let region = self
            .regions
            .iter()
            .find(|r| r.start <= span.offset() && span.offset() + span.len() <= r.end)
            .ok_or(MietteError::OutOfBounds)?;
        let text = &self.text.as_bytes()[region.start..region.end];
        let local = SourceSpan::new((span.offset() - region.start).into(), span.len());
        let contents = text.read_span(&local, context_lines_before, context_lines_after)?;
        let line = self
            .lines
            .get(region.first_line + contents.line())
            .ok_or(MietteError::OutOfBounds)?;
        let column = if contents.column() == 0 {
            0
        } else {
            contents.column().saturating_add_signed(line.shift())
        };
        let data = contents.data();
        let start = region.start + contents.span().offset();
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            SourceSpan::new(start.into(), data.len()),
            line.number,
            column,
            data.iter().filter(|b| **b == b'\n').count(),
        )))
    }
}

/// The largest char boundary at or below `at`.
fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// A path as a terminal may show it: control characters (a line break, an escape sequence)
/// written out, so a hostile file name cannot forge output lines.
pub fn shown_path(path: &str) -> String {
    super::bound::escape_controls(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> SourceFile {
        SourceFile::new("f.yaml", text.to_owned())
    }

    #[test]
    fn short_lines_are_copied_with_their_file_line_numbers() {
        let text = "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\ng: 7\n";
        let at = text.find("f: 6").unwrap();
        let (excerpt, spans) = Excerpt::new(&source(text), &[Span::new(at, at + 1)]);
        assert_eq!(excerpt.text, "d: 4\ne: 5\nf: 6\ng: 7\n");
        assert_eq!(&excerpt.text[spans[0].start..spans[0].end], "f");
        let contents = excerpt
            .read_span(&SourceSpan::new(spans[0].start.into(), 1), 0, 0)
            .unwrap();
        assert_eq!((contents.line(), contents.column()), (5, 0));
    }

    #[test]
    fn a_long_line_is_cut_around_the_span() {
        let line = format!("command: [{}]\n", vec!["1"; 20_000].join(","));
        let at = line.len() / 2;
        let (excerpt, spans) = Excerpt::new(&source(&line), &[Span::new(at, at + 1)]);
        assert!(excerpt.text.len() < MAX_LINE_BYTES + 2 * CUT.len() + 2);
        assert!(excerpt.text.starts_with(CUT));
        assert_eq!(
            &excerpt.text[spans[0].start..spans[0].end],
            &line[at..at + 1]
        );
        let contents = excerpt
            .read_span(&SourceSpan::new(spans[0].start.into(), 1), 0, 0)
            .unwrap();
        assert_eq!(contents.column(), at);
    }

    #[test]
    fn far_apart_spans_get_regions_of_their_own() {
        let text: String = (0..100).map(|i| format!("k{i}: v\n")).collect();
        let first = text.find("k3:").unwrap();
        let second = text.find("k90:").unwrap();
        let (excerpt, _) = Excerpt::new(
            &source(&text),
            &[Span::new(second, second + 3), Span::new(first, first + 2)],
        );
        assert_eq!(excerpt.regions.len(), 2);
        assert_eq!(excerpt.text.lines().count(), 10);
    }
}
