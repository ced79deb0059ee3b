"""0011 API tokens expire; one-time set-password links.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 09:00:00.000000

API tokens never expired. Each now has an expiry (API_TOKEN_DAYS after it is made, 90 by
default). Tokens made before this upgrade get theirs 90 days after it, so that the systems
using them have notice rather than stopping on the day of the release.

Admins no longer choose passwords: a new account's owner sets theirs with a one-time link,
emailed to them (password_links keeps only its SHA-256). The outbox marks such an email
`secret`, and wipes its body once sent.
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
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

    op.create_table(
        "password_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_password_links_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_password_links_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_links_token_hash")),
    )
    op.create_index(op.f("ix_password_links_user_id"), "password_links", ["user_id"], unique=False)
    op.add_column(
        "outbox",
        sa.Column("secret", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade():
    op.drop_column("outbox", "secret")
    op.drop_index(op.f("ix_password_links_user_id"), table_name="password_links")
    op.drop_table("password_links")
    op.drop_column("api_tokens", "expires_at")
