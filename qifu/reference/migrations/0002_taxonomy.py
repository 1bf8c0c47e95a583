from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from qifu.reference.taxonomy import code_rows, taxonomy

    Department = apps.get_model("reference", "Department")
    Category = apps.get_model("reference", "Category")
    ServiceList = apps.get_model("reference", "ServiceList")
    Code = apps.get_model("reference", "Code")
    t = taxonomy()
    depts = {}
    for i, d in enumerate(t["departments"]):
        depts[d["code"]], _ = Department.objects.update_or_create(
            code=d["code"],
            defaults={"name": d["zh"], "name_en": d["en"], "sort": i, "is_service_desk": d["code"] == "YSB"},
        )
    for i, c in enumerate(t["categories"]):
        Category.objects.update_or_create(
            code=c["code"],
            defaults={
                "name": c["zh"],
                "name_en": c["en"],
                "department": depts[c["dept"]],
                "days": c["days"],
                "sort": i,
            },
        )
    for i, s in enumerate(t["service_lists"]):
        ServiceList.objects.update_or_create(code=s["code"], defaults={"name": s["zh"], "sort": i})
    for i, (kind, code, name) in enumerate(code_rows()):
        Code.objects.update_or_create(kind=kind, code=code, defaults={"name": name, "sort": i})


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
