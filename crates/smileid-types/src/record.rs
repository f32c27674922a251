//! A macro for the small free-form records of the lookup answers (company
//! information, directors, AML entries): every documented key an optional
//! lenient [`Scalar`](crate::Scalar), every other key kept.

/// Defines a record struct: each listed field an `Option<Scalar>` (read
/// leniently, `null` as `None`, omitted when `None`), plus `extra` for
/// every other key.
macro_rules! scalar_record {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$fmeta:meta])* $field:ident = $wire:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[doc = concat!("\n\nWire name: `", $wire, "`.")]
                #[serde(rename = $wire, default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<crate::Scalar>,
            )*
            /// Every other key, as received.
            #[serde(flatten)]
            pub extra: serde_json::Map<String, serde_json::Value>,
        }

        impl $name {
            $(
                #[doc = concat!("`", $wire, "` as trimmed text, `None` when absent or a placeholder (`\"N/A\"`, ...).")]
                pub fn $field(&self) -> Option<&str> {
                    crate::personal_info::known(self.$field.as_ref())
                }
            )*
        }
    };
}

pub(crate) use scalar_record;
