"""inventory: reservations.attempt, the checkout attempt that holds (or gave up) the order id

Revision ID: 0002_reservation_attempt
Revises: 0001_inventory_initial
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_reservation_attempt"
down_revision = "0001_inventory_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reservations") as batch:
        batch.add_column(sa.Column("attempt", sa.String(24), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("reservations") as batch:
        batch.drop_column("attempt")
