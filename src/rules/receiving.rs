//! Where Exchange Online delivers on premises: the receiving servers of the hybrid configuration,
//! and on each the receive connector that takes its mail. Shared by the receive-connector rules.

use super::Context;
use crate::model::topology::server_key;
use crate::model::{ReceiveConnector, Views};
use std::collections::BTreeMap;

/// The servers Exchange Online's outbound connector delivers to.
pub struct Receiving {
    pub servers: Vec<String>,
    /// True when they are the hybrid configuration's Edge Transport servers: their connectors
    /// have no Front End Transport role.
    pub edge: bool,
}

/// The hybrid configuration's `ReceivingTransportServers`, or its `EdgeTransportServers` when
/// Edge servers carry hybrid mail; `None` when the paste shows neither.
pub fn receiving_servers(cx: &Context) -> Option<Receiving> {
    let hybrid = cx.topology.hybrid?;
    let receiving = crate::model::topology::server_names(hybrid.receiving_transport_servers);
    if !receiving.is_empty() {
        return Some(Receiving { servers: receiving, edge: false });
    }
    let edge = hybrid.edge_servers();
    (!edge.is_empty()).then_some(Receiving { servers: edge, edge: true })
}

/// The receive connectors the paste shows, by their server's key ([`server_key`]), each server's
/// in the paste's order; connectors whose server the paste does not tell are left out. Read once:
/// a paste may show thousands of servers.
pub struct ByServer<'a>(BTreeMap<String, Vec<&'a ReceiveConnector<'a>>>);

impl<'a> ByServer<'a> {
    pub fn read(views: Views<'a>) -> ByServer<'a> {
        // Filled by `entry`, not `collect`, which would add a sort of its own to the page (see `sort`).
        let mut by_server: BTreeMap<String, Vec<&'a ReceiveConnector<'a>>> = BTreeMap::new();
        for connector in views.receive_connectors() {
            if let Some(name) = connector.server_name() {
                by_server.entry(server_key(&name)).or_default().push(connector);
            }
        }
        ByServer(by_server)
    }

    /// The connectors on `server`.
    pub fn on(&self, server: &str) -> &[&'a ReceiveConnector<'a>] {
        self.0.get(&server_key(server)).map_or(&[], Vec::as_slice)
    }

    /// Every server's connectors, in the order of the servers' keys.
    pub fn groups(&self) -> impl Iterator<Item = &[&'a ReceiveConnector<'a>]> {
        self.0.values().map(Vec::as_slice)
    }
}

/// The connector that takes Exchange Online's mail among one server's connectors: enabled, in
/// the Front End Transport service (any role on an Edge server), listening on port 25 as far as
/// the paste shows; of those, the one that accepts Exchange Online's mail, else the default one
/// (`Default Frontend <server>`, on Edge `Default internal receive connector <server>`), else the
/// only one.
pub fn exo_facing<'a>(connectors: &[&'a ReceiveConnector<'a>], edge: bool) -> Option<&'a ReceiveConnector<'a>> {
    let candidates: Vec<&'a ReceiveConnector<'a>> = connectors
        .iter()
        .copied()
        .filter(|c| c.is_enabled() && (edge || c.may_be_frontend()) && c.listens_on(25) != Some(false))
        .collect();
    let default_name = if edge { "default internal receive connector" } else { "default frontend" };
    let is_default = |c: &&ReceiveConnector| {
        c.object.identity.as_ref().is_some_and(|i| {
            let name = i.text.rsplit('\\').next().unwrap_or(&i.text);
            name.to_ascii_lowercase().starts_with(default_name)
        })
    };
    candidates
        .iter()
        .find(|c| c.accepts_cloud_mail() == Some(true))
        .or_else(|| candidates.iter().find(|c| is_default(c)))
        .or_else(|| (candidates.len() == 1).then(|| &candidates[0]))
        .copied()
}
