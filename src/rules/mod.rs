//! The rules and their catalog.
//!
//! Each rule lives in a file of its own and is documented once, here in the catalog, under
//! fixed headings (after ruff): what it checks, why it matters, an example, the fix, whether
//! the fix is safe to run as printed, and references. `docs/rules.md` and the explanations in
//! the page are generated from the catalog.

pub mod auth_certificate_invalid;
pub mod edge_hybrid_topology;
pub mod exchange_build;
pub mod exo_connector_certificate_mismatch;
pub mod exo_root_not_trusted;
pub mod exo_send_connector;
pub mod exo_tls_capability_pinned;
mod finding;
pub mod hybrid_app_not_active;
pub mod hybrid_domain_routing;
pub mod hybrid_receive_connector_selection;
pub mod hybrid_receive_tls_inconsistent;
pub mod legacy_exo_tls_capability;
mod receiving;
pub mod symptom;
pub mod tls12_not_enabled;
pub mod tls_certificate;
pub mod tls_certificate_name;

pub use finding::Draft;

use crate::model::topology::Topology;
use crate::model::{Field, Kind, Object, View, Views};
use crate::remediation::powershell::{quote, Quoted, Refused};
use crate::remediation::{collect, Target, Unnameable};
use crate::report::{Command, Diagnostic, Finding, MissingPaste, Reference, Remediation, RuleNotRun, Severity};
use crate::source::LineNo;
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
    /// The pastes the rule reads. Each inner list is one need, met by an object of any of its
    /// kinds; the rule can judge anything only when every need is met. The report lists the rules
    /// whose needs the input does not meet (`rules_not_run`), and the collector asks for every
    /// kind named here (see `remediation::collect::PASTES`). Empty for a rule that reads only
    /// what the admin may add, such as error texts.
    pub needs: &'static [&'static [Kind]],
}

/// The need of a rule that reads the certificate names of connectors and the hybrid configuration.
const NAMERS: &[&[Kind]] = &[&[Kind::ReceiveConnector, Kind::SendConnector, Kind::HybridConfiguration]];

/// The needs of a rule that reads the certificates that connectors and the hybrid configuration name.
const NAMERS_AND_CERTIFICATES: &[&[Kind]] =
    &[&[Kind::ReceiveConnector, Kind::SendConnector, Kind::HybridConfiguration], &[Kind::ExchangeCertificate]];

/// One check and the rules it reports: most checks report one rule, but the certificate
/// checks share one lookup and report several.
pub struct Rule {
    pub docs: &'static [&'static RuleDoc],
    pub check: fn(&mut Context),
}

/// Every check, in the order findings are reported.
pub const RULES: &[Rule] = &[
    Rule {
        docs: &[&legacy_exo_tls_capability::DOC, &exo_tls_capability_pinned::DOC],
        check: legacy_exo_tls_capability::check,
    },
    Rule { docs: &[&exchange_build::DOC, &exchange_build::THROTTLED], check: exchange_build::check },
    Rule { docs: &[&hybrid_app_not_active::DOC], check: hybrid_app_not_active::check },
    Rule { docs: &[&auth_certificate_invalid::DOC], check: auth_certificate_invalid::check },
    Rule {
        docs: &[
            &tls_certificate::NOT_FOUND,
            &tls_certificate::EXPIRED,
            &tls_certificate::EXPIRING,
            &tls_certificate::NOT_SMTP,
            &tls_certificate::NO_PRIVATE_KEY,
            &tls_certificate::INVALID_STATUS,
        ],
        check: tls_certificate::check,
    },
    Rule {
        docs: &[&tls_certificate_name::SYNTAX, &tls_certificate_name::MISMATCH, &tls_certificate_name::TOO_LONG],
        check: tls_certificate_name::check,
    },
    Rule { docs: &[&exo_send_connector::DOC], check: exo_send_connector::check },
    // After `tls_certificate_name`: a connector it reports for its name is not reported again.
    Rule { docs: &[&hybrid_receive_tls_inconsistent::DOC], check: hybrid_receive_tls_inconsistent::check },
    Rule { docs: &[&hybrid_receive_connector_selection::DOC], check: hybrid_receive_connector_selection::check },
    Rule { docs: &[&tls12_not_enabled::DOC], check: tls12_not_enabled::check },
    Rule { docs: &[&exo_root_not_trusted::DOC], check: exo_root_not_trusted::check },
    Rule { docs: &[&exo_connector_certificate_mismatch::DOC], check: exo_connector_certificate_mismatch::check },
    Rule { docs: &[&hybrid_domain_routing::DOC], check: hybrid_domain_routing::check },
    Rule { docs: &[&edge_hybrid_topology::DOC], check: edge_hybrid_topology::check },
    // Last: a symptom names the findings of the other rules that explain it.
    Rule { docs: &[&symptom::DOC], check: symptom::check },
];

/// The documentation of every rule.
pub fn catalog() -> impl Iterator<Item = &'static RuleDoc> {
    RULES.iter().flat_map(|r| r.docs.iter().copied())
}

/// The rules whose needs the objects do not meet, each with the pastes that would meet them: for
/// an unmet need, the paste of its first kind (the kinds of a need are listed best first).
pub fn not_run(objects: &[Object]) -> Vec<RuleNotRun> {
    // The kinds the input shows, found in one pass: asking the objects once for every kind that
    // a rule needs made some forty passes (3.9 % of the instructions of the hostile
    // `tiny-objects`, 83,333 objects of no known kind).
    let mut shown: Vec<Kind> = Vec::new();
    for object in objects {
        if !shown.contains(&object.kind) {
            shown.push(object.kind);
        }
    }
    let present = |kind: &Kind| shown.contains(kind);
    catalog()
        .filter_map(|doc| {
            let missing: Vec<MissingPaste> = doc
                .needs
                .iter()
                .filter(|need| !need.iter().any(present))
                .filter_map(|need| need.first().and_then(|kind| collect::paste(*kind)))
                .map(MissingPaste::of)
                .collect();
            (!missing.is_empty()).then_some(RuleNotRun { rule: doc.id, missing })
        })
        .collect()
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
    /// The objects as the rules read them: a view of each object of a kind some rule reads.
    pub views: Views<'a>,
    pub options: &'a crate::Options,
    /// Servers, certificates and the hybrid configuration, read once for every rule.
    pub topology: Topology<'a>,
    pub findings: Vec<Finding>,
    /// The diagnostics in the order the rules raised them; [`run`] drops repeats at the end.
    pub diagnostics: Vec<Diagnostic>,
    pub judgements: Vec<Judgement>,
}

impl Context<'_> {
    /// Records a judgement. `Unjudged` wins: an object is checked only when every rule that
    /// looks at it could read what it needs, so a connector whose list was lost is never
    /// counted as checked because another rule could read some other property.
    pub fn judge(&mut self, object: usize, judgement: Judgement) {
        let slot = &mut self.judgements[object];
        *slot = match (*slot, judgement) {
            (Judgement::Unjudged, _) | (_, Judgement::Unjudged) => Judgement::Unjudged,
            (Judgement::Judged, _) | (_, Judgement::Judged) => Judgement::Judged,
            _ => Judgement::NotApplicable,
        };
    }
}

impl Context<'_> {
    /// Adds a finding made with [`Draft`], completed from its object: the object's kind,
    /// identity and input, and its server when the input says (a receive connector's server, an
    /// Exchange server itself).
    pub fn add(&mut self, draft: Draft) {
        let o = &self.objects[draft.object];
        let server = match self.views.get(draft.object) {
            View::ReceiveConnector(connector) => connector.server_name(),
            View::ExchangeServer(_) => o.display_identity(),
            View::FileVersionInfo(file) => file.server(),
            View::RegistryKey(values) => values.server().map(str::to_owned),
            View::RootCertificate(certificate) => certificate.server().map(str::to_owned),
            _ => None,
        };
        self.findings.push(draft.finish(o.kind.as_str(), o.display_identity(), server, o.input));
    }

    /// Adds a diagnostic about `object`'s input.
    pub fn diagnose(
        &mut self,
        code: &'static str,
        severity: Severity,
        object: usize,
        line: LineNo,
        message: String,
        hint: Hint,
    ) {
        let input = self.objects[object].input;
        self.add_diagnostic(
            Diagnostic::new(code, severity, input, Some(line), message, hint.words).with_commands(hint.commands),
        );
    }

    /// The target of commands about `object`. An identity that cannot be written safely (a hidden
    /// character, a wildcard) is also reported in an `unsafe-identity` diagnostic, whichever rule asks.
    pub fn target(&mut self, object: usize) -> Result<Target, Unnameable> {
        let o = &self.objects[object];
        let target = Target::of(o.kind, o.identity.as_ref());
        if let Err(reason @ (Unnameable::Unsafe(_) | Unnameable::Wildcard(_))) = &target {
            self.refuse(object, reason.why());
        }
        target
    }

    /// `text` as a quoted value for a command about `object`, or `None` and an `unsafe-identity`
    /// diagnostic that names `what` the value is.
    pub fn quote(&mut self, object: usize, what: &str, text: &str) -> Option<Quoted> {
        quote(text)
            .map_err(|refused| {
                self.refuse(object, format!("its {what} cannot be written safely in a command: {}", refused.reason))
            })
            .ok()
    }

    /// A server's name as a quoted value for a command about `object`, or `None` and an
    /// `unsafe-identity` diagnostic: a command names a server only by a host name as the paste
    /// shows it (letters, digits, hyphens and dots).
    pub fn quote_server(&mut self, object: usize, server: &str) -> Option<Quoted> {
        if !crate::model::topology::is_host_name(server) {
            let why = format!("the server name '{server}' is not a host name (letters, digits, hyphens and dots), so no command names it");
            self.refuse(object, why);
            return None;
        }
        self.quote(object, "server's name", server)
    }

    /// The remediation of a plan. A plan refused because a value cannot be written safely gives
    /// no command and an `unsafe-identity` diagnostic.
    pub fn settle(&mut self, object: usize, plan: Result<Remediation, Refused>) -> Remediation {
        plan.unwrap_or_else(|refused| {
            self.refuse(object, format!("a value the fix would write cannot be written safely: {}", refused.reason));
            Remediation::unavailable(format!("No command was generated because {}.", refused.reason))
        })
    }

    /// Reports that a value of `object` cannot be written safely in a command, although the fix
    /// keeps it without naming it (it filters the list on the server).
    pub fn kept_unnamed(&mut self, object: usize, what: &str, text: &str) {
        let Err(refused) = quote(text) else { return };
        let o = &self.objects[object];
        let (input, line, kind) = (o.input, o.record.first_line, o.kind);
        let message = format!(
            "The {what} of {} cannot be written safely in a command: {}. The fix reads the list from the server and keeps that entry without naming it.",
            describe(o),
            refused.reason
        );
        self.add_diagnostic(
            Diagnostic::new(
                "unsafe-identity",
                Severity::Info,
                input,
                Some(line),
                message,
                "Look at the entry in the Exchange admin center or with the command below, and remove it if nobody meant it to be there.".into(),
            )
            .with_commands(vec![collect::by_guid(kind)]),
        );
    }

    /// Reports that no command about `object` could be written safely, and what to do instead.
    fn refuse(&mut self, object: usize, why: String) {
        let o = &self.objects[object];
        let (input, line, kind) = (o.input, o.record.first_line, o.kind);
        let message = format!("No command was generated for {}: {why}.", describe(o));
        self.add_diagnostic(
            Diagnostic::new(
                "unsafe-identity",
                Severity::Warning,
                input,
                Some(line),
                message,
                "Make the change in the Exchange admin center, or select the object by its Guid, which the command below lists.".into(),
            )
            .with_commands(vec![collect::by_guid(kind)]),
        );
    }

    /// Says that a property of `object` looks redacted (see `model::redaction`): an info
    /// diagnostic, never a finding, at the property's line (`field`, when the input shows it).
    /// `full_paste_shows` says what the value as the shell printed it would let the rules tell.
    /// The caller judges the object: a rule that could not read what it needs leaves it unjudged.
    pub fn hidden_value(
        &mut self,
        object: usize,
        property: &str,
        field: Option<Field>,
        hidden: &str,
        full_paste_shows: &str,
    ) {
        let o = &self.objects[object];
        let line = field.map_or(o.record.first_line, Field::line);
        let message = format!(
            "{} of {} looks redacted ('{hidden}' stands for a hidden value): it is not judged as configuration, and no command uses it.",
            property,
            describe(o)
        );
        let hint = format!(
            "Paste the value as the shell printed it: it would show {full_paste_shows}. hybridcheck reads the paste on this computer and sends nothing anywhere."
        );
        self.diagnose("redacted-value", Severity::Info, object, line, message, Hint::new(hint, Vec::new()));
    }

    /// Adds a diagnostic; a repeat of one raised before (several connectors can lead to the
    /// same one) is dropped when the rules have run.
    pub fn add_diagnostic(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }
}

/// What a diagnostic asks the admin to do instead: words, and the commands to run, in order.
pub struct Hint {
    pub words: String,
    pub commands: Vec<Command>,
}

impl Hint {
    pub fn new(words: impl Into<String>, commands: Vec<Command>) -> Hint {
        Hint { words: words.into(), commands }
    }
}

/// How a finding names an object: `receive connector 'EX01\\Default Frontend EX01'`.
pub fn describe(object: &Object) -> String {
    let name = object.display_identity().unwrap_or_else(|| "(identity not shown)".into());
    match object.kind {
        crate::model::Kind::ReceiveConnector => format!("receive connector '{name}'"),
        crate::model::Kind::SendConnector => format!("send connector '{name}'"),
        crate::model::Kind::InboundConnector => format!("Exchange Online inbound connector '{name}'"),
        crate::model::Kind::OutboundConnector => format!("Exchange Online outbound connector '{name}'"),
        crate::model::Kind::HybridConfiguration => "the hybrid configuration".into(),
        crate::model::Kind::OnPremisesOrganization => format!("Exchange Online's on-premises organization '{name}'"),
        _ => format!("'{name}'"),
    }
}

/// The text with its first letter in upper case, to start a sentence.
pub fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

/// What the rules found: the findings in the order the rules made them, the diagnostics
/// without repeats, and whether each object could be judged.
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    pub judgements: Vec<Judgement>,
}

/// Runs every rule over the objects, each read once into its view.
pub fn run(objects: &[Object], options: &crate::Options) -> Outcome {
    let list = View::read_all(objects);
    let views = list.views();
    let mut cx = Context {
        objects,
        views,
        options,
        topology: Topology::read(views),
        findings: Vec::new(),
        diagnostics: Vec::new(),
        judgements: vec![Judgement::NotApplicable; objects.len()],
    };
    for rule in RULES {
        (rule.check)(&mut cx);
    }
    Outcome { findings: cx.findings, diagnostics: first_of_each(cx.diagnostics), judgements: cx.judgements }
}
/// The diagnostics without repeats, each where it was first raised. Sorting finds the repeats
/// in n log n; a scan of the list for each new diagnostic took seconds on thousands of servers.
fn first_of_each(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let order = crate::sort::stable_order(diagnostics.len(), &|a, b| diagnostics[a].cmp(&diagnostics[b]));
    let mut repeat = vec![false; diagnostics.len()];
    for pair in order.windows(2) {
        repeat[pair[1]] = diagnostics[pair[0]] == diagnostics[pair[1]];
    }
    diagnostics.into_iter().zip(repeat).filter(|(_, repeat)| !repeat).map(|(d, _)| d).collect()
}
