//! The addresses of a receive connector: the remote address ranges it accepts
//! (`RemoteIPRanges`) and the local addresses and ports it listens on (`Bindings`).
//!
//! `RemoteIPRanges` items print as a single address (`192.168.1.75`), a range
//! (`192.168.1.0-192.168.1.255`) or a CIDR block (`40.92.0.0/15`), IPv4 or IPv6, as
//! Set-ReceiveConnector takes them. `Bindings` items print as `0.0.0.0:25` or `[::]:25`.
//! Both families are kept in one number space (an IPv4 address as its 32-bit value), told apart
//! by a flag, so that a range never spans both.

use std::net::{Ipv4Addr, Ipv6Addr};

/// An address of either family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Address {
    pub v6: bool,
    pub value: u128,
}

impl Address {
    /// Parses an IPv4 or IPv6 address, with or without the brackets of a binding.
    pub fn parse(text: &str) -> Option<Address> {
        let text = text.trim().trim_start_matches('[').trim_end_matches(']');
        if let Ok(v4) = text.parse::<Ipv4Addr>() {
            return Some(Address { v6: false, value: u128::from(u32::from(v4)) });
        }
        // A zone index (`fe80::1%4`) names an interface, not another address.
        let text = text.split('%').next().unwrap_or(text);
        text.parse::<Ipv6Addr>().ok().map(|v6| Address { v6: true, value: u128::from(v6) })
    }

    /// True for `0.0.0.0` and `::`: every local address of the family.
    pub fn is_unspecified(self) -> bool {
        self.value == 0
    }

    fn bits(self) -> u32 {
        if self.v6 {
            128
        } else {
            32
        }
    }
}

/// An inclusive range of addresses of one family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpRange {
    pub start: Address,
    pub end: Address,
}

impl IpRange {
    /// Parses `a`, `a-b` or `a/n`; `None` for anything else (a cut item, a name).
    pub fn parse(text: &str) -> Option<IpRange> {
        let text = text.trim();
        if let Some((address, length)) = text.split_once('/') {
            let start = Address::parse(address)?;
            let length: u32 = length.trim().parse().ok()?;
            let bits = start.bits();
            if length > bits {
                return None;
            }
            let host = if length == bits { 0 } else { (1u128 << (bits - length)) - 1 };
            let first = start.value & !host;
            return Some(IpRange {
                start: Address { v6: start.v6, value: first },
                end: Address { v6: start.v6, value: first | host },
            });
        }
        // An IPv6 address holds no `-`, so the first `-` separates the two ends.
        if let Some((a, b)) = text.split_once('-') {
            let (start, end) = (Address::parse(a)?, Address::parse(b)?);
            return (start.v6 == end.v6 && start <= end).then_some(IpRange { start, end });
        }
        Address::parse(text).map(|a| IpRange { start: a, end: a })
    }

    pub fn v6(&self) -> bool {
        self.start.v6
    }

    pub fn contains(&self, address: Address) -> bool {
        address.v6 == self.v6() && self.start.value <= address.value && address.value <= self.end.value
    }

    /// True when every address of `other` is in this range.
    pub fn covers(&self, other: &IpRange) -> bool {
        self.contains(other.start) && self.contains(other.end)
    }

    pub fn overlaps(&self, other: &IpRange) -> bool {
        self.v6() == other.v6() && self.start.value <= other.end.value && other.start.value <= self.end.value
    }

    /// The number of addresses less one: what "more specific" compares.
    pub fn span(&self) -> u128 {
        self.end.value - self.start.value
    }
}

/// A local address and port a receive connector listens on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Binding {
    pub address: Address,
    pub port: u16,
}

impl Binding {
    /// Parses `0.0.0.0:25`, `10.0.0.5:25` or `[::]:25`.
    pub fn parse(text: &str) -> Option<Binding> {
        let (address, port) = text.trim().rsplit_once(':')?;
        let port = port.trim().parse().ok()?;
        let v6 = address.starts_with('[');
        let address = Address::parse(address).filter(|a| a.v6 == v6)?;
        Some(Binding { address, port })
    }

    /// True when the two bindings can take the same session: same port and family, and the same
    /// local address or one of them on every address.
    pub fn meets(&self, other: &Binding) -> bool {
        self.port == other.port
            && self.address.v6 == other.address.v6
            && (self.address == other.address || self.address.is_unspecified() || other.address.is_unspecified())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_form_of_a_range() {
        let block = IpRange::parse("40.92.0.0/15").expect("a CIDR block");
        assert!(block.contains(Address::parse("40.93.255.255").unwrap()));
        assert!(!block.contains(Address::parse("40.94.0.0").unwrap()));
        let all = IpRange::parse("0.0.0.0-255.255.255.255").expect("a range");
        assert!(all.covers(&block) && !block.covers(&all));
        assert!(all.span() > block.span());
        let one = IpRange::parse("192.168.1.75").expect("one address");
        assert_eq!(one.span(), 0);
        let v6 = IpRange::parse("::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff").expect("every IPv6 address");
        assert!(v6.covers(&IpRange::parse("2a01:111:f400::/48").unwrap()));
        assert!(!v6.overlaps(&block), "the families never overlap");
        for bad in ["", "40.92.0.0/33", "mail.contoso.com", "10.0.0.9-10.0.0.1", "40.92.0..."] {
            assert_eq!(IpRange::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn reads_bindings() {
        let any4 = Binding::parse("0.0.0.0:25").unwrap();
        let any6 = Binding::parse("[::]:25").unwrap();
        let one = Binding::parse("10.0.0.5:25").unwrap();
        assert!(any4.meets(&one) && one.meets(&any4));
        assert!(!any6.meets(&one), "an IPv6 binding takes no IPv4 session");
        assert!(!Binding::parse("0.0.0.0:2525").unwrap().meets(&any4));
        assert_eq!(Binding::parse("::25"), None);
    }
}
