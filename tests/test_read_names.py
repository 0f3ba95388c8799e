"""Names and phones displayed the way osTicket displays them (PersonsName::splitName, PhoneField::toString)."""

import pytest

from osticket_bridge.osticket.names import format_phone, name_parts


@pytest.mark.parametrize(
    "name, parts",
    [
        ("Michael User2", ("", "Michael", "", "User2", "")),
        ("Carol", ("", "Carol", "", "", "")),
        ("Dr. John Quincy Smith Jr.", ("Dr.", "John", "Jr.", "Smith", "Quincy")),
        ("Tomás de la Vega", ("", "Tomás", "", "Vega", "de la")),
        ("J.Everybody", ("", "J", "", "Everybody", "")),
    ],
)
def test_name_parts_follow_persons_name_split(name, parts):
    assert tuple(name_parts(name).values()) == parts
    assert list(name_parts(name)) == ["salutation", "first", "suffix", "last", "middle"]


@pytest.mark.parametrize(
    "stored, shown",
    [
        ("4254441212X123", "(425) 444-1212 x123"),
        ("5550100", "555-0100"),
        ("6175550199", "(617) 555-0199"),
        ("441632960961", "441632960961"),
        ("", ""),
        (None, ""),
    ],
)
def test_phone_is_formatted_like_the_us_phone_field(stored, shown):
    assert format_phone(stored) == shown


def test_phone_keeps_digits_when_the_field_is_not_us_formatted():
    assert format_phone("4254441212X9", fmt="") == "4254441212 x9"
