//! IP and MAC addresses and e-mail domains.

use std::net::{Ipv4Addr, Ipv6Addr};

/// Parses dotted-quad text, allowing zero-padded octets (`010.001.002.003`),
/// which `std::net` alone refuses.
pub fn parse_ipv4(value: &[u8]) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut parts = value.split(|&c| c == b'.');
    for o in &mut octets {
        let p = parts.next()?;
        if p.is_empty() || p.len() > 3 || !p.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let v = p.iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'));
        *o = u8::try_from(v).ok()?;
    }
    if parts.next().is_some() {
        return None;
    }
    Some(Ipv4Addr::from(octets))
}

/// An IPv4 address that can identify a machine: not in `0.0.0.0/8` ("this
/// network", RFC 1122 3.2.1.3: no host has such an address, while versions
/// such as `c3p0-0.9.5.2` look like one), not loopback, not a netmask or
/// broadcast (`255.x.x.x`).
pub fn ipv4_identifies_host(value: &[u8]) -> bool {
    match parse_ipv4(value) {
        Some(ip) => !(ip.octets()[0] == 0 || ip.is_loopback() || ip.octets()[0] == 255),
        None => false,
    }
}

/// Parses IPv6 text (an optional `%zone` is ignored) with `std::net`.
pub fn parse_ipv6(value: &[u8]) -> Option<Ipv6Addr> {
    let addr = match memchr::memchr(b'%', value) {
        Some(i) => &value[..i],
        None => value,
    };
    std::str::from_utf8(addr).ok()?.parse().ok()
}

/// An IPv6 address that can identify a machine: not `::` or `::1`, and not
/// an IPv4-mapped loopback.
pub fn ipv6_identifies_host(value: &[u8]) -> bool {
    match parse_ipv6(value) {
        Some(ip) => {
            if ip.is_unspecified() || ip.is_loopback() {
                return false;
            }
            match ip.to_ipv4_mapped() {
                Some(v4) => ipv4_identifies_host(v4.to_string().as_bytes()),
                None => true,
            }
        }
        None => false,
    }
}

/// A MAC address that is not all zeros and not broadcast.
pub fn mac(value: &[u8]) -> bool {
    let hex = value.iter().filter(|c| c.is_ascii_hexdigit());
    let (mut zeros, mut fs, mut n) = (0, 0, 0);
    for &c in hex {
        n += 1;
        match c {
            b'0' => zeros += 1,
            b'f' | b'F' => fs += 1,
            _ => {}
        }
    }
    n == 12 && zeros != 12 && fs != 12
}

/// ASCII-lowercases `s` into `buf`; `None` if it does not fit.
pub fn lowercase_into<'a>(s: &[u8], buf: &'a mut [u8]) -> Option<&'a [u8]> {
    let out = buf.get_mut(..s.len())?;
    for (o, &c) in out.iter_mut().zip(s) {
        *o = c.to_ascii_lowercase();
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_policy() {
        assert!(ipv4_identifies_host(b"10.1.2.3"));
        assert!(ipv4_identifies_host(b"010.001.002.003"));
        assert!(!ipv4_identifies_host(b"127.0.0.1"));
        assert!(!ipv4_identifies_host(b"0.0.0.0"));
        assert!(!ipv4_identifies_host(b"255.255.255.0"));
        assert!(!ipv4_identifies_host(b"256.1.1.1"));
        assert!(!ipv4_identifies_host(b"1.2.3"));
        assert!(!ipv4_identifies_host(b"1.2.3.4.5"));
    }

    #[test]
    fn ipv6_policy() {
        assert!(ipv6_identifies_host(b"fe80::1%eth0"));
        assert!(ipv6_identifies_host(b"2001:db8::1"));
        assert!(ipv6_identifies_host(b"::ffff:10.1.2.3"));
        assert!(!ipv6_identifies_host(b"::ffff:127.0.0.1"));
        assert!(!ipv6_identifies_host(b"::1"));
        assert!(!ipv6_identifies_host(b"0:0:0:0:0:0:0:1"));
        assert!(!ipv6_identifies_host(b"12:34:56"));
    }

    #[test]
    fn mac_policy() {
        assert!(mac(b"00:1a:2b:3c:4d:5e"));
        assert!(mac(b"001a.2b3c.4d5e"));
        assert!(!mac(b"00:00:00:00:00:00"));
        assert!(!mac(b"ff:ff:ff:ff:ff:ff"));
    }
}
