//! Every object of a check as the rules read it: one typed view per object of a kind some rule
//! reads, read once.

use super::{
    AcceptedDomain, AuthConfig, AuthServer, EdgeSubscription, ExchangeCertificate, ExchangeServer, Field,
    FileVersionInfo, HybridConfiguration, InboundConnector, Kind, Object, OnPremisesOrganization, OutboundConnector,
    ReceiveConnector, RegistryValues, RemoteDomain, RootCertificate, SendConnector, SettingOverride, SymptomText,
};

/// One object as the rules read it.
#[derive(Clone, Copy, Debug)]
pub enum View<'a> {
    ReceiveConnector(ReceiveConnector<'a>),
    SendConnector(SendConnector<'a>),
    HybridConfiguration(HybridConfiguration<'a>),
    ExchangeCertificate(ExchangeCertificate<'a>),
    ExchangeServer(ExchangeServer<'a>),
    FileVersionInfo(FileVersionInfo<'a>),
    AuthConfig(AuthConfig<'a>),
    AuthServer(AuthServer<'a>),
    SettingOverride(SettingOverride<'a>),
    /// The values of one registry key on one server.
    RegistryKey(RegistryValues<'a>),
    /// A certificate of a server's trusted root store.
    RootCertificate(RootCertificate<'a>),
    /// An error text, with the index of its object.
    Symptom(usize, SymptomText<'a>),
    InboundConnector(InboundConnector<'a>),
    OutboundConnector(OutboundConnector<'a>),
    /// An accepted domain of either side: the object's kind says which.
    AcceptedDomain(AcceptedDomain<'a>),
    RemoteDomain(RemoteDomain<'a>),
    EdgeSubscription(EdgeSubscription<'a>),
    OnPremisesOrganization(OnPremisesOrganization<'a>),
    /// An object no rule reads: objects of unknown kind.
    Other,
}

impl<'a> View<'a> {
    /// The view of the object at `index`.
    pub fn read(index: usize, object: &'a Object) -> View<'a> {
        if let Some(text) = SymptomText::read(object) {
            return View::Symptom(index, text);
        }
        match (object.kind, ()) {
            (Kind::ReceiveConnector, _) => View::ReceiveConnector(ReceiveConnector::read(index, object)),
            (Kind::SendConnector, _) => View::SendConnector(SendConnector::read(index, object)),
            (Kind::HybridConfiguration, _) => View::HybridConfiguration(HybridConfiguration::read(index, object)),
            (Kind::ExchangeCertificate, _) => View::ExchangeCertificate(ExchangeCertificate::read(index, object)),
            (Kind::ExchangeServer, _) => View::ExchangeServer(ExchangeServer::read(index, object)),
            (Kind::FileVersionInfo, _) => View::FileVersionInfo(FileVersionInfo::read(index, object)),
            (Kind::AuthConfig, _) => View::AuthConfig(AuthConfig::read(index, object)),
            (Kind::AuthServer, _) => View::AuthServer(AuthServer::read(index, object)),
            (Kind::SettingOverride, _) => View::SettingOverride(SettingOverride::read(index, object)),
            (Kind::RegistryKey, _) => View::RegistryKey(RegistryValues::read(index, object)),
            (Kind::RootCertificate, _) => View::RootCertificate(RootCertificate::read(index, object)),
            (Kind::InboundConnector, _) => {
                InboundConnector::read(index, object).map_or(View::Other, View::InboundConnector)
            }
            (Kind::OutboundConnector, _) => {
                OutboundConnector::read(index, object).map_or(View::Other, View::OutboundConnector)
            }
            (Kind::AcceptedDomain | Kind::OnlineAcceptedDomain, _) => {
                View::AcceptedDomain(AcceptedDomain::read(index, object))
            }
            (Kind::RemoteDomain, _) => View::RemoteDomain(RemoteDomain::read(index, object)),
            (Kind::EdgeSubscription, _) => View::EdgeSubscription(EdgeSubscription::read(index, object)),
            (Kind::OnPremisesOrganization, _) => {
                View::OnPremisesOrganization(OnPremisesOrganization::read(index, object))
            }
            _ => View::Other,
        }
    }

    /// The `TlsCertificateName` of a receive connector, a send connector or the hybrid
    /// configuration, with the object's index: `None` for other objects, and when the input does
    /// not show the property.
    pub fn tls_certificate_name(&self) -> Option<(usize, Field<'a>)> {
        match self {
            View::ReceiveConnector(connector) => Some((connector.index, connector.tls_certificate_name?)),
            View::SendConnector(connector) => Some((connector.index, connector.tls_certificate_name?)),
            View::HybridConfiguration(hybrid) => Some((hybrid.index, hybrid.tls_certificate_name?)),
            _ => None,
        }
    }

    /// The views of every object that a rule reads, in the objects' order.
    pub fn read_all(objects: &'a [Object]) -> ViewList<'a> {
        // Sized once: every object of a known kind has a view (but an Exchange Online connector
        // whose side cannot be read), and a large paste holds tens of thousands of views.
        let known = objects.iter().filter(|object| object.kind != Kind::Unknown).count();
        let mut list = ViewList { views: Vec::with_capacity(known), objects: Vec::with_capacity(known) };
        for (index, object) in objects.iter().enumerate() {
            let view = View::read(index, object);
            if !matches!(view, View::Other) {
                list.views.push(view);
                list.objects.push(index);
            }
        }
        list
    }
}

/// The views of the objects of a check that a rule reads, in the objects' order, with the index
/// of each one's object. The other objects have none: a view of each of the 83,333 objects of the
/// hostile `tiny-objects` (a cmdlet the checker does not know) held 10.7 MB for nothing.
#[derive(Debug)]
pub struct ViewList<'a> {
    views: Vec<View<'a>>,
    /// The index of the object of each view, ascending.
    objects: Vec<usize>,
}

impl<'a> ViewList<'a> {
    pub fn views(&self) -> Views<'_> {
        Views { views: &self.views, objects: &self.objects }
    }
}

/// A [`ViewList`] as the rules read it. Copied freely: a rule iterates the views while it adds
/// findings to its context.
#[derive(Clone, Copy, Debug)]
pub struct Views<'a> {
    views: &'a [View<'a>],
    objects: &'a [usize],
}

impl<'a> Views<'a> {
    /// Every view, in the objects' order.
    pub fn all(self) -> std::slice::Iter<'a, View<'a>> {
        self.views.iter()
    }

    /// The view of the object at `index`: [`View::Other`] for an object no rule reads.
    pub fn get(self, index: usize) -> &'a View<'a> {
        match self.objects.binary_search(&index) {
            Ok(at) => &self.views[at],
            Err(_) => &View::Other,
        }
    }

    pub fn receive_connectors(self) -> impl Iterator<Item = &'a ReceiveConnector<'a>> {
        self.all().filter_map(|view| match view {
            View::ReceiveConnector(connector) => Some(connector),
            _ => None,
        })
    }

    pub fn send_connectors(self) -> impl Iterator<Item = &'a SendConnector<'a>> {
        self.all().filter_map(|view| match view {
            View::SendConnector(connector) => Some(connector),
            _ => None,
        })
    }

    pub fn auth_servers(self) -> impl Iterator<Item = &'a AuthServer<'a>> {
        self.all().filter_map(|view| match view {
            View::AuthServer(server) => Some(server),
            _ => None,
        })
    }

    pub fn inbound_connectors(self) -> impl Iterator<Item = &'a InboundConnector<'a>> {
        self.all().filter_map(|view| match view {
            View::InboundConnector(connector) => Some(connector),
            _ => None,
        })
    }

    pub fn setting_overrides(self) -> impl Iterator<Item = &'a SettingOverride<'a>> {
        self.all().filter_map(|view| match view {
            View::SettingOverride(setting) => Some(setting),
            _ => None,
        })
    }

    pub fn outbound_connectors(self) -> impl Iterator<Item = &'a OutboundConnector<'a>> {
        self.all().filter_map(|view| match view {
            View::OutboundConnector(connector) => Some(connector),
            _ => None,
        })
    }

    pub fn auth_configs(self) -> impl Iterator<Item = &'a AuthConfig<'a>> {
        self.all().filter_map(|view| match view {
            View::AuthConfig(config) => Some(config),
            _ => None,
        })
    }

    /// The accepted domains of one side: `Kind::AcceptedDomain` (on premises) or
    /// `Kind::OnlineAcceptedDomain` (Exchange Online).
    pub fn accepted_domains(self, kind: Kind) -> impl Iterator<Item = &'a AcceptedDomain<'a>> {
        self.all().filter_map(move |view| match view {
            View::AcceptedDomain(domain) if domain.object.kind == kind => Some(domain),
            _ => None,
        })
    }

    pub fn remote_domains(self) -> impl Iterator<Item = &'a RemoteDomain<'a>> {
        self.all().filter_map(|view| match view {
            View::RemoteDomain(domain) => Some(domain),
            _ => None,
        })
    }

    pub fn on_premises_organizations(self) -> impl Iterator<Item = &'a OnPremisesOrganization<'a>> {
        self.all().filter_map(|view| match view {
            View::OnPremisesOrganization(organization) => Some(organization),
            _ => None,
        })
    }

    pub fn edge_subscriptions(self) -> impl Iterator<Item = &'a EdgeSubscription<'a>> {
        self.all().filter_map(|view| match view {
            View::EdgeSubscription(subscription) => Some(subscription),
            _ => None,
        })
    }

    /// The certificate at `index`, when that object is one.
    pub fn certificate(self, index: usize) -> Option<&'a ExchangeCertificate<'a>> {
        match self.get(index) {
            View::ExchangeCertificate(certificate) => Some(certificate),
            _ => None,
        }
    }
}
