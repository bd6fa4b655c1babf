"""board revisions: a counter per job raised with every change the job's board shows

Revision ID: c41d7e0b9a12
Revises: ac4dd8f56372
Create Date: 2026-12-02 14:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c41d7e0b9a12'
down_revision = 'ac4dd8f56372'
branch_labels = None
depends_on = None


def upgrade():
    # No backfill: a job without a row has revision 0 until its first change, and the board's
    # cache lives in the web processes, which start empty.
    op.create_table('board_revisions',
    sa.Column('job_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_board_revisions_job_id_jobs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('job_id', name=op.f('pk_board_revisions'))
    )


def downgrade():
    op.drop_table('board_revisions')
