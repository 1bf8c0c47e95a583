"""A small searchable world on the cast (qifu/conftest.py), built through the real services:
a case of each enterprise that mentions 用电, an internal note, two policies (one a draft)."""

from dataclasses import dataclass
from typing import Any

import pytest

from qifu.access.actor import Actor
from qifu.cases.models import Case
from qifu.cases.services import CaseData, case_act, case_file
from qifu.conftest import Cast
from qifu.enterprises.models import Enterprise
from qifu.policies.models import Policy
from qifu.policies.services import policy_import

SECRET = "保密约谈纪要"  # only in an internal note


def policy_item(code: str, **over: Any) -> dict[str, Any]:
    data = {
        "code": code,
        "title": f"研发费用补助{code}",
        "category": "industry",
        "department": "KJJ",
        "valid_from": "2026-01-01",
        "valid_to": "2099-12-31",
        "conditions": {"field": "employees", "op": "ge", "value": 1},
        "status": "published",
        "summary": "对企业研发投入给予补助。",
        "interpretation": "专精特新企业的研发投入按比例补助。",
    }
    return {**data, **over}


@dataclass
class World:
    cast: Cast
    a1: Case  # enterprise A, filed by ent_a: ERP系统
    a2: Case  # enterprise A: a <script> in the text
    b1: Case  # enterprise B, dispatched to JFJ
    c1: Case  # enterprise C
    pub: Policy
    draft: Policy

    def actor(self, who: str) -> Actor:
        return Actor.of(getattr(self.cast, who))


def file_for(cast: Cast, who: str, enterprise: Enterprise, text: str, title: str = "") -> Case:
    data = CaseData(text=text, title=title, category="utilities", channel="phone")
    return case_file(actor=Actor.of(getattr(cast, who)), enterprise=enterprise, data=data)


def act(cast: Cast, who: str, case: Case, action: str, **payload: Any) -> Case:
    return case_act(actor=Actor.of(getattr(cast, who)), case_id=case.pk, action=action, payload=payload)


@pytest.fixture
def world(cast: Cast) -> World:
    a1 = file_for(
        cast, "ent_a", cast.a, "我司上了ERP系统，想申请两化融合补贴；新厂房用电也需要增容。", "ERP系统补贴咨询"
    )
    a2 = file_for(cast, "ent_a", cast.a, "厂区用电跳闸<script>alert(1)</script>，请帮忙协调。", "用电跳闸")
    b1 = file_for(cast, "desk", cast.b, "精密机械车间用电负荷不足，申请专线。", "车间用电")
    act(cast, "desk", b1, "accept")
    act(cast, "desk", b1, "dispatch", lead="JFJ")
    c1 = file_for(cast, "desk", cast.c, "生物医药实验室用电双回路改造。", "实验室用电")
    act(cast, "desk", a1, "message", text=f"{SECRET}：企业负责人另有诉求", public=False)
    policy_import(actor=None, items=[policy_item("PUB"), policy_item("DRAFT", status="draft")])
    return World(
        cast=cast,
        a1=a1,
        a2=a2,
        b1=b1,
        c1=c1,
        pub=Policy.objects.get(code="PUB"),
        draft=Policy.objects.get(code="DRAFT"),
    )
