"""A passage's checkpoint needs no index of its own: the (checkpoint, at) index leads with it.

Only the index is dropped: Django's AlterField would drop and re-add the foreign key too,
checking every stored passage again on a table that grows by a passage a second per device.
"""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "checkpoints_passage_checkpoint_id_9db29bab"


class Migration(migrations.Migration):

    dependencies = [
        ("areas", "0001_initial"),
        ("checkpoints", "0002_fever_referral_arrival_and_closing"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="passage",
                    name="checkpoint",
                    field=models.ForeignKey(db_index=False,
                                            on_delete=django.db.models.deletion.PROTECT,
                                            related_name="passages", to="areas.checkpoint",
                                            verbose_name="checkpoint"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=f'CREATE INDEX "{INDEX}" ON "checkpoints_passage" '
                                '("checkpoint_id")',
                ),
            ],
        ),
    ]
