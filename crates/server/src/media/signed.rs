//! Temporary links to media content: `…/Content?Expires=…&Nonce=…&Signature=…`
//! where the signature is an HMAC-SHA256 over the media SID, the expiry and
//! a random nonce (so every fetch of the resource gives a new link), keyed
//! with a secret derived from the server's token-signing key. The link works
//! without credentials until it expires.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// Why a temporary link was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkError {
    Expired,
    Invalid,
}

fn mac(secret: &str, sid: &str, expires: i64, nonce: &str) -> Option<HmacSha256> {
    let mut m = HmacSha256::new_from_slice(secret.as_bytes()).ok()?;
    // Domain separation: this key also signs access tokens.
    m.update(b"parley-media-link-v1\n");
    m.update(sid.as_bytes());
    m.update(b"\n");
    m.update(expires.to_string().as_bytes());
    m.update(b"\n");
    m.update(nonce.as_bytes());
    Some(m)
}

/// The query string of a link to `sid` valid until `expires` (Unix seconds).
pub fn sign(secret: &str, sid: &str, expires: i64) -> String {
    let nonce = hex::encode(rand::random::<[u8; 8]>());
    let signature = mac(secret, sid, expires, &nonce)
        .map(|m| hex::encode(m.finalize().into_bytes()))
        .unwrap_or_default();
    format!("Expires={expires}&Nonce={nonce}&Signature={signature}")
}

/// Checks a link's parameters at time `now`.
pub fn verify(
    secret: &str,
    sid: &str,
    expires: &str,
    nonce: &str,
    signature: &str,
    now: i64,
) -> Result<(), LinkError> {
    let expires: i64 = expires.parse().map_err(|_| LinkError::Invalid)?;
    let given = hex::decode(signature).map_err(|_| LinkError::Invalid)?;
    let expected = mac(secret, sid, expires, nonce)
        .ok_or(LinkError::Invalid)?
        .finalize()
        .into_bytes();
    if !bool::from(expected.as_slice().ct_eq(&given)) {
        return Err(LinkError::Invalid);
    }
    if now >= expires {
        return Err(LinkError::Expired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(q: &str) -> (String, String, String) {
        let v: Vec<String> = q
            .split('&')
            .map(|kv| {
                kv.split_once('=')
                    .map(|x| x.1.to_owned())
                    .unwrap_or_default()
            })
            .collect();
        (v[0].clone(), v[1].clone(), v[2].clone())
    }

    #[test]
    fn a_link_works_until_it_expires_and_only_for_its_media() {
        let sid = "ME00000000000000000000000000000001";
        let (e, n, s) = parts(&sign("key", sid, 1_000));
        assert_eq!(verify("key", sid, &e, &n, &s, 999), Ok(()));
        assert_eq!(
            verify("key", sid, &e, &n, &s, 1_000),
            Err(LinkError::Expired)
        );
        let other = "ME00000000000000000000000000000002";
        assert_eq!(
            verify("key", other, &e, &n, &s, 999),
            Err(LinkError::Invalid)
        );
        assert_eq!(
            verify("other key", sid, &e, &n, &s, 999),
            Err(LinkError::Invalid)
        );
        assert_eq!(
            verify("key", sid, "2000", &n, &s, 999),
            Err(LinkError::Invalid),
            "expiry is signed"
        );
        assert_eq!(
            verify("key", sid, &e, &n, "zz", 999),
            Err(LinkError::Invalid)
        );
    }

    #[test]
    fn every_link_is_new() {
        let sid = "ME00000000000000000000000000000001";
        assert_ne!(sign("key", sid, 1_000), sign("key", sid, 1_000));
    }
}
