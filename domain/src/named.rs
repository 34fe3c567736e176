//! One table of stored names per fieldless enum: identifiers are English, and what is stored,
//! posted and shown in addresses keeps its Dutch name, written once.

/// For an enum and its table `Variant => "name"`: `ALL` and `NAMES` in the table's order,
/// `as_str`, `from_name` (exact), and serde through the same names (an unknown name is refused
/// as serde refuses an unknown variant).
macro_rules! stored_names {
    ($ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            /// Every variant, in the order of its table of names.
            pub const ALL: [$ty; [$($name),+].len()] = [$($ty::$variant),+];
            /// The stored names, in the same order.
            pub const NAMES: [&'static str; [$($name),+].len()] = [$($name),+];

            /// The name it is stored and posted by.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name,)+
                }
            }

            /// The variant a stored name stands for, written exactly.
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($name => Some($ty::$variant),)+
                    _ => None,
                }
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let name = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(
                    deserializer,
                )?;
                Self::from_name(&name)
                    .ok_or_else(|| serde::de::Error::unknown_variant(&name, &Self::NAMES))
            }
        }
    };
}

pub(crate) use stored_names;
