"""exchangelib (Debian's python3-exchangelib) against the Exsync sandbox: its own flows for
sync (SyncFolderItems, paged), contact CRUD, a meeting, free/busy (GetUserAvailability) and
sending mail. Prints one JSON object with what it saw; the vitest file checks it.

    python3 exchangelib_flows.py <sandbox http url> <password>
"""
import datetime
import json
import sys

from exchangelib import (
    BASIC,
    DELEGATE,
    Account,
    Build,
    CalendarItem,
    Configuration,
    Contact,
    Credentials,
    EWSDateTime,
    EWSTimeZone,
    Mailbox,
    Message,
    Version,
)
from exchangelib.indexed_properties import EmailAddress


def account(url, address, password):
    config = Configuration(
        service_endpoint=url + "/EWS/Exchange.asmx",
        credentials=Credentials(address, password),
        auth_type=BASIC,
        version=Version(build=Build(15, 1, 2507, 6)),
        max_connections=2,
    )
    return Account(address, config=config, autodiscover=False, access_type=DELEGATE)


def sync_all(folder, state=None):
    """Every change of one sync round, pages of 50 until the server says it sent the last."""
    changes = {"create": [], "update": [], "delete": [], "read_flag_change": []}
    for change_type, item in folder.sync_items(sync_state=state, max_changes_returned=50):
        changes[change_type].append(item.id if hasattr(item, "id") else item[0])
    return changes, folder.item_sync_state


def main():
    url, password = sys.argv[1], sys.argv[2]
    ada = account(url, "ada@example.test", password)
    grace = account(url, "grace@example.test", password)
    out = {}

    first, state = sync_all(ada.contacts)
    out["firstSync"] = {k: len(v) for k, v in first.items()}
    out["firstSyncDistinct"] = len(set(first["create"]))
    out["contactCount"] = ada.contacts.total_count

    contact = Contact(
        folder=ada.contacts,
        given_name="Ingrid",
        display_name="Ingrid Exchangelib",
        surname="Exchangelib",
        company_name="Python Ltd",
        email_addresses=[EmailAddress(email="ingrid@python.test", label="EmailAddress1")],
    )
    contact.save()
    contact.job_title = "Engineer"
    contact.save(update_fields=["job_title"])
    again = ada.contacts.get(id=contact.id)
    out["contact"] = {
        "displayName": again.display_name,
        "jobTitle": again.job_title,
        "email": again.email_addresses[0].email if again.email_addresses else None,
    }
    second, state = sync_all(ada.contacts, state)
    out["secondSync"] = {k: len(v) for k, v in second.items()}
    again.delete()
    third, state = sync_all(ada.contacts, state)
    out["thirdSync"] = {k: len(v) for k, v in third.items()}

    tz = EWSTimeZone("Europe/Berlin")
    start = EWSDateTime(2031, 6, 2, 10, 0, tzinfo=tz)
    meeting = CalendarItem(
        account=ada,
        folder=ada.calendar,
        subject="exchangelib planning",
        start=start,
        end=start + datetime.timedelta(hours=1),
        legacy_free_busy_status="Busy",
    )
    meeting.save(send_meeting_invitations="SendToNone")
    out["meeting"] = {"subject": ada.calendar.get(id=meeting.id).subject}

    out["freeBusy"] = attempt(lambda: free_busy(ada, grace, tz))
    subject = "exchangelib sends " + datetime.datetime.now().isoformat()
    out["mail"] = attempt(lambda: send_mail(ada, grace, subject))
    print(json.dumps(out))


def attempt(flow):
    """A flow's result, or the error it met (so one failing flow does not hide the others)."""
    try:
        return flow()
    except Exception as error:  # noqa: BLE001 - reported to the test, which fails on it
        return {"error": type(error).__name__ + ": " + str(error)}


def free_busy(ada, grace, tz):
    busy = list(
        ada.protocol.get_free_busy_info(
            accounts=[(ada, "Organizer", False), (grace, "Required", False)],
            start=EWSDateTime(2031, 6, 2, 0, 0, tzinfo=tz),
            end=EWSDateTime(2031, 6, 3, 0, 0, tzinfo=tz),
        )
    )
    return [
        {
            "view": info.merged if info else None,
            "events": [
                {"busyType": e.busy_type, "start": e.start.isoformat()}
                for e in ((info.calendar_events or []) if info else [])
            ],
        }
        for info in busy
    ]


def send_mail(ada, grace, subject):
    Message(
        account=ada,
        folder=ada.sent,
        subject=subject,
        body="Hello from Python",
        to_recipients=[Mailbox(email_address="grace@example.test")],
    ).send_and_save()
    received = list(grace.inbox.filter(subject=subject))
    sent = list(ada.sent.filter(subject=subject))
    return {
        "received": len(received),
        "sent": len(sent),
        "body": str(received[0].text_body or received[0].body) if received else None,
    }


if __name__ == "__main__":
    main()
