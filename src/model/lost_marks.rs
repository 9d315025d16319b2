//! A certificate name whose `<I>` and `<S>` marks a copy dropped.
//!
//! Web forums, Q&A editors, chat and rich-text mail read `<I>` and `<S>` as HTML tags (italic and
//! strike-through) and drop them, so `<I>CN=GeoTrust TLS RSA CA G1, O=DigiCert Inc, C=US<S>CN=mail.contoso.com`
//! arrives as `CN=GeoTrust TLS RSA CA G1, O=DigiCert Inc, C=USCN=mail.contoso.com`: the issuer's
//! last value glued to the subject's first attribute. The console never prints a name so, so the
//! glue tells the copy's loss from a value that is really set without its marks.

/// The attribute types of the distinguished names that Exchange shows for certificates.
const ATTRIBUTES: [&str; 9] = ["CN", "OU", "O", "L", "S", "ST", "C", "DC", "E"];

/// The issuer and subject of `text` when it is a certificate name that lost its `<I>` and `<S>`
/// marks: it starts with an attribute (`CN=`), and exactly one attribute is glued to the value
/// before it, with no `, ` between them, where the subject starts; the subject holds `CN=`.
pub fn split(text: &str) -> Option<(&str, &str)> {
    let text = text.trim();
    let bytes = text.as_bytes();
    let mut glued: Option<usize> = None;
    let mut first = true;
    for (at, _) in text.match_indices('=') {
        // The letters right before `=`: an attribute type, after the value before it if glued.
        let run = bytes[..at].iter().rev().take_while(|b| b.is_ascii_alphabetic()).count();
        let letters = &text[at - run..at];
        let separated = at == run || matches!(bytes[at - run - 1], b' ' | b',' | b'+');
        if separated && is_attribute(letters) {
            first = false;
            continue;
        }
        if first {
            return None;
        }
        let attribute = ATTRIBUTES.iter().filter(|a| letters.len() > a.len() && ends_with_ignore_case(letters, a));
        let Some(longest) = attribute.max_by_key(|a| a.len()) else { continue };
        if glued.replace(at - longest.len()).is_some() {
            return None;
        }
    }
    let at = glued?;
    let (issuer, subject) = (text[..at].trim(), text[at..].trim());
    (!issuer.is_empty() && subject.to_ascii_uppercase().contains("CN=")).then_some((issuer, subject))
}

fn is_attribute(letters: &str) -> bool {
    ATTRIBUTES.iter().any(|a| a.eq_ignore_ascii_case(letters))
}

fn ends_with_ignore_case(text: &str, suffix: &str) -> bool {
    text.len() >= suffix.len() && text[text.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn the_glue_of_issuer_and_subject_is_found() {
        assert_eq!(
            split("CN=GeoTrust TLS RSA CA G1, OU=www.digicert.com, O=DigiCert Inc, C=USCN=mail.contoso.com"),
            Some(("CN=GeoTrust TLS RSA CA G1, OU=www.digicert.com, O=DigiCert Inc, C=US", "CN=mail.contoso.com"))
        );
        assert_eq!(
            split("CN=MSIT Machine Auth CA 2, DC=redmond, DC=corp, DC=microsoft, DC=comCN=mail.protection.outlook.com, OU=Forefront Online Protection for Exchange, O=Microsoft, L=Redmond, S=WA, C=US"),
            Some(("CN=MSIT Machine Auth CA 2, DC=redmond, DC=corp, DC=microsoft, DC=com", "CN=mail.protection.outlook.com, OU=Forefront Online Protection for Exchange, O=Microsoft, L=Redmond, S=WA, C=US"))
        );
    }

    #[test]
    fn names_without_one_glue_are_left_alone() {
        assert_eq!(split("mail.protection.outlook.com"), None);
        assert_eq!(split("CN=mail.contoso.com, O=Contoso"), None);
        assert_eq!(split("<I>CN=R11, O=Let's Encrypt, C=US<S>CN=mail.contoso.com"), None);
        assert_eq!(split("CN=A, C=USCN=b, C=USCN=c"), None);
        assert_eq!(split("mail.contoso.com=CN=x"), None);
        assert_eq!(split("CN=Issuer, C=USO=Org"), None);
    }
}
