//! `symptom`: error texts in the paste, with the rules that explain them.

use super::{Context, RuleDoc};
use crate::formats::symptom::SYMPTOMS;
use crate::model::Kind;
use crate::report::{Evidence, Reference, Remediation, Severity};
use std::collections::BTreeMap;

pub static DOC: RuleDoc = RuleDoc {
    id: "symptom",
    severity: Severity::Info,
    title: "An error text of broken hybrid mail flow",
    what_it_checks: "Recognises the error texts of this family of failures anywhere in the paste (an NDR, a queue's LastError, message tracking, an event): `451 4.7.0 ... PRX5`, `454 4.7.5`, `550 5.7.1 Unable to relay`, `NoCredentials`, `UntrustedRoot`, `450 4.4.317`, event 12014, `451 5.7.3 ... STARTTLS`, and `X-MS-Exchange-Organization-AuthAs: Anonymous` (the header behind senders shown with their address). One finding per kind of text, naming the rules that find its causes and what to paste to confirm.",
    why_it_matters: "Admins usually start from a bounce or a growing queue, not from the connector. A paste of only an NDR already narrows the cause down to a few settings and says what to paste next.",
    example: "Reported error: 550 5.7.1 Unable to relay",
    fix: "Paste the output the finding names; the rules it lists then say what is wrong and print the commands.",
    fix_safety: "No command is generated: a symptom is not a cause.",
    references: &[
        Reference { name: "KB3156771", url: "https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/mails-issues-occur-after-april-15-2016" },
        Reference { name: "KB2989382", url: "https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/cannot-receive-mail-with-new-certificate" },
    ],
};

/// How many of a symptom's lines the finding shows as evidence.
const EVIDENCE_LINES: usize = 3;

pub fn check(cx: &mut Context) {
    let mut by_symptom: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, object) in cx.objects.iter().enumerate() {
        if object.kind == Kind::Symptom {
            if let Some(id) = object.text("Symptom") {
                by_symptom.entry(SYMPTOMS.iter().find(|s| s.id == id).map_or("", |s| s.id)).or_default().push(index);
            }
        }
    }
    for symptom in SYMPTOMS {
        // Several entries may share an id (one text, several ways to spot it); report it once.
        let Some(indexes) = by_symptom.remove(symptom.id) else { continue };
        let first = indexes[0];
        let first_line = cx.objects[first].record.first_line;
        // The scan keeps a few lines of each symptom as objects and counts the rest on the first
        // object of each input.
        let lines = indexes
            .iter()
            .filter_map(|&i| cx.objects[i].text("SymptomLines")?.parse::<usize>().ok())
            .sum::<usize>()
            .max(indexes.len());
        let found: Vec<&str> =
            symptom.explained_by.iter().copied().filter(|rule| cx.findings.iter().any(|f| f.rule == *rule)).collect();
        let mut message = format!("The paste shows that {}", symptom.meaning);
        if lines > 1 {
            message.push_str(&format!(" (on {lines} lines, first on line {first_line}"));
            if lines > EVIDENCE_LINES {
                message.push_str(&format!(
                    "; the evidence shows {EVIDENCE_LINES}, {} more are not shown",
                    lines - EVIDENCE_LINES
                ));
            }
            message.push(')');
        }
        message.push('.');
        if found.is_empty() {
            message.push_str(&format!(
                " The rules that find its causes ({}) found nothing in this paste: paste {} to check them.",
                symptom.explained_by.join(", "),
                symptom.paste
            ));
        } else {
            message.push_str(&format!(" This report's findings of {} explain it.", found.join(", ")));
        }
        let evidence = indexes
            .iter()
            .take(EVIDENCE_LINES)
            .map(|&i| {
                let o = &cx.objects[i];
                Evidence {
                    property: "Text".into(),
                    value: o.text("Text").unwrap_or_default().to_owned(),
                    line: o.record.first_line,
                    truncated: false,
                }
            })
            .collect();
        let remediation = Remediation::unavailable(format!(
            "No command: a symptom is not a cause. Paste {} to find the cause.",
            symptom.paste
        ));
        cx.report(&DOC, Severity::Info, first, first_line, message, evidence, remediation);
    }
}
