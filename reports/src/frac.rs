//! Exact fractions with overflow checks, shared by the disclosure solver and the ledger of
//! published figures.

/// An exact fraction grew beyond `i128`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Overflow;

/// An exact fraction with overflow checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Frac {
    n: i128,
    d: i128,
}

impl Frac {
    pub(crate) const ZERO: Frac = Frac { n: 0, d: 1 };
    pub(crate) const ONE: Frac = Frac { n: 1, d: 1 };

    pub(crate) fn int(n: i128) -> Self {
        Frac { n, d: 1 }
    }

    pub(crate) fn is_zero(self) -> bool {
        self.n == 0
    }

    pub(crate) fn new(n: i128, d: i128) -> Result<Self, Overflow> {
        if d == 0 {
            return Err(Overflow);
        }
        let g = gcd(n, d).max(1);
        let (mut n, mut d) = (n / g, d / g);
        if d < 0 {
            n = n.checked_neg().ok_or(Overflow)?;
            d = d.checked_neg().ok_or(Overflow)?;
        }
        Ok(Frac { n, d })
    }

    pub(crate) fn add(self, o: Frac) -> Result<Self, Overflow> {
        self.cross(o, i128::checked_add)
    }

    pub(crate) fn sub(self, o: Frac) -> Result<Self, Overflow> {
        self.cross(o, i128::checked_sub)
    }

    /// `self ± o` over the common denominator, with `op` the checked `+` or `-`.
    fn cross(self, o: Frac, op: fn(i128, i128) -> Option<i128>) -> Result<Self, Overflow> {
        let n = self
            .n
            .checked_mul(o.d)
            .zip(o.n.checked_mul(self.d))
            .and_then(|(a, b)| op(a, b))
            .ok_or(Overflow)?;
        let d = self.d.checked_mul(o.d).ok_or(Overflow)?;
        Frac::new(n, d)
    }

    pub(crate) fn mul(self, o: Frac) -> Result<Self, Overflow> {
        let n = self.n.checked_mul(o.n).ok_or(Overflow)?;
        let d = self.d.checked_mul(o.d).ok_or(Overflow)?;
        Frac::new(n, d)
    }

    pub(crate) fn div(self, o: Frac) -> Result<Self, Overflow> {
        let n = self.n.checked_mul(o.d).ok_or(Overflow)?;
        let d = self.d.checked_mul(o.n).ok_or(Overflow)?;
        Frac::new(n, d)
    }

    /// Nearest integer (values of counts are integers; a fraction only arises from inconsistent
    /// published figures).
    pub(crate) fn round(self) -> i64 {
        let q = self.n.div_euclid(self.d);
        let r = self.n.rem_euclid(self.d);
        let q = if r >= self.d - r { q + 1 } else { q };
        i64::try_from(q).unwrap_or(if q < 0 { i64::MIN } else { i64::MAX })
    }
}

fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    i128::try_from(a).unwrap_or(1)
}
