"""per-candidate variants: a seed and expected numbers per assignment, variant-numbers flags

Revision ID: b7e2c4a91d30
Revises: 64bbc470af2e
Create Date: 2026-12-02 01:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e2c4a91d30'
down_revision = '64bbc470af2e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('variant_seed', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('variant_numbers', sa.JSON(), nullable=True))

    op.create_table('variant_numbers_flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('other_assignment_id', sa.Integer(), nullable=False),
    sa.Column('matched', sa.JSON(), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['other_assignment_id'], ['assignments.id'], name=op.f('fk_variant_numbers_flags_other_assignment_id_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_variant_numbers_flags_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_variant_numbers_flags')),
    sa.UniqueConstraint('submission_id', 'other_assignment_id', name=op.f('uq_variant_numbers_flags_submission_id_other_assignment_id'))
    )
    with op.batch_alter_table('variant_numbers_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_variant_numbers_flags_other_assignment_id'), ['other_assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_variant_numbers_flags_submission_id'), ['submission_id'], unique=False)


def downgrade():
    with op.batch_alter_table('variant_numbers_flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_variant_numbers_flags_submission_id'))
        batch_op.drop_index(batch_op.f('ix_variant_numbers_flags_other_assignment_id'))

    op.drop_table('variant_numbers_flags')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_column('variant_numbers')
        batch_op.drop_column('variant_seed')
