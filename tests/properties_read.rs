//! The parsers keep only the properties the model reads (`model::is_read`, built from the lists
//! of the views: a debug build asserts at every read that the view lists the name it reads).

#[test]
fn only_the_listed_properties_are_kept_in_any_case() {
    use hybridcheck::internals::is_read;
    for name in ["TlsDomainCapabilities", "tlsdomaincapabilities", "TLSDOMAINCAPABILITIES", "Identity", "ID", "Fqdn"] {
        assert!(is_read(name), "{name} is read");
    }
    for name in [
        "",
        "Comment",
        "RunspaceId",
        "Banner",
        "MaxMessageSize",
        "TlsDomainCapabilitie",
        "TlsDomainCapabilitiesX",
        "Ident1ty",
    ] {
        assert!(!is_read(name), "{name} is not read");
    }
}
