//! Reading one decoded input: transcript furniture, the blocks each format parser reads, the
//! objects they hold, and the error texts outside them, with the sections the report lists.

use crate::model::{self, Kind, Object};
use crate::report::{Diagnostic, SectionReport};
use crate::source::{self, is_blank, Source};
use crate::{decoration, formats, sort, transcript};

/// What reading one input adds to: the check's objects and diagnostics, the input's sections,
/// and the budget of Export-Clixml `<Ref>` copies that every input shares.
pub(crate) struct Reading<'a> {
    /// The input's index in the report's inputs.
    pub(crate) index: usize,
    pub(crate) objects: &'a mut Vec<Object>,
    pub(crate) sections: &'a mut Vec<SectionReport>,
    pub(crate) diagnostics: &'a mut Vec<Diagnostic>,
    pub(crate) budget: &'a mut formats::clixml::RefBudget,
}

/// Parses one decoded input into objects and sections.
///
/// A paste that a copy decorated (double spacing, quote marks, indentation, Markdown; see
/// [`decoration`]) is read without the decoration, and every line number of what was read is
/// then mapped back to the input's own lines.
pub(crate) fn read_input(src: &mut Source, out: &mut Reading) {
    let Some(plain) = decoration::strip(src) else {
        read_text(src, out);
        return;
    };
    let (first_object, first_section, first_diagnostic) =
        (out.objects.len(), out.sections.len(), out.diagnostics.len());
    let mut plain_src = Source::new(plain.text.as_str());
    read_text(&mut plain_src, out);
    let Reading { objects, sections, diagnostics, .. } = out;
    let line = |n: source::LineNo| plain.input_line(n);
    for object in &mut objects[first_object..] {
        object.record.first_line = line(object.record.first_line);
        object.record.last_line = line(object.record.last_line);
        object.section_line = line(object.section_line);
        map_prop_lines(&mut object.record.props, &line);
    }
    for section in &mut sections[first_section..] {
        section.first_line = line(section.first_line);
        section.last_line = line(section.last_line);
    }
    for diagnostic in &mut diagnostics[first_diagnostic..] {
        diagnostic.line = diagnostic.line.map(line);
    }
    for n in 1..=plain_src.line_count() {
        if plain_src.is_understood(n) {
            src.mark(line(n), line(n));
        }
    }
    // Decoration lines are read; they get a section of their own unless one that holds
    // output already spans them (a bare `>` between quoted properties).
    let mut spans: Vec<(source::LineNo, source::LineNo)> =
        sections[first_section..].iter().map(|s| (s.first_line, s.last_line)).collect();
    sort::sort_by(&mut spans, Ord::cmp);
    // The last line reached by the sections up to each one, for the test below.
    let reach: Vec<source::LineNo> = spans
        .iter()
        .scan(0, |reach, s| {
            *reach = s.1.max(*reach);
            Some(*reach)
        })
        .collect();
    for &(first, last) in &plain.furniture {
        src.mark(first, last);
        let before = spans.partition_point(|s| s.0 <= first);
        if before > 0 && reach[before - 1] >= last {
            continue;
        }
        sections.push(SectionReport {
            cmdlet: None,
            cmdlet_from: None,
            format: formats::Format::Markdown,
            first_line: first,
            last_line: last,
            objects: 0,
        });
    }
    sort::sort_by_key(sections, |s| s.first_line);
}

/// Maps the lines of properties, and of the properties of object values, with `line`.
fn map_prop_lines(props: &mut [formats::Prop], line: &impl Fn(source::LineNo) -> source::LineNo) {
    for prop in props {
        prop.line = line(prop.line);
        map_value_lines(&mut prop.value, line);
    }
}

fn map_value_lines(value: &mut formats::Value, line: &impl Fn(source::LineNo) -> source::LineNo) {
    match value {
        formats::Value::Object(object) => map_prop_lines(&mut object.props, line),
        formats::Value::List(items) => items.iter_mut().for_each(|item| map_value_lines(item, line)),
        _ => {}
    }
}

/// Parses one text into objects and sections: [`read_input`] without decoration.
fn read_text(src: &mut Source, out: &mut Reading) {
    let Reading { index, objects, sections, diagnostics, budget } = out;
    let index = *index;
    let first_object = objects.len();
    let (segments, furniture) = transcript::split(src);
    add_furniture(src, furniture, sections);
    let mut labels = formats::list::Labels::default();
    // The kinds of each block's records, in room kept from block to block: Format-List makes a
    // block of every object.
    let mut kinds: Vec<Kind> = Vec::new();
    for segment in segments {
        let command_cmdlet = segment.command.as_deref().and_then(transcript::first_cmdlet).map(str::to_owned);
        let command: Option<std::rc::Rc<str>> = segment.command.as_deref().map(Into::into);
        let mut open_section: Option<usize> = None;
        // Where the segment's objects and bytes start, and where its bytes end (see `make_room`).
        let (segment_objects, segment_start) = (objects.len(), src.offset_of_line(segment.first_line));
        let segment_end = src.offset_of_line(segment.last_line + 1);
        // The lines each block understood are marked once the segment is read: the parsers
        // borrow the text meanwhile.
        let mut understood: Vec<(source::LineNo, source::LineNo)> = Vec::new();
        formats::parse_segment_with(
            src,
            segment.first_line,
            segment.last_line,
            model::is_read,
            &mut labels,
            budget,
            |block| {
                understood.extend_from_slice(&block.understood);
                diagnostics.extend(block.diagnostics.into_iter().map(|d| Diagnostic { input: index, ..d }));
                // A call recorded in a log names its command itself; otherwise the prompt above does.
                let (command, command_cmdlet, named_by) = match block.command {
                    Some(recorded) => {
                        let cmdlet = transcript::first_cmdlet(&recorded).map(str::to_owned);
                        (Some(recorded), cmdlet, "log")
                    }
                    None => (command.clone(), command_cmdlet.clone(), "command"),
                };
                record_kinds(&mut kinds, &block.records, command_cmdlet.as_deref(), command.as_deref());
                let (cmdlet, cmdlet_from) = match (command_cmdlet.as_deref(), kinds.first().and_then(|k| k.cmdlet())) {
                    (Some(c), _) => (Some(c), Some(named_by)),
                    (None, Some(c)) => (Some(c), Some("properties")),
                    (None, None) => (None, None),
                };
                let span = (block.first_line, block.last_line);
                let section = section_of_block(sections, open_section, block.format, span, cmdlet, cmdlet_from);
                open_section = Some(section);
                sections[section].last_line = block.last_line;
                sections[section].objects += block.records.len();
                let section_line = sections[section].first_line;
                let read_to = src.offset_of_line(block.last_line + 1);
                let read = (objects.len() - segment_objects + block.records.len(), read_to - segment_start);
                make_room(objects, block.records.len(), read, segment_end.saturating_sub(read_to));
                for (record, &kind) in block.records.into_iter().zip(&kinds) {
                    let mut object = Object::new(kind, index, record, block.format, section_line);
                    object.command = command.clone();
                    objects.push(object);
                }
            },
        );
        for (first, last) in understood {
            src.mark(first, last);
        }
    }
    // Accepted domains look alike on both sides; a section that shows a tenant is Exchange Online's.
    model::domain::assign_sides(&mut objects[first_object..]);
    read_symptoms(src, index, objects, sections);
    sort::sort_by_key(sections, |s| s.first_line);
}

/// Makes room for `adding` more objects. When the vector is full, it makes room as well for the
/// objects that the `left` bytes of the segment likely hold, at the rate of the `read` objects
/// and bytes of it so far: a Format-List paste makes a block of each object, and growing the
/// vector by doubling touched twice the memory the objects need (the hostile `tiny-objects`,
/// 83,333 objects of 128 bytes: 39.7 MB at the peak, 27.9 MB when the room was made once). An
/// object takes 8 bytes of input at least (`a : b` and a blank line), so a guess at most 16 bytes
/// of room a byte of input too high.
///
/// A paste that starts dense with objects and goes on with other text can make the guess far too
/// high: the room is then only reserved, never written, but in the page's wasm, whose memory is
/// at most 4 GiB, a guess for a large paste may not fit. A guess that cannot be had is dropped.
fn make_room(objects: &mut Vec<Object>, adding: usize, (objects_read, bytes_read): (usize, usize), left: usize) {
    if objects.len() + adding > objects.capacity() {
        let likely = (left as u64 * objects_read as u64 / bytes_read.max(1) as u64) as usize;
        if objects.try_reserve(adding + likely.min(left / 8)).is_err() {
            objects.reserve(adding);
        }
    }
}

/// Adds a section for every piece of transcript furniture (prompts, headers) and marks its lines read.
fn add_furniture(src: &mut Source, furniture: Vec<transcript::Furniture>, sections: &mut Vec<SectionReport>) {
    for f in furniture {
        src.mark(f.first_line, f.last_line);
        let format = if f.prompt { formats::Format::Prompt } else { formats::Format::Transcript };
        let cmdlet = f.command.as_deref().and_then(transcript::first_cmdlet).map(str::to_owned);
        let cmdlet_from = cmdlet.as_ref().map(|_| "command");
        sections.push(SectionReport {
            cmdlet,
            cmdlet_from,
            format,
            first_line: f.first_line,
            last_line: f.last_line,
            objects: 0,
        });
    }
}

/// Sets `kinds` to the kind of each record of a block: the command's cmdlet says it when there is
/// one (or what the command reads, see [`Kind::from_command`]), else the record's type name, else
/// its properties.
fn record_kinds(
    kinds: &mut Vec<Kind>,
    records: &[formats::Record],
    command_cmdlet: Option<&str>,
    command: Option<&str>,
) {
    let command_kind = command_cmdlet.and_then(Kind::from_cmdlet).or_else(|| command.and_then(Kind::from_command));
    kinds.clear();
    kinds.extend(records.iter().map(|r| {
        command_kind
            .or_else(|| r.type_name.as_deref().and_then(Kind::from_type_name))
            .unwrap_or_else(|| Kind::from_properties(r))
    }));
}

/// The index of the section a block belongs to: the open one when it is the last and has the
/// block's format and cmdlet (Format-List prints one block per object, and consecutive blocks
/// of one format and cmdlet form one section), else a new one.
fn section_of_block(
    sections: &mut Vec<SectionReport>,
    open_section: Option<usize>,
    format: formats::Format,
    (first_line, last_line): (source::LineNo, source::LineNo),
    cmdlet: Option<&str>,
    cmdlet_from: Option<&'static str>,
) -> usize {
    match open_section.filter(|&s| s + 1 == sections.len()) {
        Some(s) if sections[s].format == format && sections[s].cmdlet.as_deref() == cmdlet => s,
        _ => {
            sections.push(SectionReport {
                cmdlet: cmdlet.map(str::to_owned),
                cmdlet_from,
                format,
                first_line,
                last_line,
                objects: 0,
            });
            sections.len() - 1
        }
    }
}

/// Adds an object for every line that shows a known error text, whatever else read the line.
fn read_symptoms(src: &mut Source, index: usize, objects: &mut Vec<Object>, sections: &mut Vec<SectionReport>) {
    // Configuration is not an error the system reported: a Comment that mentions a status code
    // is no symptom, and neither is a command typed at a prompt. So only the lines outside
    // configuration objects and prompts are scanned, and of those only the runs that are not all
    // blank, which also keeps a large connector dump (thousands of objects, each after a prompt
    // or a blank line) cheap.
    let mut configuration: Vec<(source::LineNo, source::LineNo)> = objects
        .iter()
        .filter(|o| o.input == index && !matches!(o.kind, Kind::Unknown | Kind::Symptom))
        .map(|o| (o.record.first_line, o.record.last_line))
        .chain(sections.iter().filter(|s| s.format == formats::Format::Prompt).map(|s| (s.first_line, s.last_line)))
        .collect();
    sort::sort_by(&mut configuration, Ord::cmp);
    let mut outside = Vec::new();
    let mut next = 1;
    for (first, last) in configuration {
        if first > next {
            outside.push((next, first - 1));
        }
        next = next.max(last + 1);
    }
    if next <= src.line_count() {
        outside.push((next, src.line_count()));
    }
    outside
        .retain(|&(first, last)| src.lines_from(first).take((last - first + 1) as usize).any(|line| !is_blank(line)));
    let scan = formats::symptom::scan(src, &outside, |line| transcript::prompt_command(line).is_some());
    // Every line that shows a symptom is read; those no format read form sections of their own,
    // one for each run of such lines (a queue dump of one error is one section, not thousands).
    for &line in &scan.lines {
        if src.is_understood(line) {
            continue;
        }
        src.mark(line, line);
        match sections.last_mut() {
            Some(s) if s.format == formats::Format::SymptomText && s.last_line + 1 == line => s.last_line = line,
            _ => sections.push(SectionReport {
                cmdlet: None,
                cmdlet_from: None,
                format: formats::Format::SymptomText,
                first_line: line,
                last_line: line,
                objects: 0,
            }),
        }
    }
    // The lines kept of each symptom become objects, named by the symptom's id; the first of
    // each carries how many lines of this input show it, so that the finding can say how many
    // were not kept.
    let mut counted: Vec<&str> = Vec::new();
    for (line, symptom) in scan.kept {
        let text = src.line(line).trim().into();
        let lines = (!counted.contains(&symptom.id)).then(|| {
            counted.push(symptom.id);
            scan.counts.iter().find(|(id, _)| *id == symptom.id).map_or(1, |&(_, n)| n)
        });
        objects.push(Object::symptom(index, line, model::SymptomLine { symptom, text, lines }));
    }
}
