"""0017 single sign-on: the OpenID provider's subject of an account.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 14:20:00.000000

`users.oidc_subject`: the provider's `sub` claim, which signs this account in by single
sign-on (unique; none for accounts that only use a password). An account made by a first
single sign-on has no role yet (an empty `role`) until an administrator gives it one.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("oidc_subject", sa.String(255), nullable=True))
    op.create_index("ix_users_oidc_subject", "users", ["oidc_subject"], unique=True)


def downgrade() -> None:
    # Not a batch: SQLite's batch mode would copy the users table, and dropping the old copy
    # breaks every foreign key to it (as 0010).
    op.drop_index("ix_users_oidc_subject", table_name="users")
    op.drop_column("users", "oidc_subject")
