# skrivsal: the pages' words in Swedish. Every key here is in en.ftl too
# (a unit test in src/web/pages/i18n.rs says so).

## Layout
skip-to-content = Hoppa till innehållet
switch-language = In English
sign-out = Logga ut
nav-label = Huvudmeny
nav-my-bookings = Mina bokningar
nav-book-study = Boka studieplats
nav-exams = Anmäl dig till prov
nav-calendar = Kalender
nav-start = Start
back-to-start = Till startsidan

## Titles
title-landing = Lärcentrum i regionen
title-start = Välkommen
title-centre = Lärcentrum
title-my-bookings = Mina bokningar
title-book-study = Boka studieplats
title-exams = Anmäl dig till prov
title-calendar = Kalender

## Errors
error-title = Något gick fel
error-not-found = Sidan finns inte, eller så har du inte tillgång till den.
error-forbidden = Du har inte behörighet att göra det här.
error-csrf = Formuläret kunde inte skickas eftersom det var för gammalt eller inte kom från den här sidan. Ladda om sidan och försök igen.
error-too-many = För många försök. Vänta en stund och försök igen.
error-bad-request = Formuläret kunde inte läsas. Försök igen.
error-conflict = Det gick inte att genomföra.
error-internal = Ett fel uppstod hos oss. Försök igen om en stund.

## Landing
landing-lead = Boka studieplats och skriv prov på ditt lärcentrum.
landing-centres = Lärcentrum
landing-no-centres = Inga lärcentrum ännu.
sign-in = Logga in
sign-in-students = Studenter: logga in med en länk via e-post
sign-in-staff = Personal och lärosäten: logga in med lösenord
email = E-postadress
password = Lösenord
send-sign-in-link = Skicka inloggningslänk
forgot-password = Glömt lösenordet?
start-welcome = Välkommen, { $name }.
start-coming = Dina sidor är på väg. Till dess finns allt i API:et.

## Centre page
centre-offers = Det här erbjuder vi
offer-study = Studieplatser att boka
offer-exams = Provservice för högskolor och universitet
offer-computers = { $count ->
    [one] En dator för prov
   *[other] { $count } datorer för prov
}
offer-separate = Enskilt rum för prov
offer-accessible = Tillgängliga lokaler
centre-rooms = Lokaler
room-kind-exam_hall = provsal
room-kind-study_area = studieplatser
room-kind-group_room = grupprum
room-kind-separate_room = enskilt rum
room-kind-video_room = videorum
seats = { $count ->
    [one] 1 plats
   *[other] { $count } platser
}
computer-seats = { $count ->
    [one] 1 dator
   *[other] { $count } datorer
}
accessible = tillgängligt
centre-hours-week = Öppettider den här veckan
day = Dag
staffed = Bemannat
access-card-hours = Med passerkort
closed-because = Stängt: { $reason }
no-hours = –
centre-closures = Stängt framöver
no-closures = Inga stängda dagar planerade.
centre-access-card = Passerkort
access-card-how = Med passerkort kan du studera här även när lärcentret inte är bemannat. Fråga personalen eller skicka e-post så ordnar vi ett kort.
centre-contact = Kontakt

## My bookings
my-sittings = Mina prov
my-study = Mina studieplatser
no-sittings = Du har inga kommande prov.
no-study = Du har inga bokade studieplatser.
past-items = Tidigare bokningar
when = Tid
not-placed-yet = Tiden är inte bestämd än
with-extra-time = med { $percent } % förlängd tid
where = Plats
accommodations = Anpassningar
acc-separate-room = Enskilt rum
acc-computer = Dator
acc-breaks = Pauser
acc-accessible-room = Tillgänglig lokal
aids = Tillåtna hjälpmedel
no-aids = Inga
bring = Ta med
bring-what = Giltig legitimation och din bokningskod.
booking-code = Bokningskod
status = Status
status-requested = Anmäld, väntar på besked
status-confirmed = Bekräftad
status-rejected = Avslagen
status-checked_in = Incheckad
status-completed = Genomförd
status-no_show = Uteblev
status-cancelled = Avbokad
cancel-sitting = Avboka provet
cancel-study = Avboka studieplatsen

## Book a study place
centre = Lärcentrum
choose-centre = Välj lärcentrum
date = Datum
show-day = Visa dagen
day-at = Lediga platser { $day }
booking-refused = Bokningen gick inte igenom:
full = fullt
free-seats = { $count ->
    [one] 1 ledig plats
   *[other] { $count } lediga platser
}
card-holders-only = endast med passerkort
no-open-hours = Inga öppettider den här dagen.
choose-span = Välj tid
room = Rum
start-time = Från
end-time = Till
confirm-booking = Boka

## Exams
exams-lead = Prov som du kan anmäla dig till på dina lärcentrum.
registration-refused = Anmälan gick inte igenom:
deadline = Sista anmälningsdag
register = Anmäl dig
accommodations-legend = Anpassningar (om du har rätt till dem)
extra-time-percent = Förlängd skrivtid i procent
breaks-minutes = Pauser i minuter
register-submit = Skicka anmälan
no-open-exams = Det finns inga prov att anmäla sig till just nu.

## Calendar
calendar-lead = Med en kalenderprenumeration syns dina prov och studieplatser i din egen kalender.
calendar-new = Din nya kalenderadress. Den visas bara nu: kopiera den till din kalender.
calendar-address = Kalenderadress
calendar-mine = Mina kalenderadresser
calendar-created = Skapad { $day }
calendar-revoke = Sluta dela
calendar-none = Du har ingen kalenderadress.
calendar-create = Skapa en kalenderadress

## Status messages
flash-signed-out = Du är utloggad.
flash-study-cancelled = Studieplatsen är avbokad.
flash-sitting-cancelled = Provet är avbokat.
flash-study-booked = Studieplatsen är bokad. En bekräftelse med en kalenderinbjudan är på väg till din e-post.
flash-registered = Din anmälan är skickad. Du får besked via e-post.
flash-feed-revoked = Kalenderadressen fungerar inte längre.

## Field messages
field-invalid = Kontrollera det här fältet.
field-required = Fyll i det här fältet.
field-datetime_format = Ange en tid som 13:00.
field-local_time_nonexistent = Den tiden finns inte den dagen (klockan ställs om).
field-local_time_ambiguous = Den tiden finns två gånger den dagen (klockan ställs om); välj en annan.
field-after_start = Sluttiden måste vara efter starttiden.
field-max_length = Bokningen är för lång.
field-future = Tiden har redan passerat.
field-exists = Finns inte.
field-range = Värdet är utanför det tillåtna.
field-number = Ange ett heltal.
field-date = Ange ett datum.
field-open_request = Provet är inte öppet för anmälan.
field-registration_deadline = Sista anmälningsdag har passerat.

## Rules the bookings can break
rule-other = En regel för bokningar hindrar det.
rule-opening_hours = Lärcentret har inte öppet hela den tiden.
rule-access_card_required = Den tiden kräver passerkort, och du har inget.
rule-closed_day = Lärcentret är stängt den dagen.
rule-closed_day-detail = Lärcentret är stängt på { $reason }
rule-room_capacity = Det finns inga lediga platser i rummet hela den tiden.
rule-computer_seats = Det finns inga lediga datorer hela den tiden.
rule-separate_room = Rummet behövs för ett prov i enskilt rum.
rule-exam_and_study_mixed = Rummet används för prov den tiden.
rule-student_double_booked = Du har redan en bokning den tiden.
rule-student_double_booked-detail = { $kind ->
    [exam] Du har redan ett prov { $span }
   *[study] Du har redan en studieplats { $span }
}
rule-invigilator_coverage = Det finns ingen provvakt den tiden.
rule-invigilator_ratio = Det finns för få provvakter den tiden.
rule-invigilator_double_booked = Provvakten är redan bokad.
rule-invigilator_availability = Provvakten är inte tillgänglig.
rule-exam_start = Provet kan inte börja den tiden.
rule-exam_window = Provet måste ligga inom sitt tidsfönster.
rule-exam_duration = Tiden räcker inte för provet.
rule-room_not_bookable = Rummet går inte att boka för det här.
rule-room_inactive = Rummet används inte längre.
rule-study_limit = Du har nått lärcentrets gräns för bokningar.
rule-state = Det går inte längre att ändra bokningen.
rule-already_registered = Du är redan anmäld till provet.

## Student pages: a new time for a study place, the home centre
title-move-study = Ändra tid för studieplats
move-study = Ändra tid
move-lead = Du ändrar tiden för din studieplats { $when }. Välj dag, rum och tid. Den gamla tiden släpps först när den nya är bokad.
confirm-move = Byt till den här tiden
move-refused = Tiden gick inte att ändra. Din bokning är kvar som förut:
flash-study-moved = Studieplatsen har fått en ny tid. En uppdaterad bekräftelse med kalenderinbjudan är på väg till din e-post.
home-centre = ditt lärcentrum

## auth
title-sign-in = Logga in
title-new-password = Nytt lösenord
title-link-spent = Länken går inte att använda
title-throttled = För många försök
signin-wrong-password = Fel e-postadress eller lösenord.
signin-check-fields = Kontrollera det markerade fältet och försök igen.
signin-link-spent = Länken är redan använd, för gammal eller felaktig. En länk gäller en gång och i 15 minuter.
signin-ask-new-link = Fyll i din e-postadress så skickar vi en ny länk.
signin-throttled = { $minutes ->
    [one] För många försök. Försök igen om en minut.
   *[other] För många försök. Försök igen om { $minutes } minuter.
}
signin-back = Tillbaka till inloggningen
signin-send-reset = Skicka länk för nytt lösenord
signin-new-password = Nytt lösenord
signin-password-hint = Minst { $count } tecken.
signin-save-password = Spara lösenordet
title-use-link = Logga in med länken
title-link-sent = Kolla din e-post
signin-use-link-help = Tryck på knappen för att logga in. Länken gäller i { $minutes } minuter och kan användas en gång.
signin-link-sent = Om adressen hör till ett konto har vi skickat en länk dit. Länken gäller i { $minutes } minuter och kan användas en gång.
signin-check-spam = Hittar du inte mejlet i inkorgen, titta i skräpposten.
signin-new-password-help = Välj ett nytt lösenord. När du sparar det loggas du ut på andra enheter.
field-email = Ange en giltig e-postadress, till exempel namn@example.se.
field-min_length = För kort.
problem-title-malformed-request = Begäran kunde inte läsas
problem-title-validation-failed = Ogiltiga värden
problem-title-unauthorized = Inloggning krävs
problem-title-forbidden = Inte tillåtet
problem-title-csrf = Begäran från en annan webbplats avvisades
problem-title-not-found = Finns inte
problem-title-method-not-allowed = Metoden är inte tillåten
problem-title-conflict = Konflikt
problem-title-payload-too-large = För stor begäran
problem-title-unsupported-media-type = Formatet stöds inte
problem-title-rate-limited = För många försök
problem-title-unavailable = Tjänsten är inte tillgänglig
problem-title-busy = Databasen är upptagen
problem-title-internal = Internt fel
problem-detail-malformed-request = Begäran kunde inte läsas: { $reason }
problem-detail-validation-failed = { $more ->
    [0] { $count ->
        [one] Ett fält har ett ogiltigt värde.
       *[other] { $count } fält har ogiltiga värden.
    }
   *[other] { $count } fält har ogiltiga värden; de första visas, { $more } till visas inte.
}
problem-detail-unauthorized = Logga in: skicka `Authorization: Bearer <token>` eller sessionens cookie.
problem-detail-forbidden = Du har inte behörighet att göra det här.
problem-detail-csrf = En begäran med sessionens cookie måste skicka sessionens X-CSRF-Token.
problem-detail-not-found = Finns inte, eller så har du inte tillgång till det.
problem-detail-method-not-allowed = Metoden är inte tillåten för den här adressen.
problem-detail-conflict = { $count ->
    [one] En regel hindrar ändringen; inget har ändrats.
   *[other] { $count } regler hindrar ändringen; inget har ändrats.
}
problem-detail-state = Det går inte i det läge som bokningen eller provet är i nu; inget har ändrats.
problem-detail-payload-too-large = Begäran är för stor (högst { $limit } byte).
problem-detail-unsupported-media-type = Formatet stöds inte: { $media }. Skicka JSON.
problem-detail-rate-limited = För många försök. Försök igen om { $seconds } sekunder.
problem-detail-unavailable = Tjänsten är inte tillgänglig just nu. Försök igen om en stund.
problem-detail-busy = Databasen är upptagen med andra ändringar; inget har ändrats. Försök igen strax.
problem-detail-internal = Ett fel uppstod hos oss; det är loggat med den här begärans id.
field-type = Värdet har fel typ.
field-unknown_field = Fältet finns inte här.
field-control_character = Får inte innehålla styrtecken.
field-duplicate = Finns redan.
field-unique = Finns redan.
field-date_order = Slutdatumet måste vara efter startdatumet.
field-timezone = Ange en tidszon, till exempel Europe/Stockholm.
field-language = Ange sv eller en.
field-link = Länken är använd, för gammal eller felaktig.

## start
title-today = Idag
title-exam-requests = Provförfrågningar
title-centres = Lärcentrum
today-sittings = { $count ->
    [0] Inga prov i dag.
    [one] Ett prov i dag.
   *[other] { $count } prov i dag.
}
today-study = { $count ->
    [0] Inga bokade studieplatser.
    [one] En bokad studieplats.
   *[other] { $count } bokade studieplatser.
}
today-pending = Provförfrågningar att godkänna
today-no-pending = Inga förfrågningar väntar på godkännande.
today-print = Dagens utskrifter
today-public-page = Lärcentrets sida för besökare
today-no-centres = Inget lärcentrum är kopplat till ditt konto.
print-doc-schedule = Schema
print-doc-invigilators = Provvakter
print-doc-door-signs = Dörrskyltar
print-doc-attendance = Närvarolistor
print-pdf = { $document } som PDF
request-sittings = { $count ->
    [one] 1 student
   *[other] { $count } studenter
}
request-status-submitted = Inskickad, väntar på godkännande
request-status-approved = Godkänd
request-status-rejected = Avslagen
request-status-scheduled = Schemalagd
request-status-completed = Genomförd
request-status-cancelled = Inställd
requests-none = Inga provförfrågningar ännu.
centre-inactive = inte aktivt
api-docs = API och dokumentation

## invigilator
nav-my-shifts = Mina pass
nav-availability = Tillgänglighet
title-my-shifts = Mina pass
title-run-sheet = Körschema
title-availability = Tillgänglighet
calendar-lead-invigilator = Med en kalenderprenumeration syns dina pass som skrivvakt i din egen kalender.
shifts-today = I dag
shifts-none-today = Du har inga pass i dag.
shifts-upcoming = Kommande pass
shifts-none-upcoming = Du har inga kommande pass.
shifts-past = Tidigare pass
shift-no-sittings = Inga prov i rummet under passet.
open-run-sheet = Öppna körschemat
inv-exam = Prov
run-sheet-invigilators = Skrivvakter i rummet
run-sheet-sittings = Skrivningar i tidsordning
back-to-shifts = Tillbaka till Mina pass
mark-check-in = Checka in
mark-complete = Markera som klar
mark-no-show = Markera som utebliven
mark-refused = Det gick inte att markera skrivningen:
flash-marked-check-in = Studenten är incheckad.
flash-marked-complete = Skrivningen är markerad som genomförd.
flash-marked-no-show = Skrivningen är markerad som utebliven.
availability-lead = Ange när du kan vara skrivvakt: ett mönster för varje vecka och undantag för enskilda dagar, i lärcentrets tid.
availability-refused = Tillgängligheten är inte sparad. Rätta det som är markerat nedan.
availability-preview = Förhandsgranskning
availability-would-uncover = Med de här tiderna är du inte längre tillgänglig under de här passen:
availability-no-effect = Inga av dina pass påverkas.
availability-uncovered = Pass utanför din tillgänglighet
availability-uncovered-lead = Du är inte tillgänglig hela tiden under de här passen. Hör av dig till lärcentret.
availability-choose = Visa
availability-weekly = Varje vecka
availability-weekly-hint = Töm tiderna på en rad för att ta bort den.
availability-exceptions = Undantag
availability-exceptions-hint = Ledig hela dagen: ange bara datumet. Töm en rad för att ta bort den.
availability-kind = Typ
availability-off = Inte tillgänglig
availability-extra = Tillgänglig extra
availability-preview-button = Förhandsgranska
availability-save = Spara
flash-availability-saved = Din tillgänglighet är sparad.
inv-weekday = Veckodag
inv-weekday-mon = måndag
inv-weekday-tue = tisdag
inv-weekday-wed = onsdag
inv-weekday-thu = torsdag
inv-weekday-fri = fredag
inv-weekday-sat = lördag
inv-weekday-sun = söndag
field-time = Ange en tid som 13:00.
field-after_from = Sluttiden måste vara efter starttiden.
field-from_and_to = Ange både från och till, eller ingen av dem.
field-weekday = Välj en veckodag.
