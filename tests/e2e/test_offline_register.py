"""A champion in a hall without a signal: opens today's register while online, loses the signal,
still sees the register and checks two families in; one of them cancelled in the meantime. Back
online, the first check-in is saved and the second is shown as a conflict, not dropped. The
register can be printed. axe-core checks the page offline and after sending."""

import datetime

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from bookings.models import Attendance, Booking
from tests.factories import (
    ActivityPageFactory,
    BookingFactory,
    ChampionFactory,
    ChildFactory,
    HostingFactory,
    SessionFactory,
    UserFactory,
)
from tests.support.accessibility import assert_accessible
from tests.support.times import started_earlier_today

CACHED = """async (path) => {
    for (let i = 0; i < 100; i++) {
        for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            if (await cache.match(path, { ignoreSearch: true })) return true;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return false;
}"""


@pytest.fixture
def todays_session(centre):
    activity = ActivityPageFactory(parent=centre, title="Stay and play", delivered_by="champions")
    start = started_earlier_today()
    session = SessionFactory(
        activity=activity, start=start, end=start + datetime.timedelta(hours=3), capacity=6
    )
    for first, last, child in [("Ana", "Lopez", "Mia"), ("Ben", "Okafor", "Tayo")]:
        parent = UserFactory(first_name=first, last_name=last)
        booking = BookingFactory(session=session, parent=parent, places=1)
        booking.children.set([ChildFactory(parent=parent, first_name=child)])
    return session


@pytest.fixture
def champion(centre, todays_session):
    champion = ChampionFactory(centre=centre, user=UserFactory(first_name="Chris"))
    HostingFactory(champion=champion, activity=todays_session.activity)
    return champion


def test_the_register_works_offline_and_sends_check_ins_when_back_online(
    live_server, page, context, sign_in, champion, todays_session
):
    sign_in(page, champion.user)
    page.goto(live_server.url + "/champions/")
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    register = f"/champions/sessions/{todays_session.pk}/"
    assert page.evaluate(CACHED, register)  # today's register, kept from the dashboard

    context.set_offline(True)
    page.goto(live_server.url + register)
    expect(page.get_by_role("heading", level=1)).to_have_text("Register: Stay and play")
    expect(page.get_by_role("button", name="Print this register")).to_be_visible()

    # Meanwhile, Ben's family cancels (the centre's system knows; the phone does not).
    ben = Booking.objects.get(parent__first_name="Ben")
    Booking.objects.filter(pk=ben.pk).update(status=Booking.Status.CANCELLED)

    page.get_by_role("button", name="Check in Ana L.").click()
    page.get_by_role("button", name="Check in Ben O.").click()
    expect(
        page.get_by_text("Ana L.: checked in on this phone, to be sent when you are back online")
    ).to_have_count(2)  # on the row, and in the list of waiting check-ins
    assert Booking.objects.get(parent__first_name="Ana").attendance == ""
    assert_accessible(page)

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")

    conflicts = page.get_by_role("alert").filter(has_text="Not saved: please look at these")
    expect(conflicts).to_contain_text("Ben O.: not checked in. Their booking is now cancelled")
    expect(page.locator("#offline-status")).to_contain_text("Ana L. is checked in")
    assert Booking.objects.get(parent__first_name="Ana").attendance == Attendance.ATTENDED
    assert Booking.objects.get(pk=ben.pk).attendance == ""
    assert_accessible(page)

    # The conflict stays on the phone until the champion says they have read it.
    page.reload()
    expect(conflicts).to_be_visible()
    page.get_by_role("button", name="I have read these").click()
    expect(conflicts).to_be_hidden()


KEPT_REGISTERS = """async () => {
    const names = await caches.keys();
    return names.filter((name) => name.startsWith("startwell-registers-")).length;
}"""


def test_signing_out_takes_the_kept_registers_off_the_phone(
    live_server, page, context, sign_in, champion, todays_session
):
    sign_in(page, champion.user)
    page.goto(live_server.url + "/champions/")
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    register = live_server.url + f"/champions/sessions/{todays_session.pk}/"
    assert page.evaluate(CACHED, register)
    context.set_offline(True)
    page.goto(register)
    expect(page.get_by_text("Ana L.").first).to_be_visible()  # kept: readable without a signal
    context.set_offline(False)

    # The sign-out form sent as a browser without the page's script would: what clears the
    # phone is the answer's Clear-Site-Data, carried out by the browser itself.
    signing_out = page.expect_response(lambda r: r.url.endswith("/accounts/logout/"))
    with page.expect_navigation(), signing_out as answer:
        page.evaluate("setTimeout(() => document.querySelector('form[data-sign-out]').submit())")
    assert answer.value.all_headers()["clear-site-data"] == '"cache", "storage"'
    assert page.evaluate(KEPT_REGISTERS) == 0

    context.set_offline(True)
    with pytest.raises(PlaywrightError, match="ERR_INTERNET_DISCONNECTED|ERR_FAILED"):
        page.goto(register)  # no copy left to answer with: the browser's own error page
    page.wait_for_load_state()
    expect(page.locator("body")).not_to_contain_text("Ana")
    expect(page.locator("body")).not_to_contain_text("Ben")


def test_check_ins_not_yet_sent_are_not_deleted_at_sign_out_without_a_word(
    live_server, page, context, sign_in, champion, todays_session
):
    sign_in(page, champion.user)
    page.goto(live_server.url + "/champions/")
    # The dashboard's copy can be kept before the service worker that answers offline is ready.
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    register = live_server.url + f"/champions/sessions/{todays_session.pk}/"
    assert page.evaluate(CACHED, register)
    context.set_offline(True)
    page.goto(register)
    page.get_by_role("button", name="Check in Ana L.").click()
    # Back online, but the check-in does not get through (a signal too weak to send it).
    page.route("**/offline-check-ins/", lambda route: route.abort())
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.goto(live_server.url + "/bookings/")

    page.get_by_role("button", name="Sign out", exact=True).click()

    warning = page.get_by_role("alert").filter(has_text="have not been sent yet")
    expect(warning).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
    assert page.evaluate("JSON.parse(localStorage.getItem('startwell-offline-check-ins')).length")

    page.get_by_role("button", name="Sign out", exact=True).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out and delete them").click()
    assert page.evaluate("localStorage.getItem('startwell-offline-check-ins')") is None
    assert page.evaluate(KEPT_REGISTERS) == 0
    assert Booking.objects.get(parent__first_name="Ana").attendance == ""
