//! The rules and their catalog.
//!
//! Each rule lives in a file of its own and is documented once, here in the catalog, under
//! fixed headings (after ruff): what it checks, why it matters, an example, the fix, whether
//! the fix is safe to run as printed, and references. `docs/rules.md` and the explanations in
//! the page are generated from the catalog.

pub mod legacy_exo_tls_capability;

use crate::model::Object;
use crate::report::{Diagnostic, Finding, Reference, Severity};
use serde::Serialize;

/// The documentation of one rule.
#[derive(Debug, Serialize)]
pub struct RuleDoc {
    pub id: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    pub what_it_checks: &'static str,
    pub why_it_matters: &'static str,
    pub example: &'static str,
    pub fix: &'static str,
    pub fix_safety: &'static str,
    pub references: &'static [Reference],
}

/// One rule: its documentation and the function that applies it.
pub struct Rule {
    pub doc: &'static RuleDoc,
    pub check: fn(&mut Context),
}

/// Every rule, in the order findings are reported.
pub const RULES: &[Rule] = &[Rule { doc: &legacy_exo_tls_capability::DOC, check: legacy_exo_tls_capability::check }];

/// The documentation of every rule.
pub fn catalog() -> impl Iterator<Item = &'static RuleDoc> {
    RULES.iter().map(|r| r.doc)
}

/// Whether the rules could judge an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Judgement {
    /// No rule looks at this kind of object.
    NotApplicable,
    /// A rule read what it needed and judged the object.
    Judged,
    /// A rule needed a property the input did not show, so nothing can be said of the object.
    Unjudged,
}

/// What the rules share while they run.
pub struct Context<'a> {
    pub objects: &'a [Object],
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    pub judgements: Vec<Judgement>,
}

impl Context<'_> {
    /// Records a judgement; `Unjudged` never overrides `Judged` from another rule.
    pub fn judge(&mut self, object: usize, judgement: Judgement) {
        let slot = &mut self.judgements[object];
        *slot = match (*slot, judgement) {
            (Judgement::Judged, _) | (_, Judgement::Judged) => Judgement::Judged,
            (Judgement::Unjudged, _) | (_, Judgement::Unjudged) => Judgement::Unjudged,
            _ => Judgement::NotApplicable,
        };
    }
}

/// Runs every rule over the objects.
pub fn run(objects: &[Object]) -> Context<'_> {
    let mut cx = Context {
        objects,
        findings: Vec::new(),
        diagnostics: Vec::new(),
        judgements: vec![Judgement::NotApplicable; objects.len()],
    };
    for rule in RULES {
        (rule.check)(&mut cx);
    }
    cx
}
