"""Fill the cube for a database that already holds cases (one GROUP BY, see cube.cube_rebuild)."""

from typing import Any

from django.db import migrations


def fill(apps: Any, schema_editor: Any) -> None:
    from qifu.cockpit.cube import cube_rebuild

    cube_rebuild(apps.get_model("cases", "Case"), apps.get_model("cockpit", "CaseCube"))


def empty(apps: Any, schema_editor: Any) -> None:
    apps.get_model("cockpit", "CaseCube").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cockpit", "0001_initial"), ("cases", "0001_initial"), ("enterprises", "0001_initial")]

    operations = [migrations.RunPython(fill, empty)]
