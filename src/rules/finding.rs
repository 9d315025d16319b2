//! The one way a rule makes a finding: a [`Draft`] names the rule, the object, the line that
//! proves it, the message and the remediation; evidence, another severity or other references
//! are added to it; [`Context::add`](super::Context::add) completes it from its object.

use super::RuleDoc;
use crate::model::Field;
use crate::report::{Evidence, Finding, Reference, Remediation, Severity};
use crate::source::LineNo;

/// A finding before its object completes it.
#[must_use = "a draft is reported only by Context::add"]
pub struct Draft {
    doc: &'static RuleDoc,
    severity: Severity,
    /// The index of the object in the report's objects.
    pub(super) object: usize,
    line: LineNo,
    message: String,
    evidence: Vec<Evidence>,
    references: &'static [Reference],
    remediation: Remediation,
}

impl Draft {
    /// A finding of the rule `doc` about the object at `object`, proved at `line`, with the rule's
    /// severity and references.
    pub fn new(doc: &'static RuleDoc, object: usize, line: LineNo, message: String, remediation: Remediation) -> Draft {
        Draft {
            doc,
            severity: doc.severity,
            object,
            line,
            message,
            evidence: Vec::new(),
            references: doc.references,
            remediation,
        }
    }

    /// The finding with a severity other than the rule's (a warning that is only advice yet).
    pub fn severity(mut self, severity: Severity) -> Draft {
        self.severity = severity;
        self
    }

    /// The finding with a property as evidence, as the input showed it; nothing when the input
    /// did not show the property.
    pub fn evidence(mut self, field: Option<Field>) -> Draft {
        self.evidence.extend(field.map(evidence));
        self
    }

    /// The finding with evidence that is not one property as shown (entries of a list, lines of
    /// an error text).
    pub fn evidence_items(mut self, evidence: impl IntoIterator<Item = Evidence>) -> Draft {
        self.evidence.extend(evidence);
        self
    }

    /// The finding with references of its own, from the rule's (the sources of one symptom).
    pub fn references(mut self, references: &'static [Reference]) -> Draft {
        self.references = references;
        self
    }

    /// The finding, completed with what its object says.
    pub(super) fn finish(
        self,
        kind: &'static str,
        identity: Option<String>,
        server: Option<String>,
        input: usize,
    ) -> Finding {
        Finding {
            rule: self.doc.id,
            severity: self.severity,
            kind,
            identity,
            server,
            input,
            line: self.line,
            message: self.message,
            evidence: self.evidence,
            references: self.references.to_vec(),
            remediation: self.remediation,
        }
    }
}

/// The evidence of one property, as the input showed it.
pub fn evidence(field: Field) -> Evidence {
    Evidence {
        property: field.name().to_owned(),
        value: field.shown(),
        line: field.line(),
        truncated: field.truncated(),
    }
}
