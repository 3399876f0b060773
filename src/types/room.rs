use super::text_enum;

text_enum! {
    /// `rooms.kind`.
    pub enum RoomKind ("room kind") {
        ExamHall = "exam_hall",
        StudyArea = "study_area",
        GroupRoom = "group_room",
        SeparateRoom = "separate_room",
        VideoRoom = "video_room",
    }
}
