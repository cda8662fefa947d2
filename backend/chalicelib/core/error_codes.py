"""Every `error.code` the API answers, with its status and meaning: the contract's list (core/openapi.py),
and what the site's and the console's message tables translate (one message per code, in the
reader's language). A code never changes meaning; a new case gets a new code. A test checks that
every error the backend raises names a code listed here.

`error.field` names the input a refusal is about, as the client sent it: a body field (a dotted
path: `contact.phone`), a query or path parameter (`date`, `reference`), a header (`X-Proof`,
`X-Manage-Code`, `Idempotency-Key`, `Authorization`, `Content-Length`), or `body` for the body as a
whole. It is absent only where no one input is at fault: who is asking (403), how often (429 per
connection), the method or media type (405, 415), or the server (5xx)."""

from __future__ import annotations

from typing import NamedTuple


class ErrorCode(NamedTuple):
    status: int
    meaning: str


CODES: dict[str, ErrorCode] = {
    # ---- the request itself ----
    "body_required": ErrorCode(400, "A JSON body is required."),
    "body_invalid": ErrorCode(400, "The body is not a JSON object, or nests too deep."),
    "body_too_large": ErrorCode(413, "The body is larger than the route accepts."),
    "content_length_invalid": ErrorCode(400, "Content-Length is not a number of bytes."),
    "length_required": ErrorCode(411, "A body was sent without Content-Length (chunked)."),
    "bad_request": ErrorCode(400, "A request the framework refused before any route read it."),
    "route_not_found": ErrorCode(404, "No such API route."),
    "method_not_allowed": ErrorCode(405, "The route does not take this method (see Allow)."),
    "unsupported_media_type": ErrorCode(415, "The body's Content-Type is not accepted."),
    "origin_forbidden": ErrorCode(403, "The API answers only through the portal's own address."),
    # ---- a field's value (field: where) ----
    "field_required": ErrorCode(400, "The field is missing."),
    "field_invalid": ErrorCode(400, "The field's value is not valid (wrong type or form)."),
    "field_too_long": ErrorCode(400, "The field's value is too long."),
    "field_too_short": ErrorCode(400, "The field's value is too short."),
    "field_out_of_range": ErrorCode(400, "The field's number is outside its range."),
    "field_not_allowed": ErrorCode(400, "The field's value is not one of those allowed."),
    "field_unknown": ErrorCode(400, "The body has a field the route does not take."),
    "date_invalid": ErrorCode(400, "The date is not YYYY-MM-DD."),
    "date_out_of_range": ErrorCode(400, "The date is outside the days allowed (the booking horizon, or 2000-2099)."),
    "range_invalid": ErrorCode(400, "The date range ends before it starts, or spans more than a year."),
    # ---- anonymous submissions ----
    "proof_missing": ErrorCode(400, "X-Proof is missing: solve a challenge from /api/challenge."),
    "proof_invalid": ErrorCode(400, "X-Proof is not a solved challenge issued here."),
    "proof_expired": ErrorCode(400, "The challenge expired: get a new one."),
    "proof_used": ErrorCode(400, "The challenge was already used: get a new one."),
    "idempotency_key_invalid": ErrorCode(400, "Idempotency-Key must be 8 to 128 visible ASCII characters."),
    "idempotency_key_reused": ErrorCode(422, "This Idempotency-Key was used with a different request."),
    "idempotency_answer_gone": ErrorCode(
        409, "This request was already handled, and its answer can no longer be shown. Ask the centre."
    ),
    "request_in_progress": ErrorCode(409, "The same request is being handled: try again in a moment."),
    "too_many_requests": ErrorCode(429, "Too many requests from this connection: see Retry-After."),
    # ---- centres ----
    "centre_not_found": ErrorCode(404, "No centre has this id (in the path)."),
    "centre_unknown": ErrorCode(400, "The centre named in the body or query does not exist."),
    "agency_unknown": ErrorCode(400, "No agency on the recruiters' lists has this id."),
    "agency_not_found": ErrorCode(404, "No agency on the recruiters' lists has this id."),
    "data_not_base64": ErrorCode(400, "The file must be sent as base64."),
    "attachment_not_waiting": ErrorCode(
        400, "A file named in attachments is not waiting to be attached (already attached, or expired)."
    ),
    "attachment_not_found": ErrorCode(404, "No such file on this case."),
    "attachment_deleted": ErrorCode(404, "This file was deleted at the end of the case's retention."),
    "page_not_found": ErrorCode(404, "The file has no such page."),
    "service_not_found": ErrorCode(404, "The centre does not offer this service."),
    # ---- bookings ----
    "service_not_bookable": ErrorCode(400, "This service is not booked online: contact the centre."),
    "mode_not_offered": ErrorCode(400, "The service is not offered this way (on site, phone, video)."),
    "language_not_offered": ErrorCode(400, "The centre does not work in this language."),
    "phone_invalid": ErrorCode(400, "The phone number cannot be read as one."),
    "phone_proof_invalid": ErrorCode(400, "This phone is not verified, or its proof has expired: ask for a new code."),
    "phone_code_expired": ErrorCode(400, "There is no code for this phone, or it has expired: ask for a new one."),
    "phone_code_wrong": ErrorCode(400, "This is not the code that was sent: check it and type it again."),
    "phone_required": ErrorCode(400, "By phone, the centre calls the person: the number is required."),
    "phone_limit": ErrorCode(409, "This phone number already has the most upcoming bookings allowed."),
    "slot_not_bookable": ErrorCode(400, "Not a bookable time: choose one from the slots list."),
    "slot_taken": ErrorCode(409, "The time was just taken: `next_free` lists the next free times."),
    "day_changed": ErrorCode(409, "The centre changed its hours for that day meanwhile: `next_free` lists times."),
    "day_closed": ErrorCode(409, "The centre is closed on that day."),
    "seat_limit": ErrorCode(429, "This connection holds the most places allowed at the centre: call the centre."),
    "booking_not_found": ErrorCode(404, "No booking matches this reference and manage code."),
    "manage_code_required": ErrorCode(400, "X-Manage-Code is missing."),
    "manage_code_invalid": ErrorCode(400, "X-Manage-Code cannot be a manage code (a character no code has)."),
    "manage_code_locked": ErrorCode(429, "Too many wrong manage codes for this booking: see Retry-After."),
    "booking_changed": ErrorCode(409, "The booking changed meanwhile: read it again."),
    "booking_not_movable": ErrorCode(409, "Only a confirmed booking can be moved."),
    "booking_passed": ErrorCode(409, "The appointment has passed: book a new one."),
    "booking_without_time": ErrorCode(409, "A booking without a time cannot go into a calendar."),
    "offer_not_open": ErrorCode(409, "Only a seat offered from the waiting list can be accepted."),
    "offer_expired": ErrorCode(409, "The offered seat was not accepted in time."),
    # ---- complaints and feedback ----
    "phone_consent_required": ErrorCode(400, "A phone number needs the consent to be called."),
    "receipt_not_found": ErrorCode(404, "No complaint matches this receipt number."),
    "appointment_not_found": ErrorCode(404, "No appointment has this reference."),
    "feedback_given": ErrorCode(409, "Feedback on this appointment was already given."),
    # ---- staff ----
    "sign_in_required": ErrorCode(401, "No sign-in token: sign in."),
    "sign_in_invalid": ErrorCode(401, "The sign-in token is not valid: sign in again."),
    "sign_in_expired": ErrorCode(401, "The sign-in has expired: sign in again."),
    "role_forbidden": ErrorCode(403, "The staff member's role does not allow this."),
    "centre_forbidden": ErrorCode(403, "The staff member does not work for this centre."),
    "lane_forbidden": ErrorCode(403, "The staff member's role does not open this lane."),
    "case_forbidden": ErrorCode(403, "The case belongs to another centre or lane."),
    "case_not_found": ErrorCode(404, "No such complaint."),
    "case_changed": ErrorCode(409, "Someone changed the case meanwhile."),
    "case_closed": ErrorCode(409, "The case is closed: reopen it first."),
    "status_not_allowed": ErrorCode(400, "The case cannot move from its status to this one."),
    "change_required": ErrorCode(400, "Give a priority or an assignee."),
    "already_with_centre": ErrorCode(409, "The case is already with this centre."),
    "appointment_changed": ErrorCode(409, "The appointment changed meanwhile: reload the agenda."),
    "appointment_not_started": ErrorCode(400, "Check-in before the appointment has started."),
    "hours_required": ErrorCode(400, "A special day needs its hours (or close it)."),
    "hours_on_closed_day": ErrorCode(400, "A closed day has no hours."),
    "exception_not_found": ErrorCode(404, "No exception is set for this day."),
    "bookings_affected": ErrorCode(
        409, "The change leaves out booked appointments (`booked`, `waiting`): say `bookings`: cancel or keep."
    ),
    # ---- the server ----
    "internal_error": ErrorCode(500, "Something went wrong on our side (`correlation_id` finds it in the logs)."),
    "service_unavailable": ErrorCode(503, "The service is busy or its database did not answer: see Retry-After."),
    "bad_gateway": ErrorCode(502, "The API did not answer (the local server)."),
}
