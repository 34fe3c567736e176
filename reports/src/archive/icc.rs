//! The sRGB colour profile the archived brief names as its output intent.
//!
//! PDF/A lets a file use device RGB colours (Chromium prints nothing else) only when it says
//! which RGB they are: an ICC profile in its output intent. This builds a version 2 display
//! profile of sRGB (IEC 61966-2.1) from its published constants: the primaries adapted to the
//! D50 white of the profile connection space, and the sRGB transfer curve in 1,024 steps. It is
//! computed rather than copied, so no third party's profile file ships with the product.

/// The profile's description, also the output intent's condition identifier.
pub const DESCRIPTION: &str = "sRGB IEC61966-2.1";

/// The D50 white of the profile connection space (ICC.1, 6.3.4.3).
const D50: [f64; 3] = [0.9642, 1.0, 0.8249];
/// The sRGB primaries, Bradford-adapted to D50 (the columns of the RGB-to-XYZ matrix).
const RED: [f64; 3] = [0.436_074_7, 0.222_504_5, 0.013_932_2];
const GREEN: [f64; 3] = [0.385_064_9, 0.716_878_6, 0.097_104_5];
const BLUE: [f64; 3] = [0.143_080_4, 0.060_616_9, 0.714_173_3];
/// Steps of the sampled transfer curve.
const CURVE_STEPS: usize = 1024;

/// The profile's bytes: a header, a table of nine tags and their data.
pub fn srgb() -> Vec<u8> {
    let curve = curve_tag();
    // (signature, data); the three curves share one place.
    let tags: [(&[u8; 4], Vec<u8>); 6] = [
        (b"desc", description_tag(DESCRIPTION)),
        (b"cprt", text_tag("No copyright, use freely")),
        (b"wtpt", xyz_tag(D50)),
        (b"rXYZ", xyz_tag(RED)),
        (b"gXYZ", xyz_tag(GREEN)),
        (b"bXYZ", xyz_tag(BLUE)),
    ];
    let tag_count = tags.len() + 3;
    let mut table = Vec::new();
    let mut data = Vec::new();
    let data_start = 128 + 4 + 12 * tag_count;
    let mut place = |signature: &[u8; 4], bytes: &[u8], table: &mut Vec<u8>| {
        let offset = data_start + data.len();
        table.extend_from_slice(signature);
        table.extend_from_slice(&be32(offset));
        table.extend_from_slice(&be32(bytes.len()));
        data.extend_from_slice(bytes);
        while data.len() % 4 != 0 {
            data.push(0);
        }
        offset
    };
    for (signature, bytes) in &tags {
        place(signature, bytes, &mut table);
    }
    let curve_at = place(b"rTRC", &curve, &mut table);
    for signature in [b"gTRC", b"bTRC"] {
        table.extend_from_slice(signature);
        table.extend_from_slice(&be32(curve_at));
        table.extend_from_slice(&be32(curve.len()));
    }
    let size = data_start + data.len();
    let mut profile = header(size);
    profile.extend_from_slice(&be32(tag_count));
    profile.extend_from_slice(&table);
    profile.extend_from_slice(&data);
    profile
}

/// The 128-byte header (ICC.1:2001-04, 6.1): a display profile of RGB to XYZ, version 2.1.
fn header(size: usize) -> Vec<u8> {
    let mut header = Vec::with_capacity(size);
    header.extend_from_slice(&be32(size));
    header.extend_from_slice(&[0; 4]); // preferred CMM: none
    header.extend_from_slice(&[2, 0x10, 0, 0]); // version 2.1.0
    header.extend_from_slice(b"mntr");
    header.extend_from_slice(b"RGB ");
    header.extend_from_slice(b"XYZ ");
    for part in [2026u16, 12, 7, 0, 0, 0] {
        header.extend_from_slice(&part.to_be_bytes());
    }
    header.extend_from_slice(b"acsp");
    // Platform, flags, manufacturer, model, attributes (8), rendering intent: all zero.
    header.extend_from_slice(&[0; 4 + 4 + 4 + 4 + 8 + 4]);
    for value in D50 {
        header.extend_from_slice(&s15_fixed16(value));
    }
    header.extend_from_slice(&[0; 4]); // creator
    header.resize(128, 0); // profile ID (version 4 only) and reserved bytes
    header
}

fn xyz_tag(xyz: [f64; 3]) -> Vec<u8> {
    let mut tag = b"XYZ \0\0\0\0".to_vec();
    for value in xyz {
        tag.extend_from_slice(&s15_fixed16(value));
    }
    tag
}

/// The sRGB transfer function (IEC 61966-2.1), from encoded value to linear light, sampled.
fn curve_tag() -> Vec<u8> {
    let mut tag = b"curv\0\0\0\0".to_vec();
    tag.extend_from_slice(&be32(CURVE_STEPS));
    for step in 0..CURVE_STEPS {
        let encoded = step as f64 / (CURVE_STEPS - 1) as f64;
        let linear = if encoded <= 0.040_45 {
            encoded / 12.92
        } else {
            ((encoded + 0.055) / 1.055).powf(2.4)
        };
        let sample = (linear * 65535.0).round().clamp(0.0, 65535.0) as u16;
        tag.extend_from_slice(&sample.to_be_bytes());
    }
    tag
}

/// A version 2 `textDescriptionType`: the ASCII text, no Unicode or ScriptCode versions.
fn description_tag(text: &str) -> Vec<u8> {
    let mut tag = b"desc\0\0\0\0".to_vec();
    tag.extend_from_slice(&be32(text.len() + 1));
    tag.extend_from_slice(text.as_bytes());
    tag.push(0);
    tag.extend_from_slice(&[0; 4 + 4]); // Unicode language code and count
    tag.extend_from_slice(&[0; 2 + 1]); // ScriptCode code and count
    tag.extend_from_slice(&[0; 67]); // ScriptCode text
    tag
}

fn text_tag(text: &str) -> Vec<u8> {
    let mut tag = b"text\0\0\0\0".to_vec();
    tag.extend_from_slice(text.as_bytes());
    tag.push(0);
    tag
}

fn s15_fixed16(value: f64) -> [u8; 4] {
    ((value * 65536.0).round() as i32).to_be_bytes()
}

/// A length or offset as the big-endian 32 bits ICC writes (a profile is far below 4 GiB).
fn be32(value: usize) -> [u8; 4] {
    u32::try_from(value).unwrap_or(u32::MAX).to_be_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u32_at(bytes: &[u8], at: usize) -> usize {
        u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as usize
    }

    #[test]
    fn the_header_describes_an_rgb_display_profile_of_its_own_length() {
        let profile = srgb();
        assert_eq!(u32_at(&profile, 0), profile.len());
        assert_eq!(&profile[12..24], b"mntrRGB XYZ ");
        assert_eq!(&profile[36..40], b"acsp");
        assert_eq!(profile[8], 2, "version 2");
    }

    #[test]
    fn every_tag_lies_inside_the_profile_on_a_four_byte_boundary() {
        let profile = srgb();
        let count = u32_at(&profile, 128);
        assert_eq!(count, 9);
        let mut signatures = Vec::new();
        for n in 0..count {
            let entry = 132 + 12 * n;
            let (offset, size) = (u32_at(&profile, entry + 4), u32_at(&profile, entry + 8));
            assert_eq!(offset % 4, 0);
            assert!(offset + size <= profile.len());
            signatures.push(&profile[entry..entry + 4]);
            // Each tag's data starts with its type.
            let kind = &profile[offset..offset + 4];
            assert!([b"desc", b"text", b"XYZ ", b"curv"]
                .iter()
                .any(|k| kind == *k));
        }
        for required in [b"desc", b"cprt", b"wtpt", b"rXYZ", b"gTRC", b"bTRC"] {
            assert!(signatures.contains(&&required[..]), "{required:?}");
        }
    }

    #[test]
    fn the_primaries_add_up_to_the_white_point_and_the_curve_rises() {
        for axis in 0..3 {
            let sum = RED[axis] + GREEN[axis] + BLUE[axis];
            assert!((sum - D50[axis]).abs() < 1e-3, "{axis}: {sum}");
        }
        let curve = curve_tag();
        let samples: Vec<u16> = curve[12..]
            .chunks(2)
            .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
            .collect();
        assert_eq!(samples.len(), CURVE_STEPS);
        assert_eq!((samples[0], samples[CURVE_STEPS - 1]), (0, 65535));
        assert!(samples.windows(2).all(|pair| pair[0] <= pair[1]));
        // Mid grey (0.5 encoded) is about 21.4 % linear light.
        let mid = f64::from(samples[CURVE_STEPS / 2]) / 65535.0;
        assert!((mid - 0.2147).abs() < 0.002, "{mid}");
    }
}
