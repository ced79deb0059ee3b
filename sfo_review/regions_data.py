"""The probation regions of England and Wales and their probation delivery units (PDUs).

The reference list as HMPPS organised it in 2026 (twelve regions since unification in June
2021), written once here. Migration 0016 seeds the `regions` and `pdus` tables from a frozen
copy of this list (a migration must not change when this module does); after that the
tables are the list, maintained by admins on "Regions and PDUs". Tests check the copy and
this module agree, so a change here is a new migration.
"""

from __future__ import annotations

REGIONS: dict[str, tuple[str, ...]] = {
    "North East": (
        "County Durham and Darlington",
        "Gateshead and South Tyneside",
        "Newcastle upon Tyne",
        "North Tyneside and Northumberland",
        "Redcar, Cleveland and Middlesbrough",
        "Stockton and Hartlepool",
        "Sunderland",
    ),
    "North West": (
        "Cheshire East",
        "Cheshire West",
        "Cumbria",
        "Knowsley and St Helens",
        "Lancashire Central",
        "Lancashire East",
        "Lancashire North West",
        "Liverpool North",
        "Liverpool South",
        "Sefton",
        "Warrington and Halton",
        "Wirral",
    ),
    "Yorkshire and the Humber": (
        "Barnsley",
        "Bradford and Calderdale",
        "Doncaster",
        "Hull and East Riding",
        "Kirklees",
        "Leeds",
        "North and North East Lincolnshire",
        "Rotherham",
        "Sheffield",
        "Wakefield",
        "York and North Yorkshire",
    ),
    "Greater Manchester": (
        "Bolton",
        "Bury and Rochdale",
        "Manchester North",
        "Manchester South",
        "Oldham",
        "Salford",
        "Stockport and Trafford",
        "Tameside",
        "Wigan",
    ),
    "East Midlands": (
        "Derby City",
        "Derbyshire",
        "Leicester, Leicestershire and Rutland",
        "Lincolnshire East",
        "Lincolnshire West",
        "Northamptonshire",
        "Nottingham City",
        "Nottinghamshire County",
    ),
    "West Midlands": (
        "Birmingham Central and South",
        "Birmingham North and East",
        "Coventry",
        "Dudley and Sandwell",
        "Herefordshire, Shropshire and Telford",
        "Solihull",
        "Staffordshire and Stoke",
        "Walsall and Wolverhampton",
        "Warwickshire",
        "Worcestershire",
    ),
    "East of England": (
        "Bedfordshire",
        "Cambridgeshire and Peterborough",
        "Essex North",
        "Essex South",
        "Hertfordshire",
        "Norfolk",
        "Suffolk",
    ),
    "Kent, Surrey and Sussex": (
        "Brighton and Hove",
        "East Kent",
        "East Sussex",
        "North and West Kent",
        "Surrey",
        "West Sussex",
    ),
    "London": (
        "Barking, Dagenham and Havering",
        "Barnet, Brent and Harrow",
        "Camden and Islington",
        "Croydon",
        "Ealing and Hillingdon",
        "Enfield and Haringey",
        "Greenwich and Bexley",
        "Hackney and City",
        "Hammersmith, Fulham, Kensington, Chelsea and Westminster",
        "Hounslow and Richmond",
        "Lambeth",
        "Lewisham and Bromley",
        "Newham",
        "Redbridge and Waltham Forest",
        "Southwark",
        "Tower Hamlets",
        "Wandsworth, Merton, Kingston and Sutton",
    ),
    "South West": (
        "Bath, North East Somerset and North Somerset",
        "Bristol and South Gloucestershire",
        "Cornwall and Isles of Scilly",
        "Devon and Torbay",
        "Dorset",
        "Gloucestershire",
        "Plymouth",
        "Somerset",
        "Wiltshire and Swindon",
    ),
    "South Central": (
        "Buckinghamshire and Milton Keynes",
        "East Berkshire",
        "Hampshire North and East",
        "Hampshire South and Isle of Wight",
        "Oxfordshire",
        "Portsmouth",
        "Southampton",
        "West Berkshire, Reading and Wokingham",
    ),
    "Wales": (
        "Cardiff and the Vale of Glamorgan",
        "Cwm Taf Morgannwg",
        "Dyfed-Powys",
        "Gwent",
        "North Wales",
        "Swansea, Neath Port Talbot",
    ),
}


def match_key(name: str | None) -> str:
    """A name as compared when matching typed text to the list: case, punctuation and runs
    of spaces ignored, "&" read as "and" ("North-West" and "north west" are one key)."""
    text = (name or "").casefold().replace("&", " and ")
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())
