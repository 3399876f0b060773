# skrivsal: the pages' words in English. Every key here is in sv.ftl too.

## Layout
skip-to-content = Skip to content
switch-language = På svenska
sign-out = Sign out
nav-label = Main menu
nav-my-bookings = My bookings
nav-book-study = Book a study place
nav-exams = Register for an exam
nav-calendar = Calendar
nav-start = Start
back-to-start = To the start page

## Titles
title-landing = Learning centres in the region
title-start = Welcome
title-centre = Learning centre
title-my-bookings = My bookings
title-book-study = Book a study place
title-exams = Register for an exam
title-calendar = Calendar

## Errors
error-title = Something went wrong
error-not-found = The page does not exist, or you do not have access to it.
error-forbidden = You are not allowed to do this.
error-csrf = The form could not be sent because it was too old or did not come from this page. Reload the page and try again.
error-too-many = Too many attempts. Wait a while and try again.
error-bad-request = The form could not be read. Please try again.
error-conflict = That could not be done.
error-internal = Something went wrong on our side. Please try again in a while.

## Landing
landing-lead = Book study places and sit exams at your learning centre.
landing-centres = Learning centres
landing-no-centres = No learning centres yet.
sign-in = Sign in
sign-in-students = Students: sign in with a link by e-mail
sign-in-staff = Staff and institutions: sign in with a password
email = E-mail address
password = Password
send-sign-in-link = Send sign-in link
forgot-password = Forgot your password?
start-welcome = Welcome, { $name }.
start-coming = Your pages are on their way. Until then, everything is in the API.

## Centre page
centre-offers = What we offer
offer-study = Study places to book
offer-exams = Exam service for universities
offer-computers = { $count ->
    [one] One computer for exams
   *[other] { $count } computers for exams
}
offer-separate = A separate room for exams
offer-accessible = Accessible rooms
centre-rooms = Rooms
room-kind-exam_hall = exam hall
room-kind-study_area = study area
room-kind-group_room = group room
room-kind-separate_room = separate room
room-kind-video_room = video room
seats = { $count ->
    [one] 1 seat
   *[other] { $count } seats
}
computer-seats = { $count ->
    [one] 1 computer
   *[other] { $count } computers
}
accessible = accessible
centre-hours-week = Opening hours this week
day = Day
staffed = Staffed
access-card-hours = With an access card
closed-because = Closed: { $reason }
no-hours = –
centre-closures = Closed days ahead
no-closures = No closed days planned.
centre-access-card = Access card
access-card-how = With an access card you can study here when the centre is not staffed. Ask the staff or send an e-mail and we will arrange a card.
centre-contact = Contact

## My bookings
my-sittings = My exams
my-study = My study places
no-sittings = You have no upcoming exams.
no-study = You have no study places booked.
past-items = Earlier bookings
when = Time
not-placed-yet = The time is not set yet
with-extra-time = with { $percent } % extra time
where = Place
accommodations = Accommodations
acc-separate-room = Separate room
acc-computer = Computer
acc-breaks = Breaks
acc-accessible-room = Accessible room
aids = Allowed aids
no-aids = None
bring = Bring
bring-what = Valid photo ID and your booking code.
booking-code = Booking code
status = Status
status-requested = Registered, awaiting an answer
status-confirmed = Confirmed
status-rejected = Rejected
status-checked_in = Checked in
status-completed = Completed
status-no_show = Did not attend
status-cancelled = Cancelled
cancel-sitting = Cancel the exam
cancel-study = Cancel the study place

## Book a study place
centre = Learning centre
choose-centre = Choose a learning centre
date = Date
show-day = Show the day
day-at = Free places { $day }
booking-refused = The booking was refused:
full = full
free-seats = { $count ->
    [one] 1 free seat
   *[other] { $count } free seats
}
card-holders-only = access card holders only
no-open-hours = No opening hours on this day.
choose-span = Choose a time
room = Room
start-time = From
end-time = To
confirm-booking = Book

## Exams
exams-lead = Exams you can register for at your learning centres.
registration-refused = The registration was refused:
deadline = Registration deadline
register = Register
accommodations-legend = Accommodations (if you are entitled to them)
extra-time-percent = Extra writing time in per cent
breaks-minutes = Breaks in minutes
register-submit = Send registration
no-open-exams = There are no exams to register for right now.

## Calendar
calendar-lead = With a calendar subscription your exams and study places show in your own calendar.
calendar-new = Your new calendar address. It is shown only now: copy it into your calendar.
calendar-address = Calendar address
calendar-mine = My calendar addresses
calendar-created = Created { $day }
calendar-revoke = Stop sharing
calendar-none = You have no calendar address.
calendar-create = Create a calendar address

## Status messages
flash-signed-out = You are signed out.
flash-study-cancelled = The study place is cancelled.
flash-sitting-cancelled = The exam is cancelled.
flash-study-booked = The study place is booked. A confirmation with a calendar invite is on its way to your e-mail.
flash-registered = Your registration is sent. You will hear from us by e-mail.
flash-feed-revoked = The calendar address no longer works.

## Field messages
field-invalid = Check this field.
field-required = Fill in this field.
field-datetime_format = Give a time such as 13:00.
field-local_time_nonexistent = That time does not exist on that day (the clocks change).
field-local_time_ambiguous = That time occurs twice on that day (the clocks change); choose another.
field-after_start = The end must be after the start.
field-max_length = The booking is too long.
field-future = That time has already passed.
field-exists = Does not exist.
field-range = The value is outside what is allowed.
field-number = Give a whole number.
field-date = Give a date.
field-open_request = The exam is not open for registration.
field-registration_deadline = The registration deadline has passed.

## Rules the bookings can break
rule-other = A booking rule does not allow it.
rule-opening_hours = The learning centre is not open for all of that time.
rule-access_card_required = That time needs an access card, and you have none.
rule-closed_day = The learning centre is closed on that day.
rule-closed_day-detail = The learning centre is closed on { $reason }
rule-room_capacity = There is no free seat in the room for all of that time.
rule-computer_seats = There is no free computer for all of that time.
rule-separate_room = The room is needed for an exam in a separate room.
rule-exam_and_study_mixed = The room is used for exams at that time.
rule-student_double_booked = You already have a booking at that time.
rule-student_double_booked-detail = { $kind ->
    [exam] You already have an exam { $span }
   *[study] You already have a study place { $span }
}
rule-invigilator_coverage = There is no invigilator at that time.
rule-invigilator_ratio = There are too few invigilators at that time.
rule-invigilator_double_booked = The invigilator is already booked.
rule-invigilator_availability = The invigilator is not available.
rule-exam_start = The exam cannot start at that time.
rule-exam_window = The exam must lie within its time window.
rule-exam_duration = The time is too short for the exam.
rule-room_not_bookable = The room cannot be booked for this.
rule-room_inactive = The room is no longer in use.
rule-study_limit = You have reached the centre's limit for bookings.
rule-state = The booking can no longer be changed.
rule-already_registered = You are already registered for this exam.

## Student pages: a new time for a study place, the home centre
title-move-study = Change a study place's time
move-study = Change time
move-lead = You are changing the time of your study place { $when }. Choose the day, room and time. The old time is given up only once the new one is booked.
confirm-move = Move to this time
move-refused = The time could not be changed. Your booking stays as it was:
flash-study-moved = Your study place has a new time. An updated confirmation with a calendar invite is on its way to your e-mail.
home-centre = your learning centre

## auth
title-sign-in = Sign in
title-new-password = New password
title-link-spent = The link cannot be used
title-throttled = Too many attempts
signin-wrong-password = Wrong e-mail address or password.
signin-check-fields = Check the marked field and try again.
signin-link-spent = The link has already been used, is too old or is wrong. A link works once and for 15 minutes.
signin-ask-new-link = Enter your e-mail address and we will send you a new link.
signin-throttled = { $minutes ->
    [one] Too many attempts. Try again in a minute.
   *[other] Too many attempts. Try again in { $minutes } minutes.
}
signin-back = Back to sign-in
signin-send-reset = Send a link for a new password
signin-new-password = New password
signin-password-hint = At least { $count } characters.
signin-save-password = Save the password
title-use-link = Sign in with the link
title-link-sent = Check your e-mail
signin-use-link-help = Press the button to sign in. The link is valid for { $minutes } minutes and can be used once.
signin-link-sent = If the address belongs to an account, we have sent a link to it. The link is valid for { $minutes } minutes and can be used once.
signin-check-spam = If the e-mail is not in your inbox, look in the spam folder.
signin-new-password-help = Choose a new password. When you save it, you are signed out on other devices.
field-email = Enter a valid e-mail address, for example name@example.com.
field-min_length = Too short.
problem-title-malformed-request = Malformed request
problem-title-validation-failed = Invalid field values
problem-title-unauthorized = Authentication required
problem-title-forbidden = Not allowed
problem-title-csrf = Cross-site request refused
problem-title-not-found = Not found
problem-title-method-not-allowed = Method not allowed
problem-title-conflict = Conflict
problem-title-payload-too-large = Request body too large
problem-title-unsupported-media-type = Unsupported media type
problem-title-rate-limited = Too many requests
problem-title-unavailable = Service unavailable
problem-title-busy = Database busy
problem-title-internal = Internal error
problem-detail-malformed-request = The request could not be read: { $reason }
problem-detail-validation-failed = { $more ->
    [0] { $count ->
        [one] One field has an invalid value.
       *[other] { $count } fields have invalid values.
    }
   *[other] { $count } fields have invalid values; the first are listed, { $more } more are not.
}
problem-detail-unauthorized = Sign in: send `Authorization: Bearer <token>` or the session cookie.
problem-detail-forbidden = You are not allowed to do this.
problem-detail-csrf = A request made with the session cookie must send the session's X-CSRF-Token.
problem-detail-not-found = Not found, or you do not have access to it.
problem-detail-method-not-allowed = This method is not allowed on this path.
problem-detail-conflict = { $count ->
    [one] A rule prevents the change; nothing was changed.
   *[other] { $count } rules prevent the change; nothing was changed.
}
problem-detail-state = Not possible in the state the booking or exam is in now; nothing was changed.
problem-detail-payload-too-large = The request is too large (at most { $limit } bytes).
problem-detail-unsupported-media-type = Unsupported media type: { $media }. Send JSON.
problem-detail-rate-limited = Too many attempts. Try again in { $seconds } seconds.
problem-detail-unavailable = The service is not available right now. Try again in a while.
problem-detail-busy = The database is busy with other changes; nothing was changed. Try again shortly.
problem-detail-internal = An internal error occurred; it has been logged with this request's id.
field-type = The value has the wrong type.
field-unknown_field = There is no such field here.
field-control_character = Must not contain control characters.
field-duplicate = Already exists.
field-unique = Already exists.
field-date_order = The end date must be after the start date.
field-timezone = Give a time zone, for example Europe/Stockholm.
field-language = Give sv or en.
field-link = The link is used, too old or wrong.

## start
title-today = Today
title-exam-requests = Exam requests
title-centres = Learning centres
today-sittings = { $count ->
    [0] No exams today.
    [one] One exam today.
   *[other] { $count } exams today.
}
today-study = { $count ->
    [0] No study places booked.
    [one] One study place booked.
   *[other] { $count } study places booked.
}
today-pending = Exam requests to approve
today-no-pending = No requests are waiting for approval.
today-print = Today's print-outs
today-public-page = The centre's page for visitors
today-no-centres = No learning centre is linked to your account.
print-doc-schedule = Schedule
print-doc-invigilators = Invigilators
print-doc-door-signs = Door signs
print-doc-attendance = Attendance sheets
print-pdf = { $document } as PDF
request-sittings = { $count ->
    [one] 1 student
   *[other] { $count } students
}
request-status-submitted = Submitted, waiting for approval
request-status-approved = Approved
request-status-rejected = Rejected
request-status-scheduled = Scheduled
request-status-completed = Completed
request-status-cancelled = Cancelled
requests-none = No exam requests yet.
centre-inactive = not active
api-docs = API and documentation

## invigilator
nav-my-shifts = My shifts
nav-availability = Availability
title-my-shifts = My shifts
title-run-sheet = Run sheet
title-availability = Availability
calendar-lead-invigilator = With a calendar subscription your invigilation shifts show in your own calendar.
shifts-today = Today
shifts-none-today = You have no shifts today.
shifts-upcoming = Coming shifts
shifts-none-upcoming = You have no coming shifts.
shifts-past = Past shifts
shift-no-sittings = No exams in the room during the shift.
open-run-sheet = Open the run sheet
inv-exam = Exam
run-sheet-invigilators = Invigilators in the room
run-sheet-sittings = Sittings by start
back-to-shifts = Back to My shifts
mark-check-in = Check in
mark-complete = Mark completed
mark-no-show = Mark as no-show
mark-refused = The sitting could not be marked:
flash-marked-check-in = The student is checked in.
flash-marked-complete = The sitting is marked completed.
flash-marked-no-show = The sitting is marked as a no-show.
availability-lead = Say when you can invigilate: a pattern for every week and exceptions for single days, in the centre's time.
availability-refused = Your availability is not saved. Correct what is marked below.
availability-preview = Preview
availability-would-uncover = With these times you are no longer available during these shifts:
availability-no-effect = None of your shifts is affected.
availability-uncovered = Shifts outside your availability
availability-uncovered-lead = You are not available for the whole of these shifts. Please contact the centre.
availability-choose = Show
availability-weekly = Every week
availability-weekly-hint = Clear a row's times to remove it.
availability-exceptions = Exceptions
availability-exceptions-hint = Off all day: give the date only. Clear a row to remove it.
availability-kind = Kind
availability-off = Not available
availability-extra = Also available
availability-preview-button = Preview
availability-save = Save
flash-availability-saved = Your availability is saved.
inv-weekday = Weekday
inv-weekday-mon = Monday
inv-weekday-tue = Tuesday
inv-weekday-wed = Wednesday
inv-weekday-thu = Thursday
inv-weekday-fri = Friday
inv-weekday-sat = Saturday
inv-weekday-sun = Sunday
field-time = Give a time such as 13:00.
field-after_from = The end must be after the start.
field-from_and_to = Give both from and to, or neither.
field-weekday = Choose a weekday.
