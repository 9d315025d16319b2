//! The parsers keep only the properties listed in `model::is_read`, in records and in the objects
//! nested in their values; a rule that reads a property missing from that list would silently see
//! nothing. This test reads the model and rule sources for every property name they ask for, and
//! every field of a nested object, and checks that it is listed.

use std::path::Path;

#[test]
fn every_property_the_rules_read_is_kept() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut checked = 0;
    for dir in ["model", "rules"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let source = std::fs::read_to_string(&path).unwrap();
            for accessor in
                [".get(\"", ".text(\"", ".flag(\"", ".items(\"", "evidence(object, \"", "has(\"", ".field(\""]
            {
                for (at, _) in source.match_indices(accessor) {
                    let rest = &source[at + accessor.len()..];
                    let name = &rest[..rest.find('"').unwrap()];
                    assert!(
                        hybridcheck::model::is_read(name),
                        "{} reads {name:?}, which model::is_read does not list",
                        path.display()
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 40, "only {checked} property reads were found; did the accessors change?");
}

#[test]
fn only_the_listed_properties_are_kept_in_any_case() {
    use hybridcheck::model::is_read;
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
