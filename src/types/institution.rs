use super::text_enum;

text_enum! {
    /// `institutions.kind`.
    pub enum InstitutionKind ("institution kind") {
        University = "university",
        Yh = "yh",
        Other = "other",
    }
}
