// Diesel's view of migrations/*/…_domain/up.sql, the same for both backends.
// Kept by hand (generated once from the SQL); a test checks it against both databases.

diesel::table! {
    institutions (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        kind -> Text,
        email -> Text,
        start_offset_minutes -> Integer,
        min_stay_minutes -> Integer,
        late_entry_minutes -> Integer,
        registration_deadline_days -> Integer,
        answer_return -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    centres (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        municipality -> Text,
        address -> Text,
        email -> Text,
        timezone -> Text,
        language -> Text,
        invigilator_ratio -> Integer,
        closed_on_de_facto_holidays -> Bool,
        max_future_study_bookings -> Nullable<Integer>,
        max_study_hours_per_week -> Nullable<Integer>,
        exam_fee_ore -> Integer,
        fee_payment_days -> Nullable<Integer>,
        retention_days -> Integer,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        rules_version -> BigInt,
        data_version -> BigInt,
    }
}

diesel::table! {
    fee_exemptions (centre_id, municipality) {
        centre_id -> Text,
        municipality -> Text,
    }
}

diesel::table! {
    rooms (id) {
        id -> Text,
        centre_id -> Text,
        name -> Text,
        kind -> Text,
        seats -> Integer,
        computer_seats -> Integer,
        accessible -> Bool,
        bookable_exam -> Bool,
        bookable_study -> Bool,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    centre_hours (id) {
        id -> Text,
        centre_id -> Text,
        kind -> Text,
        weekday -> Integer,
        opens -> Time,
        closes -> Time,
    }
}

diesel::table! {
    closures (id) {
        id -> Text,
        centre_id -> Text,
        from_date -> Date,
        to_date -> Date,
        reason -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        name -> Text,
        role -> Text,
        institution_id -> Nullable<Text>,
        password_hash -> Nullable<Text>,
        personnummer -> Nullable<Text>,
        protected_identity -> Bool,
        language -> Text,
        municipality -> Nullable<Text>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        last_sign_in_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    user_centres (user_id, centre_id) {
        user_id -> Text,
        centre_id -> Text,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        user_id -> Text,
        name -> Text,
        token_hash -> Text,
        prefix -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        expires_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    access_cards (id) {
        id -> Text,
        centre_id -> Text,
        student_id -> Text,
        card_number -> Nullable<Text>,
        valid_from -> Date,
        valid_to -> Date,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    invigilators (id) {
        id -> Text,
        centre_id -> Text,
        user_id -> Nullable<Text>,
        name -> Text,
        email -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    invigilator_weekly (id) {
        id -> Text,
        invigilator_id -> Text,
        weekday -> Integer,
        from_time -> Time,
        to_time -> Time,
    }
}

diesel::table! {
    invigilator_exceptions (id) {
        id -> Text,
        invigilator_id -> Text,
        date -> Date,
        from_time -> Nullable<Time>,
        to_time -> Nullable<Time>,
        available -> Bool,
    }
}

diesel::table! {
    exam_requests (id) {
        id -> Text,
        institution_id -> Text,
        centre_id -> Text,
        course_code -> Text,
        course_name -> Text,
        title -> Text,
        starts_at -> Nullable<Timestamp>,
        window_start -> Nullable<Timestamp>,
        window_end -> Nullable<Timestamp>,
        duration_minutes -> Integer,
        aids -> Text,
        computer_required -> Bool,
        paper_delivery -> Text,
        answer_return -> Text,
        contact_name -> Text,
        contact_email -> Text,
        contact_phone -> Text,
        open -> Bool,
        registration_deadline -> Nullable<Date>,
        status -> Text,
        status_reason -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sittings (id) {
        id -> Text,
        exam_request_id -> Text,
        centre_id -> Text,
        student_id -> Text,
        booking_code -> Text,
        status -> Text,
        status_reason -> Nullable<Text>,
        extra_time_percent -> Integer,
        separate_room -> Bool,
        computer -> Bool,
        breaks_minutes -> Integer,
        other_accommodation -> Nullable<Text>,
        room_id -> Nullable<Text>,
        starts_at -> Nullable<Timestamp>,
        ends_at -> Nullable<Timestamp>,
        sequence -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        reminded_at -> Nullable<Timestamp>,
        accessible_room -> Bool,
    }
}

diesel::table! {
    study_bookings (id) {
        id -> Text,
        centre_id -> Text,
        room_id -> Text,
        student_id -> Text,
        booking_code -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        status -> Text,
        sequence -> Integer,
        created_at -> Timestamp,
        cancelled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    invigilator_assignments (id) {
        id -> Text,
        invigilator_id -> Text,
        room_id -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    exam_papers (id) {
        id -> Text,
        exam_request_id -> Text,
        filename -> Text,
        content_type -> Text,
        size_bytes -> Integer,
        sha256 -> Text,
        storage_key -> Text,
        readable_from -> Timestamp,
        uploaded_by -> Nullable<Text>,
        uploaded_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    exam_paper_accesses (id) {
        id -> Text,
        exam_paper_id -> Text,
        user_id -> Nullable<Text>,
        accessed_at -> Timestamp,
        ip -> Nullable<Text>,
    }
}

diesel::table! {
    answer_returns (id) {
        id -> Text,
        sitting_id -> Text,
        method -> Text,
        tracking_number -> Nullable<Text>,
        sent_at -> Timestamp,
        sent_by -> Nullable<Text>,
        received_at -> Nullable<Timestamp>,
        note -> Text,
    }
}

diesel::table! {
    incidents (id) {
        id -> Text,
        sitting_id -> Text,
        kind -> Text,
        occurred_at -> Timestamp,
        minutes -> Nullable<Integer>,
        note -> Text,
        recorded_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    fees (id) {
        id -> Text,
        sitting_id -> Nullable<Text>,
        study_booking_id -> Nullable<Text>,
        payer -> Text,
        amount_ore -> Integer,
        status -> Text,
        due_date -> Nullable<Date>,
        paid_at -> Nullable<Timestamp>,
        note -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    mail_outbox (id) {
        id -> Text,
        message_id -> Text,
        kind -> Text,
        to_address -> Text,
        to_name -> Text,
        language -> Text,
        subject -> Nullable<Text>,
        body_text -> Nullable<Text>,
        body_html -> Nullable<Text>,
        ics -> Nullable<Text>,
        related_kind -> Nullable<Text>,
        related_id -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        context -> Nullable<Text>,
        invite -> Nullable<Text>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        at -> Timestamp,
        actor_user_id -> Nullable<Text>,
        actor_label -> Text,
        action -> Text,
        target_kind -> Nullable<Text>,
        target_id -> Nullable<Text>,
        ip -> Nullable<Text>,
        detail -> Text,
    }
}
diesel::joinable!(fee_exemptions -> centres (centre_id));
diesel::joinable!(rooms -> centres (centre_id));
diesel::joinable!(centre_hours -> centres (centre_id));
diesel::joinable!(closures -> centres (centre_id));
diesel::joinable!(users -> institutions (institution_id));
diesel::joinable!(user_centres -> users (user_id));
diesel::joinable!(user_centres -> centres (centre_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(access_cards -> centres (centre_id));
diesel::joinable!(access_cards -> users (student_id));
diesel::joinable!(invigilators -> centres (centre_id));
diesel::joinable!(invigilators -> users (user_id));
diesel::joinable!(invigilator_weekly -> invigilators (invigilator_id));
diesel::joinable!(invigilator_exceptions -> invigilators (invigilator_id));
diesel::joinable!(exam_requests -> institutions (institution_id));
diesel::joinable!(exam_requests -> centres (centre_id));
diesel::joinable!(exam_requests -> users (created_by));
diesel::joinable!(sittings -> exam_requests (exam_request_id));
diesel::joinable!(sittings -> centres (centre_id));
diesel::joinable!(sittings -> users (student_id));
diesel::joinable!(sittings -> rooms (room_id));
diesel::joinable!(study_bookings -> centres (centre_id));
diesel::joinable!(study_bookings -> rooms (room_id));
diesel::joinable!(study_bookings -> users (student_id));
diesel::joinable!(invigilator_assignments -> invigilators (invigilator_id));
diesel::joinable!(invigilator_assignments -> rooms (room_id));
diesel::joinable!(exam_papers -> exam_requests (exam_request_id));
diesel::joinable!(exam_papers -> users (uploaded_by));
diesel::joinable!(exam_paper_accesses -> exam_papers (exam_paper_id));
diesel::joinable!(exam_paper_accesses -> users (user_id));
diesel::joinable!(answer_returns -> sittings (sitting_id));
diesel::joinable!(answer_returns -> users (sent_by));
diesel::joinable!(incidents -> sittings (sitting_id));
diesel::joinable!(incidents -> users (recorded_by));
diesel::joinable!(fees -> sittings (sitting_id));
diesel::joinable!(fees -> study_bookings (study_booking_id));
diesel::joinable!(audit_log -> users (actor_user_id));

diesel::allow_tables_to_appear_in_same_query!(
    institutions,
    centres,
    fee_exemptions,
    rooms,
    centre_hours,
    closures,
    users,
    user_centres,
    api_tokens,
    access_cards,
    invigilators,
    invigilator_weekly,
    invigilator_exceptions,
    exam_requests,
    sittings,
    study_bookings,
    invigilator_assignments,
    exam_papers,
    exam_paper_accesses,
    answer_returns,
    incidents,
    fees,
    mail_outbox,
    audit_log,
);

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Text,
        token_hash -> Text,
        csrf_token -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        last_seen_at -> Timestamp,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
    }
}

diesel::table! {
    login_tokens (id) {
        id -> Text,
        user_id -> Text,
        purpose -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(login_tokens -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(sessions, users, login_tokens);

diesel::table! {
    calendar_feeds (id) {
        id -> Text,
        token_hash -> Text,
        kind -> Text,
        subject_id -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(calendar_feeds -> users (created_by));
diesel::allow_tables_to_appear_in_same_query!(calendar_feeds, users);
