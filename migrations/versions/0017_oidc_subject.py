"""0017 single sign-on: the OpenID provider's subject of an account.

Revision ID: 0017
Revises: 0015 (the integrator rechains it onto 0016, the regions)
Create Date: 2026-12-06 14:20:00.000000

`users.oidc_subject`: the provider's `sub` claim, which signs this account in by single
sign-on (unique; none for accounts that only use a password). An account made by a first
single sign-on has no role yet (an empty `role`) until an administrator gives it one.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("oidc_subject", sa.String(255), nullable=True))
        batch.create_unique_constraint("uq_users_oidc_subject", ["oidc_subject"])


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("uq_users_oidc_subject", type_="unique")
        batch.drop_column("oidc_subject")
