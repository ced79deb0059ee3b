"""0012 API tokens expire; one-time set-password links.

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-03 09:00:00.000000

API tokens never expired. Each now has an expiry (API_TOKEN_DAYS after it is made, 90 by
default). Tokens made before this upgrade get theirs 90 days after it, so that the systems
using them have notice rather than stopping on the day of the release.
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None

GRACE = timedelta(days=90)


def upgrade():
    # ADD COLUMN NOT NULL needs a default on SQLite; every existing token then gets its own.
    op.add_column(
        "api_tokens",
        sa.Column(
            "expires_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default="1970-01-01 00:00:00",
        ),
    )
    tokens = sa.table("api_tokens", sa.column("expires_at", sa.DateTime(timezone=True)))
    # Aware UTC: SQLite's DateTime keeps the UTC clock time, PostgreSQL the instant.
    op.execute(tokens.update().values(expires_at=datetime.now(UTC) + GRACE))
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("api_tokens", "expires_at", server_default=None)


def downgrade():
    op.drop_column("api_tokens", "expires_at")
