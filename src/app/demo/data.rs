//! The demo region as data: centres with their rooms, institutions, students.

use crate::types::{InstitutionKind, RoomKind};

pub(super) struct CentreSpec {
    pub(super) slug: &'static str,
    pub(super) name: &'static str,
    pub(super) municipality: &'static str,
    pub(super) address: &'static str,
    pub(super) email: &'static str,
    pub(super) opens: (u32, u32),
    pub(super) closes: (u32, u32),
    pub(super) rooms: &'static [RoomSpec],
    pub(super) invigilators: &'static [(&'static str, &'static str)],
}

pub(super) struct RoomSpec {
    pub(super) name: &'static str,
    pub(super) kind: RoomKind,
    pub(super) seats: i32,
    pub(super) computers: i32,
    pub(super) accessible: bool,
    pub(super) exam: bool,
    pub(super) study: bool,
}

pub(super) const fn room(
    name: &'static str,
    kind: RoomKind,
    seats: i32,
    computers: i32,
    exam: bool,
    study: bool,
) -> RoomSpec {
    RoomSpec {
        name,
        kind,
        seats,
        computers,
        accessible: true,
        exam,
        study,
    }
}

pub(super) const CENTRES: &[CentreSpec] = &[
    CentreSpec {
        slug: "sundsvall",
        name: "Lärcentrum Sundsvall",
        municipality: "Sundsvall",
        address: "Storgatan 12, 852 30 Sundsvall",
        email: "larcentrum@sundsvall.demo",
        opens: (8, 0),
        closes: (17, 0),
        rooms: &[
            room("Skrivsal A", RoomKind::ExamHall, 24, 8, true, false),
            room("Skrivsal B", RoomKind::ExamHall, 12, 12, true, false),
            room("Enskilt rum 1", RoomKind::SeparateRoom, 1, 1, true, false),
            room("Studiehallen", RoomKind::StudyArea, 30, 6, false, true),
            room("Grupprum Alnö", RoomKind::GroupRoom, 6, 0, false, true),
        ],
        invigilators: &[
            ("Karin Sjöberg", "karin.sjoberg@sundsvall.demo"),
            ("Per Olofsson", "per.olofsson@sundsvall.demo"),
            ("Maria Näslund", "maria.naslund@sundsvall.demo"),
        ],
    },
    CentreSpec {
        slug: "ostersund",
        name: "Campus Östersund Lärcentrum",
        municipality: "Östersund",
        address: "Rådhusgatan 44, 831 34 Östersund",
        email: "larcentrum@ostersund.demo",
        opens: (8, 30),
        closes: (16, 30),
        rooms: &[
            room("Tentasalen", RoomKind::ExamHall, 20, 10, true, false),
            room("Enskilt rum", RoomKind::SeparateRoom, 1, 1, true, false),
            room("Läsesalen", RoomKind::StudyArea, 16, 4, false, true),
            room("Videorummet", RoomKind::VideoRoom, 8, 1, false, true),
        ],
        invigilators: &[
            ("Anders Jonsson", "anders.jonsson@ostersund.demo"),
            ("Lena Persson", "lena.persson@ostersund.demo"),
        ],
    },
    CentreSpec {
        slug: "hudiksvall",
        name: "Lärcentrum Hudiksvall",
        municipality: "Hudiksvall",
        address: "Kyrkogatan 8, 824 30 Hudiksvall",
        email: "larcentrum@hudiksvall.demo",
        opens: (8, 0),
        closes: (16, 0),
        rooms: &[
            room("Skrivsalen", RoomKind::ExamHall, 14, 14, true, false),
            room("Lilla rummet", RoomKind::SeparateRoom, 1, 1, true, false),
            room("Studieplatser", RoomKind::StudyArea, 12, 4, false, true),
        ],
        invigilators: &[
            ("Eva Lindgren", "eva.lindgren@hudiksvall.demo"),
            ("Johan Berg", "johan.berg@hudiksvall.demo"),
        ],
    },
];

pub(super) struct InstitutionSpec {
    pub(super) slug: &'static str,
    pub(super) name: &'static str,
    pub(super) kind: InstitutionKind,
    pub(super) email: &'static str,
    pub(super) offset: i32,
    pub(super) min_stay: i32,
    pub(super) late_entry: i32,
    pub(super) deadline_days: i32,
}

pub(super) const INSTITUTIONS: &[InstitutionSpec] = &[
    InstitutionSpec {
        slug: "miun",
        name: "Mittuniversitetet",
        kind: InstitutionKind::University,
        email: "tentamen@miun.demo",
        offset: 60,
        min_stay: 60,
        late_entry: 30,
        deadline_days: 10,
    },
    InstitutionSpec {
        slug: "yh-norrland",
        name: "Yrkeshögskolan Norrland",
        kind: InstitutionKind::Yh,
        email: "examination@yh-norrland.demo",
        offset: 30,
        min_stay: 30,
        late_entry: 15,
        deadline_days: 5,
    },
];

pub(super) const STUDENTS: &[&str] = &[
    "Alva Eriksson",
    "Hugo Lindberg",
    "Elsa Nilsson",
    "William Holm",
    "Saga Bergström",
    "Oskar Lund",
    "Wilma Sandberg",
    "Liam Forsberg",
    "Astrid Wikström",
    "Noah Hedlund",
    "Ella Åberg",
    "Elias Öberg",
    "Maja Söderström",
    "Lucas Strand",
    "Alice Norberg",
    "Adam Mattsson",
    "Freja Sundqvist",
    "Leo Hägglund",
];
