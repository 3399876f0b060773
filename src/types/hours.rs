use super::text_enum;

text_enum! {
    /// `centre_hours.kind`: when the doors are staffed, or when a card opens them.
    pub enum HoursKind ("hours kind") {
        Opening = "opening",
        AccessCard = "access_card",
    }
}
