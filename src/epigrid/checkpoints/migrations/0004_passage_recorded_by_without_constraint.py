"""Who recorded a passage is kept without a foreign-key constraint in the database.

The constraint's trigger looked the user up and locked its row for every stored passage (the
same row for every device of a user); Django still applies on_delete (SET_NULL). Only the
constraint is dropped: the column and its index stay.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("checkpoints", "0003_passage_checkpoint_index_in_the_time_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="passage",
            name="recorded_by",
            field=models.ForeignKey(db_constraint=False, null=True,
                                    on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to=settings.AUTH_USER_MODEL,
                                    verbose_name="recorded by"),
        ),
    ]
