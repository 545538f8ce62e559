"""petitioner material: staff requests, the petitioner's additions, graded satisfaction

The petitioner can now answer back: staff ask a question or for material
(petition_material_requests), the petitioner adds text and files with the number and code
(petition_additions, their files in attachments.addition_id), and each substantive reply gets a
grade (满意 / 基本满意 / 不满意) with an optional comment. Existing answers keep their meaning: a
reply the petitioner was satisfied with is graded satisfied, one they objected to dissatisfied.

Revision ID: 0009_petitioner_material
Revises: 0008_outbox_delivery
Create Date: 2026-12-14 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '0009_petitioner_material'
down_revision = '0008_outbox_delivery'
branch_labels = None
depends_on = None

replies = sa.table(
    'replies',
    sa.column('grade', sa.String),
    sa.column('satisfied_at', sa.DateTime(timezone=True)),
    sa.column('objected_at', sa.DateTime(timezone=True)),
)


def upgrade():
    op.create_table('petition_material_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('petition_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['petition_id'], ['petitions.id'], name=op.f('fk_petition_material_requests_petition_id_petitions')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_petition_material_requests_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_petition_material_requests'))
    )
    with op.batch_alter_table('petition_material_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_petition_material_requests_petition_id'), ['petition_id'], unique=False)

    op.create_table('petition_additions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('petition_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('submission_key_hash', sa.String(length=64), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('read_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(read_at IS NULL) = (read_by_id IS NULL)', name=op.f('ck_petition_additions_read_by_someone')),
    sa.ForeignKeyConstraint(['petition_id'], ['petitions.id'], name=op.f('fk_petition_additions_petition_id_petitions')),
    sa.ForeignKeyConstraint(['read_by_id'], ['users.id'], name=op.f('fk_petition_additions_read_by_id_users')),
    sa.ForeignKeyConstraint(['request_id'], ['petition_material_requests.id'], name=op.f('fk_petition_additions_request_id_petition_material_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_petition_additions')),
    sa.UniqueConstraint('submission_key_hash', name=op.f('uq_petition_additions_submission_key_hash'))
    )
    with op.batch_alter_table('petition_additions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_petition_additions_petition_id'), ['petition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_petition_additions_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_petition_additions_read_at'), ['read_at'], unique=False)

    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('addition_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_attachments_addition_id'), ['addition_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attachments_addition_id_petition_additions'), 'petition_additions', ['addition_id'], ['id'])

    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grade', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('grade_comment', sa.Text(), nullable=True))
    op.execute(replies.update().where(replies.c.satisfied_at.is_not(None)).values(grade='satisfied'))
    op.execute(replies.update().where(replies.c.objected_at.is_not(None)).values(grade='dissatisfied'))
    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.create_check_constraint(
            'grade', "grade IN ('satisfied', 'basically_satisfied', 'dissatisfied')"
        )
        batch_op.create_check_constraint(
            'satisfied_grade',
            "(COALESCE(grade, '') IN ('satisfied', 'basically_satisfied')) = "
            "(satisfied_at IS NOT NULL)",
        )
        batch_op.create_check_constraint(
            'dissatisfied_grade',
            "(COALESCE(grade, '') = 'dissatisfied') = "
            "(objected_at IS NOT NULL AND objection IS NOT NULL)",
        )


def downgrade():
    # "Basically satisfied" had no column of its own before: it stays a satisfied_at.
    with op.batch_alter_table('replies', schema=None) as batch_op:
        for name in ('dissatisfied_grade', 'satisfied_grade', 'grade'):
            batch_op.drop_constraint(op.f(f'ck_replies_{name}'), type_='check')
        batch_op.drop_column('grade_comment')
        batch_op.drop_column('grade')

    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attachments_addition_id_petition_additions'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attachments_addition_id'))
        batch_op.drop_column('addition_id')

    with op.batch_alter_table('petition_additions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_petition_additions_read_at'))
        batch_op.drop_index(batch_op.f('ix_petition_additions_request_id'))
        batch_op.drop_index(batch_op.f('ix_petition_additions_petition_id'))
    op.drop_table('petition_additions')

    with op.batch_alter_table('petition_material_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_petition_material_requests_petition_id'))
    op.drop_table('petition_material_requests')
