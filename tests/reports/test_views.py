"""Report pages in the admin: what a manager sees, what they may not see, and downloads that
carry the same numbers as the tables."""

import csv
import datetime
import io

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from reports.spreadsheet import neutralised
from tests.accounts import activate_totp, sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SPRING = {"period": "custom", "start": "2025-01-01", "end": "2025-03-31"}
THIS_YEAR = datetime.date.today().year


def report_url(slug):
    return reverse("reports:report", args=[slug])


@pytest.fixture
def manager_client(client, manager, manager_totp):
    sign_in(client, manager, totp_secret=manager_totp)
    return client


def tables(html):
    """Each table on the page as rows of cell texts, headings included."""
    soup = BeautifulSoup(html, "html.parser")
    return [
        [[cell.get_text(strip=True) for cell in row.find_all(["th", "td"])] for row in table("tr")]
        for table in soup.select("#report-content table")
    ]


def field_error(html, name):
    soup = BeautifulSoup(html, "html.parser")
    field = soup.find(attrs={"name": name})
    wrapper = field.find_parent(class_="w-field__wrapper")
    return wrapper.get_text(" ", strip=True)


def test_reports_menu_and_index_for_a_manager(manager_client):
    admin = manager_client.get("/admin/").content.decode()
    assert reverse("reports:index") in admin

    response = manager_client.get(reverse("reports:index"))

    assert response.status_code == 200
    html = response.content.decode()
    for slug in ["reach", "take-up", "unmet-demand", "co-design", "champions"]:
        assert report_url(slug) in html


def test_reach_page_shows_chart_and_table_with_the_same_numbers(manager_client, spring, centre):
    response = manager_client.get(report_url("reach"), {**SPRING, "centre": centre.pk})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Northfield Centre: 1 January 2025 to 31 March 2025" in html
    first = tables(html)[0]
    assert first == [
        ["Measure", "Number"],
        ["Families reached", "3"],
        ["Children reached", "4"],
        ["First-time families", "2"],
    ]
    soup = BeautifulSoup(html, "html.parser")
    chart = soup.select_one("#report-content svg")
    assert chart["role"] == "img"
    assert "Families reached: Number 3" in chart["aria-label"]
    assert chart.title.get_text() == "Families and children reached"
    # No names in a report.
    for person in spring.people:
        assert person.first_name not in html
        assert person.email not in html


@pytest.mark.parametrize(
    "slug", ["reach", "take-up", "unmet-demand", "co-design", "champions", "feedback"]
)
def test_csv_matches_the_tables(manager_client, spring, slug):
    page = manager_client.get(report_url(slug), SPRING).content.decode()
    download = manager_client.get(report_url(slug), {**SPRING, "format": "csv"})

    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    assert "attachment" in download["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    # Sections after the two heading lines: blank line, title, table rows.
    sections, current = [], None
    for row in rows[2:]:
        if not row:
            current = []
            sections.append(current)
        elif len(row) == 1 and not current:
            continue  # the figure's title
        else:
            current.append(row)
    expected = [
        [
            [cell.removesuffix("%").replace("no data", "") for cell in row]
            for row in table
            if row != ["No data for this period."]
        ]
        for table in tables(page)
    ]
    assert sections == expected


def test_chart_downloads_as_svg(manager_client, spring):
    response = manager_client.get(
        report_url("reach"), {**SPRING, "format": "svg", "figure": "reach-month"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith("<?xml")
    assert "<title>Reach by month</title>" in svg
    assert "January 2025" in svg

    missing = manager_client.get(report_url("reach"), {**SPRING, "format": "svg", "figure": "x"})
    assert missing.status_code == 404


def test_manager_cannot_choose_another_centre(manager_client, spring, other_centre):
    response = manager_client.get(report_url("reach"), {**SPRING, "centre": other_centre.pk})

    html = response.content.decode()
    assert "Choose one of the centres you manage." in field_error(html, "centre")
    assert tables(html) == []
    assert "Riverside" not in BeautifulSoup(html, "html.parser").select_one(
        "#report-content"
    ).get_text().replace("Riverside Centre", "")
    csv_response = manager_client.get(
        report_url("reach"), {**SPRING, "centre": other_centre.pk, "format": "csv"}
    )
    assert csv_response.status_code == 400


def test_manager_sees_only_their_centre_in_all_your_centres(manager_client, spring):
    html = manager_client.get(report_url("reach"), SPRING).content.decode()

    # Riverside's family (p4, c5) is not counted, nor its footprint listed.
    assert tables(html)[0][1] == ["Families reached", "3"]
    assert tables(html)[1] == [["Footprint", "Families", "Children"], ["North", "3", "4"]]


def test_superuser_sees_the_borough_total(client, superuser, superuser_totp, spring):
    sign_in(client, superuser, totp_secret=superuser_totp)

    html = client.get(report_url("reach"), SPRING).content.decode()

    assert "All centres (borough total)" in html
    assert tables(html)[0][1] == ["Families reached", "4"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            {"period": "custom", "start": "2025-03-01", "end": "2025-02-01"},
            "end",
            "The last day must be on or after the first day.",
        ),
        (
            # Six years, each end within the five years either side of today that any date may be.
            {
                "period": "custom",
                "start": f"{THIS_YEAR - 4}-01-01",
                "end": f"{THIS_YEAR + 2}-01-01",
            },
            "end",
            "Choose a range of five years or less.",
        ),
        ({"period": "custom", "end": "2025-01-01"}, "start", "Enter the first day of the range."),
        ({"period": "custom", "start": "2025-13-01", "end": "2025-01-01"}, "start", "valid date"),
        ({"period": "next_century"}, "period", "Select a valid choice"),
    ],
)
def test_bad_periods_are_refused_next_to_the_field(manager_client, spring, query, field, message):
    response = manager_client.get(report_url("reach"), query)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in field_error(html, field)
    assert tables(html) == []


def test_people_who_manage_no_centre_cannot_open_reports(client):
    staff = UserFactory(is_staff=True)
    secret = activate_totp(staff)
    sign_in(client, staff, totp_secret=secret)

    assert client.get(reverse("reports:index")).status_code in {302, 403}
    assert client.get(report_url("reach")).status_code in {302, 403}


def test_unknown_report_is_not_found(manager_client):
    assert manager_client.get(report_url("salaries")).status_code == 404


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_written_as_text(
    manager_client, spring
):
    """An activity title is typed by staff; in a manager's spreadsheet it must stay text."""
    activity = spring.sessions[1].activity
    activity.title = '=HYPERLINK("https://evil.example","Click")'
    activity.save()

    download = manager_client.get(report_url("take-up"), {**SPRING, "format": "csv"})

    cells = [cell for row in csv.reader(io.StringIO(download.content.decode())) for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert any(cell.startswith("'=HYPERLINK(") for cell in cells)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_each_formula_character_is_neutralised(start):
    assert neutralised(f"{start}1+1") == f"'{start}1+1"
    assert neutralised("Stay and play") == "Stay and play"
    assert neutralised(-3) == -3
