"""A passage's checkpoint is kept without a foreign-key constraint in the database.

The constraint's trigger looked the checkpoint up and locked its row for every stored passage;
the hour the passage is counted into keeps its own constraint on the checkpoint, and Django still
applies on_delete (PROTECT). Only the constraint is dropped: the column stays, in the
(checkpoint, at) index.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("areas", "0001_initial"),
        ("checkpoints", "0004_passage_recorded_by_without_constraint"),
    ]

    operations = [
        migrations.AlterField(
            model_name="passage",
            name="checkpoint",
            field=models.ForeignKey(db_constraint=False, db_index=False,
                                    on_delete=django.db.models.deletion.PROTECT,
                                    related_name="passages", to="areas.checkpoint",
                                    verbose_name="checkpoint"),
        ),
    ]
