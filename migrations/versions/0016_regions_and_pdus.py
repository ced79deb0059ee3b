"""0016 one list of regions and PDUs: the reference tables, and free text mapped onto them.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 14:20:00.000000

`regions` (name unique) and `pdus` (name unique within its region; `retired` for one no
longer offered) are seeded with the twelve probation regions of England and Wales and their
PDUs: a frozen copy of `sfo_review/regions_data.py` as it was when this was written.

Reviews and leadership accounts keep storing names (the API's `region` and `pdu`, the
dashboard's and the list's filters on their indexes). The free text already there is mapped
to the canonical name when it matches exactly or ignoring case, punctuation and runs of
spaces ("north-west " -> "North West"); a review's PDU is matched among its region's PDUs.
Anything else is kept exactly as it is: the admin page "Regions and PDUs" lists every value
that is not on the list (found by a query, so nothing is stored twice) for an admin to map.

Downgrade drops the two tables; the names mapped stay canonical (they are valid free text).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# A frozen copy of sfo_review/regions_data.REGIONS (a migration never changes with the app).
FROZEN_REGIONS: dict[str, tuple[str, ...]] = {
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


def _key(name: str | None) -> str:
    """As sfo_review.regions_data.match_key (frozen here too)."""
    text = (name or "").casefold().replace("&", " and ")
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


def _seed(conn: sa.Connection) -> None:
    regions = sa.table("regions", sa.column("id", sa.Integer), sa.column("name", sa.String))
    pdus = sa.table(
        "pdus",
        sa.column("name", sa.String),
        sa.column("region_id", sa.Integer),
        sa.column("retired", sa.Boolean),
    )
    for number, (region, names) in enumerate(FROZEN_REGIONS.items(), start=1):
        conn.execute(regions.insert().values(id=number, name=region))
        conn.execute(
            pdus.insert(), [{"name": n, "region_id": number, "retired": False} for n in names]
        )
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT setval('regions_id_seq', (SELECT max(id) FROM regions))"))


def _map_free_text(conn: sa.Connection) -> None:
    regions = {_key(r): r for r in FROZEN_REGIONS}
    pdus = {r: {_key(p): p for p in names} for r, names in FROZEN_REGIONS.items()}
    rename_region = sa.text("UPDATE reviews SET region = :new WHERE region = :old")
    for (old,) in conn.execute(sa.text("SELECT DISTINCT region FROM reviews")).all():
        new = regions.get(_key(old))
        if new is not None and new != old:
            conn.execute(rename_region, {"new": new, "old": old})
    rename_pdu = sa.text("UPDATE reviews SET pdu = :new WHERE region = :region AND pdu = :old")
    pairs = conn.execute(sa.text("SELECT DISTINCT region, pdu FROM reviews")).all()
    for region, old in pairs:
        new = pdus.get(region, {}).get(_key(old))
        if new is not None and new != old:
            conn.execute(rename_pdu, {"new": new, "region": region, "old": old})
    rename_user = sa.text("UPDATE users SET region = :new WHERE region = :old")
    rows = conn.execute(sa.text("SELECT DISTINCT region FROM users WHERE region IS NOT NULL"))
    for (old,) in rows.all():
        new = regions.get(_key(old))
        if new is not None and new != old:
            conn.execute(rename_user, {"new": new, "old": old})


def upgrade():
    op.create_table(
        "regions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name", name="uq_regions_name"),
    )
    op.create_table(
        "pdus",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.ForeignKeyConstraint(["region_id"], ["regions.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("region_id", "name", name="uq_pdus_region_name"),
    )
    op.create_index("ix_pdus_region_id", "pdus", ["region_id"])
    conn = op.get_bind()
    _seed(conn)
    _map_free_text(conn)


def downgrade():
    op.drop_index("ix_pdus_region_id", table_name="pdus")
    op.drop_table("pdus")
    op.drop_table("regions")
