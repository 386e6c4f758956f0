"""Running the daily huddle on the board: start it once, who is here, notes editable by their author
for a short while and corrected after, action items on their owner's worklist, the end."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.audit import AuditEvent
from app.core.roles import Role
from app.followups.models import FollowUp, FollowUpSource
from app.huddles.models import Huddle, HuddleAttendee, HuddleKind, HuddleNote
from app.huddles.operations import add_note, start_huddle
from tests.pages import text_of
from tests.referrals.builders import family


@pytest.fixture
def people(make, clinic):
    roles = (Role.CLINICIAN, Role.NURSE_MA, Role.NAVIGATOR, Role.CLINIC_ADMIN)
    return {role: make.member(clinic, role) for role in roles}


@pytest.fixture
def rivera(make, clinic):
    return family(make, clinic, "Rivera")  # Mateo, seen today


def board_text(client) -> str:
    page = client.get("/huddles/")
    assert page.status_code == 200
    return text_of(page)


def the_huddle(db_session, clinic) -> Huddle:
    return db_session.scalars(sa.select(Huddle).where(Huddle.clinic_id == clinic.id)).one()


def post(client, path: str, **data):
    page = client.post(path, data=data, follow_redirects=True)
    assert page.status_code == 200
    return text_of(page)


def switch(client, login, member):
    client.post("/sign-out")
    return login(member)


def test_starting_twice_joins_the_one_huddle(login, client, make, clinic, people, db_session):
    today = make.today.isoformat()
    page = post(login(people[Role.CLINICIAN]), "/huddles/start", day=today)
    assert "The huddle has started." in page
    assert "Running" in page
    post(switch(client, login, people[Role.NURSE_MA]), "/huddles/start", day=today)
    huddle = the_huddle(db_session, clinic)
    assert huddle.kind == HuddleKind.DAILY
    assert huddle.held_on == make.today
    attendees = db_session.scalars(
        sa.select(HuddleAttendee.user_id).where(HuddleAttendee.huddle_id == huddle.id)
    ).all()
    assert set(attendees) == {people[Role.CLINICIAN].user_id, people[Role.NURSE_MA].user_id}


def test_the_board_offers_to_start_a_huddle_until_one_runs(login, people):
    client = login(people[Role.NAVIGATOR])
    assert "No huddle has been started for this day yet." in board_text(client)


@pytest.fixture
def running(make, clinic, people):
    return start_huddle(clinic.id, day=make.today, kind=HuddleKind.DAILY,
                        user_id=people[Role.CLINICIAN].user_id)  # fmt: skip


def test_adding_an_attendee_from_the_care_team_only(login, people, running):
    client = login(people[Role.CLINICIAN])
    page = post(client, f"/huddles/{running.id}/attendees", user_id=people[Role.NAVIGATOR].user_id)
    assert "The attendee is added." in page
    assert (
        people[Role.NAVIGATOR].user.full_name in page.split("Attendees")[1].split("Team notes")[0]
    )
    refused = post(
        client, f"/huddles/{running.id}/attendees", user_id=people[Role.CLINIC_ADMIN].user_id
    )
    assert "Choose an active member of the clinic's care team." in refused
    assert people[Role.CLINIC_ADMIN].user.full_name not in refused.split("Attendees")[1]


def test_notes_about_a_child_and_for_the_team(login, people, running, rivera, db_session):
    client = login(people[Role.NURSE_MA])
    page = post(client, f"/huddles/{running.id}/notes", body="Bring the Spanish handout",
                household_id=rivera.household.id, child_id=rivera.child.id)  # fmt: skip
    assert "The note is saved." in page
    post(client, f"/huddles/{running.id}/notes", body="Short on interpreters today")
    page = board_text(client)
    assert "Team notes Short on interpreters today" in page
    row = page.split("Mateo Rivera")[1]
    assert "Notes in this huddle Bring the Spanish handout" in row
    events = db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.object_type == "huddle_notes")
    ).all()
    assert [(e.action, e.child_id) for e in events] == [
        ("create", rivera.child.id),
        ("create", None),
    ]


def test_a_note_without_words_or_about_another_clinics_family_is_refused(
    login, make, people, running, rivera, db_session
):
    client = login(people[Role.CLINICIAN])
    assert "Write the note." in post(client, f"/huddles/{running.id}/notes", body="   ")
    stranger = family(make, make.clinic(), "Brown")
    refused = post(client, f"/huddles/{running.id}/notes", body="Hello",
                   household_id=stranger.household.id, child_id=stranger.child.id)  # fmt: skip
    assert "That family is not one of the clinic's." in refused
    mixed = post(client, f"/huddles/{running.id}/notes", body="Hello",
                 household_id=rivera.household.id, child_id=stranger.child.id)  # fmt: skip
    assert "The child is not in this household." in mixed
    assert "Not a valid integer value." in post(
        client, f"/huddles/{running.id}/notes", body="Hi", household_id="x"
    )
    assert db_session.scalars(sa.select(HuddleNote)).all() == []


@pytest.fixture
def note(people, running, rivera):
    return add_note(running, author_id=people[Role.CLINICIAN].user_id, body="Ask about daycare",
                    household=rivera.household, child=rivera.child)  # fmt: skip


def test_the_author_edits_a_note_within_the_window(login, people, note, db_session):
    client = login(people[Role.CLINICIAN])
    after = board_text(client).rsplit("Ask about daycare", 1)[1]
    assert "Save the change" in after
    assert "Add a correction" not in after
    page = post(client, f"/huddles/notes/{note.id}/edit", body="Ask about daycare hours",
                version=note.version)  # fmt: skip
    assert "The note is changed." in page
    assert "Ask about daycare hours" in page
    db_session.refresh(note)
    assert note.body == "Ask about daycare hours"
    assert note.edited_at is not None


def test_after_the_window_a_note_is_read_only_and_a_correction_keeps_it(
    login, people, note, rivera, db_session
):
    note.created_at -= timedelta(minutes=16)  # the clinic's window is 15 minutes
    client = login(people[Role.CLINICIAN])
    after = board_text(client).rsplit("Ask about daycare", 1)[1]
    assert "Add a correction" in after
    assert "Save the change" not in after
    refused = post(client, f"/huddles/notes/{note.id}/edit", body="Changed", version=note.version)
    assert "This note can no longer be changed. Add a correction as a new note." in refused
    page = post(client, f"/huddles/{note.huddle_id}/notes", body="Daycare is settled",
                corrects_id=note.id)  # fmt: skip
    assert "Ask about daycare" in page
    assert "Correction Daycare is settled" in page
    correction = db_session.scalars(
        sa.select(HuddleNote).where(HuddleNote.corrects_id == note.id)
    ).one()
    assert correction.child_id == rivera.child.id
    db_session.refresh(note)
    assert note.body == "Ask about daycare"
    assert note.edited_at is None


def test_nobody_else_edits_the_authors_note(login, people, note, db_session):
    client = login(people[Role.NURSE_MA])
    assert "Save the change" not in board_text(client).rsplit("Ask about daycare", 1)[1]
    refused = post(client, f"/huddles/notes/{note.id}/edit", body="Mine now", version=note.version)
    assert "This note can no longer be changed." in refused
    db_session.refresh(note)
    assert note.body == "Ask about daycare"


def test_an_edit_from_a_stale_page_is_refused(login, people, note, db_session):
    client = login(people[Role.CLINICIAN])
    first_version = note.version
    post(client, f"/huddles/notes/{note.id}/edit", body="Second thoughts", version=first_version)
    stale = post(client, f"/huddles/notes/{note.id}/edit", body="Third thoughts",
                 version=first_version)  # fmt: skip
    assert "Someone changed this note while you were editing it. Reload the page." in stale
    db_session.refresh(note)
    assert note.body == "Second thoughts"


def test_an_action_item_lands_on_its_owners_worklist(
    login, client, make, people, running, rivera, db_session
):
    page = post(login(people[Role.CLINICIAN]), f"/huddles/{running.id}/action-items",
                title="Call the food pantry with the family", assignee_id=people[Role.NAVIGATOR].user_id,
                due_on=make.today.isoformat(), household_id=rivera.household.id,
                child_id=rivera.child.id)  # fmt: skip
    assert "The action item is on its owner's worklist." in page
    item = db_session.scalars(sa.select(FollowUp)).one()
    assert (item.source, item.huddle_id) == (FollowUpSource.HUDDLE, running.id)
    worklist = text_of(switch(client, login, people[Role.NAVIGATOR]).get("/followups/"))
    due_today = worklist.split("Due today")[1].split("Overdue")[0]
    assert "Call the food pantry with the family" in due_today
    assert "Mateo" in due_today


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "", "due_on": "2026-01-01"}, "Say what needs doing."),
        ({"title": "Call", "due_on": "soon"}, "Not a valid date value."),
        ({"title": "Call", "due_on": "2026-01-01", "household_id": ""},
         "Choose the family the action item is about."),
        ({"title": "Call", "due_on": "2026-01-01", "assignee_id": "admin"},
         "Choose an active member of the clinic's care team."),
    ],
)  # fmt: skip
def test_a_bad_action_item_is_refused_with_a_reason(
    login, people, running, rivera, db_session, fields, message
):
    data = {"assignee_id": people[Role.NAVIGATOR].user_id, "household_id": rivera.household.id,
            **fields}  # fmt: skip
    if data["assignee_id"] == "admin":
        data["assignee_id"] = people[Role.CLINIC_ADMIN].user_id
    assert message in post(
        login(people[Role.CLINICIAN]), f"/huddles/{running.id}/action-items", **data
    )
    assert db_session.scalars(sa.select(FollowUp)).all() == []


def test_ending_the_huddle_leaves_its_notes_to_read(login, people, note, running):
    client = login(people[Role.NAVIGATOR])
    page = post(client, f"/huddles/{running.id}/end")
    assert "The huddle has ended." in page
    assert "Ended" in page
    assert "Ask about daycare" in page
    assert "End the huddle" not in page
    assert "Add the note" not in page
    assert "This huddle has already ended." in post(client, f"/huddles/{running.id}/end")


def test_another_clinics_huddle_and_notes_do_not_exist(login, make, people, running, note):
    other = make.clinic()
    theirs = start_huddle(other.id, day=make.today, kind=HuddleKind.DAILY,
                          user_id=make.member(other, Role.CLINICIAN).user_id)  # fmt: skip
    their_note = add_note(theirs, author_id=theirs.started_by_id, body="Theirs")
    client = login(people[Role.CLINICIAN])
    for path in ("attendees", "notes", "action-items", "end"):
        assert client.post(f"/huddles/{theirs.id}/{path}", data={"body": "x"}).status_code == 404
    edit = client.post(f"/huddles/notes/{their_note.id}/edit", data={"body": "x"})
    assert edit.status_code == 404
    correction = post(client, f"/huddles/{running.id}/notes", body="x", corrects_id=their_note.id)
    assert "The note to correct was not found." in correction


def test_an_ended_huddle_takes_no_new_note_or_action_item_but_takes_a_correction(
    login, make, clinic, people, rivera, db_session
):
    author = people[Role.NURSE_MA]
    huddle = start_huddle(clinic.id, day=make.today, kind=HuddleKind.DAILY, user_id=author.user_id)
    note = add_note(huddle, author_id=author.user_id, body="Ask about sleep",
                    household=rivera.household, child=rivera.child)  # fmt: skip
    client = login(author)
    client.post(f"/huddles/{huddle.id}/end")

    refused = post(client, f"/huddles/{huddle.id}/notes", body="Late note",
                   household_id=rivera.household.id, child_id=rivera.child.id)  # fmt: skip
    post(client, f"/huddles/{huddle.id}/action-items", title="Call", assignee_id=author.user_id,
         due_on=make.today.isoformat(), household_id=rivera.household.id)  # fmt: skip
    post(client, f"/huddles/{huddle.id}/notes", body="Correction: ask about naps",
         household_id=rivera.household.id, child_id=rivera.child.id, corrects_id=note.id)  # fmt: skip

    assert "This huddle has already ended." in refused
    bodies = db_session.scalars(sa.select(HuddleNote.body).order_by(HuddleNote.id)).all()
    assert bodies == ["Ask about sleep", "Correction: ask about naps"]
    assert db_session.scalar(sa.select(sa.func.count(FollowUp.id))) == 0


def test_a_note_edit_without_its_version_is_refused(
    login, make, clinic, people, rivera, db_session
):
    author = people[Role.NURSE_MA]
    huddle = start_huddle(clinic.id, day=make.today, kind=HuddleKind.DAILY, user_id=author.user_id)
    note = add_note(huddle, author_id=author.user_id, body="Ask about sleep",
                    household=rivera.household, child=rivera.child)  # fmt: skip

    page = post(login(author), f"/huddles/notes/{note.id}/edit", body="Overwritten")

    assert "Reload the page" in page
    db_session.expire_all()
    assert db_session.get(HuddleNote, note.id).body == "Ask about sleep"


def test_the_daily_routes_do_not_reach_a_case_review(login, make, clinic, rivera, db_session):
    front_desk = make.member(clinic, Role.FRONT_DESK)
    review = start_huddle(clinic.id, day=make.today, kind=HuddleKind.CASE_REVIEW,
                          user_id=make.member(clinic, Role.NAVIGATOR).user_id)  # fmt: skip
    client = login(front_desk)

    assert client.post(f"/huddles/{review.id}/end").status_code == 404
    assert client.post(f"/huddles/{review.id}/notes", data={"body": "x"}).status_code == 404
    db_session.expire_all()
    assert db_session.get(Huddle, review.id).ended_at is None


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_date_out_of_range_is_a_clear_error(login, people, day):
    page = login(people[Role.NURSE_MA]).get(f"/huddles/?day={day}")

    assert page.status_code == 400
    assert "A date or number you entered is out of range." in text_of(page)
