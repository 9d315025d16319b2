//! The rows of a table: each line cut into the cells of the kept columns (where a value wider
//! than its column reaches past the dashes, whether it was cut), and `-Wrap` continuation
//! lines joined to the row above.

use super::screen::{cells_text, has_text, is_text, is_wide, screen, ScreenCell};
use super::{Column, Table};
use crate::formats::{ends_with_cut_mark, Prop, Record, Value};
use crate::source::LineNo;

/// One cell of a row as read from the line.
pub(super) struct Cell {
    text: String,
    /// The value was cut to fit its column.
    truncated: bool,
}

/// One line of the rows, cut into columns.
pub(super) struct Line {
    /// The first column is blank and another is not: with `-Wrap`, the line goes on with the
    /// values of the row above.
    pub(super) continues: bool,
    /// A word of the line runs from the last dash of one column to the first dash of the next,
    /// over the space PowerShell always leaves between columns (see [`crosses_a_separator`]):
    /// the line does not line up with the header, so its columns cannot be told apart.
    pub(super) misaligned: bool,
    /// One cell per kept column.
    pub(super) cells: Vec<Cell>,
}

/// Cuts a row line into the cells of the kept columns.
pub(super) fn read_line(line: &str, table: &Table) -> Line {
    let columns = &table.columns;
    let narrow = screen(line, false);
    let cells = if line.chars().any(is_wide) {
        let wide = screen(line, true);
        if alignment_score(&wide, columns) > alignment_score(&narrow, columns) {
            wide
        } else {
            narrow
        }
    } else {
        narrow
    };
    let misaligned = crosses_a_separator(&cells, columns);
    let cuts = cut_points(&cells, columns);
    let (first_from, first_to) = table.span(&cuts, 0);
    let continues = !has_text(&cells, first_from, first_to) && has_text(&cells, 0, table.read_to);
    let cells = table
        .kept
        .iter()
        .map(|&j| {
            let (from, to) = table.span(&cuts, j);
            let text = cells_text(&cells, from, to);
            let truncated = is_cut(&cells, &text, &columns[j], from, to);
            Cell { text, truncated }
        })
        .collect();
    Line { continues, misaligned, cells }
}

/// Whether text fills every cell from the last dash of a column to the first dash of the next.
///
/// PowerShell cuts every value to its column's width and puts one space after each column. A
/// column is at least as wide as its dashes and starts no later than they do, so that space lies
/// after the last dash of one column and before the first dash of the next, on every line of a
/// console table. A line with text all the way across was changed after the console printed it:
/// a web page collapsed its runs of spaces (`EX01\Default Frontend EX01 {[::]:25, 0.0.0.0:25} True`
/// under `Identity Bindings Enabled`), or it was retyped or realigned in a proportional font.
fn crosses_a_separator(cells: &[ScreenCell], columns: &[Column]) -> bool {
    columns.windows(2).any(|pair| {
        let (previous, column) = (&pair[0], &pair[1]);
        column.start < cells.len() && (previous.end..=column.start).all(|i| is_text(cells, i))
    })
}

/// How well a screen line fits the columns: one point for every column start that follows a
/// space and holds text, as PowerShell's one-space separator makes them, and one point off
/// for every column start that falls inside a word. Columns past the end of the line score nothing.
fn alignment_score(cells: &[ScreenCell], columns: &[Column]) -> isize {
    let mut score = 0;
    for column in columns.iter().skip(1).take_while(|column| column.start <= cells.len()) {
        match (is_text(cells, column.start - 1), is_text(cells, column.start)) {
            (false, true) => score += 1,
            (true, true) => score -= 1,
            _ => {}
        }
    }
    score
}

/// Where each column's text starts in a row, up to the end of the line (see [`Table::span`]).
///
/// Normally that is where its dashes start. A right-aligned value wider than its label reaches
/// further left, past the start of the dashes; it then starts after the nearest space, which is
/// the separator PowerShell puts between columns.
fn cut_points(cells: &[ScreenCell], columns: &[Column]) -> Vec<usize> {
    let mut cuts = vec![0];
    for pair in columns.windows(2) {
        let (previous, column) = (&pair[0], &pair[1]);
        if column.start > cells.len() {
            break;
        }
        let mut at = column.start;
        if is_text(cells, at - 1) {
            let floor = previous.end + 1;
            let mut i = at - 1;
            while i > floor && is_text(cells, i - 1) {
                i -= 1;
            }
            if i > floor {
                at = i;
            }
        }
        cuts.push(at);
    }
    cuts
}

/// True when the text of `column`, read from cells `from..to`, was cut to fit the column.
///
/// PowerShell only cuts a value that is longer than its column, so the cut text fills the
/// column: a left-aligned cut (`abc...`) reaches the separator before the next column (the
/// last column has none), and a right-aligned one (`...xyz`) ends where the dashes end and is
/// wider than them. The width check keeps values such as the certificate services `....S..`
/// from counting as cut.
fn is_cut(cells: &[ScreenCell], text: &str, column: &Column, from: usize, to: usize) -> bool {
    let last_text_cell = (from..to.min(cells.len())).rev().find(|&i| is_text(cells, i));
    if ends_with_cut_mark(text) {
        let is_last_column = to == usize::MAX;
        return is_last_column || last_text_cell.is_some_and(|i| i + 2 >= to);
    }
    let starts_with_cut_mark = text.starts_with("...") || text.starts_with('…');
    starts_with_cut_mark && last_text_cell == Some(column.end) && text.chars().count() > column.end + 1 - column.start
}

/// One object of the table, with the lines its cells came from.
pub(super) struct Row {
    pub(super) first_line: LineNo,
    pub(super) last_line: LineNo,
    pub(super) cells: Vec<Cell>,
}

impl Row {
    /// Appends the cells of a `-Wrap` continuation line.
    pub(super) fn extend(&mut self, cells: Vec<Cell>, line: LineNo) {
        for (cell, more) in self.cells.iter_mut().zip(cells) {
            if more.text.is_empty() {
                continue;
            }
            if !cell.text.is_empty() {
                cell.text.push(' ');
            }
            cell.text.push_str(&more.text);
            cell.truncated |= more.truncated;
        }
        self.last_line = line;
    }

    pub(super) fn into_record(self, table: &Table) -> Record {
        let first_line = self.first_line;
        let props = table
            .kept
            .iter()
            .zip(self.cells)
            .map(|(&j, cell)| {
                let value = if cell.text.is_empty() { Value::Null } else { Value::Text(cell.text.into()) };
                let mut prop = Prop::new(table.columns[j].name.clone(), value, first_line);
                prop.truncated = cell.truncated;
                prop
            })
            .collect();
        Record { type_name: None, first_line, last_line: self.last_line, props }
    }
}
