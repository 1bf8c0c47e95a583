"""The people of the demo zone: the three admins and the staff (pure: no database).

Usernames are stable (PRODUCT.md §3): `admin`, `secadmin`, `auditor`, `leader`, `desk`,
`<dept>_head` and `<dept>_handler` for every department, `liaison` (the first cadre) and
`deputy` (the first deputy); the others are numbered after them (`cadre002`, `jfj_handler2` …).
"""

import random
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TypeVar

from faker import Faker
from faker.providers.person.zh_CN import Provider as PersonProvider
from faker.providers.phone_number.zh_CN import Provider as PhoneProvider

from qifu.ops.seeding import vocab
from qifu.ops.seeding.scales import Scale


@dataclass(frozen=True)
class Dept:
    code: str
    name: str


@dataclass(frozen=True)
class Person:
    username: str
    role: str
    name: str
    department: str | None  # department code
    position: str = ""
    phone: str = ""
    office_phone: str = ""


@dataclass
class People:
    admins: list[Person] = field(default_factory=list)
    leaders: list[Person] = field(default_factory=list)
    desk: list[Person] = field(default_factory=list)
    heads: dict[str, list[Person]] = field(default_factory=dict)
    handlers: dict[str, list[Person]] = field(default_factory=dict)
    cadres: list[Person] = field(default_factory=list)
    deputies: list[Person] = field(default_factory=list)

    @property
    def liaisons(self) -> list[Person]:
        return self.cadres + self.deputies

    def staff(self) -> list[Person]:
        """Everyone with a staff role, in a fixed order."""
        heads = [p for ps in self.heads.values() for p in ps]
        handlers = [p for ps in self.handlers.values() for p in ps]
        return [*self.leaders, *self.desk, *heads, *handlers, *self.cadres, *self.deputies]

    def everyone(self) -> list[Person]:
        return [*self.admins, *self.staff()]


K = TypeVar("K", bound=Hashable)


def weighted(rng: random.Random, pairs: Sequence[tuple[str, float]]) -> str:
    values = [value for value, _ in pairs]
    return rng.choices(values, weights=[weight for _, weight in pairs])[0]


def allocate(total: int, weights: dict[K, float], minimum: int) -> dict[K, int]:
    """Split `total` over the keys: `minimum` each, the rest by weight (largest remainder, ties in key order)."""
    counts = dict.fromkeys(weights, minimum)
    rest = total - minimum * len(weights)
    if rest <= 0:
        return counts
    whole = sum(weights.values())
    shares = {k: rest * w / whole for k, w in weights.items()}
    for k, share in shares.items():
        counts[k] += int(share)
    left = total - sum(counts.values())
    position = {k: n for n, k in enumerate(weights)}
    by_remainder = sorted(weights, key=lambda k: (-(shares[k] - int(shares[k])), position[k]))
    for k in by_remainder[:left]:
        counts[k] += 1
    return counts


class QuickNames:
    """Chinese names and mobile numbers from Faker's zh_CN lists, drawn with a plain Random.

    The same vocabulary as Faker('zh_CN').name() / .phone_number(), about ten times faster, which
    counts for the city's 100,000 enterprise contacts.
    """

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.last_names = list(PersonProvider.last_names)
        self.last_cum = list(accumulate(PersonProvider.last_names.values()))
        self.first_names = list(PersonProvider.first_names)
        self.prefixes = [str(p) for p in PhoneProvider.phonenumber_prefixes]

    def name(self) -> str:
        last = self.rng.choices(self.last_names, cum_weights=self.last_cum)[0]
        return last + self.rng.choice(self.first_names)

    def mobile(self) -> str:
        return self.rng.choice(self.prefixes) + f"{self.rng.randrange(100_000_000):08d}"


def numbered(base: str, n: int, width: int = 0) -> str:
    """`base` for the first, then base2, base3 … (or base002 … with a width)."""
    if n == 1:
        return base
    return f"{base}{n:0{width}d}" if width else f"{base}{n}"


def head_post(dept: Dept) -> str:
    if dept.name.endswith("办公室"):
        return "主任"
    if dept.name.endswith("局"):
        return "局长"
    return "负责人"


class PeoplePlanner:
    def __init__(self, *, scale: Scale, seed: int, departments: list[Dept]) -> None:
        self.scale = scale
        self.departments = departments
        self.codes = [d.code for d in departments]
        # Separate streams per part: a change in one part does not reshuffle the others.
        self.rng = random.Random(f"{seed}:people")  # noqa: S311 - demo data, deterministic on purpose
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(f"{seed}:people")
        self._names: set[str] = set()
        self._phones: set[str] = set()

    def _name(self) -> str:
        for _ in range(8):
            name = str(self.fake.name())
            if name not in self._names:
                break
        self._names.add(name)
        return name

    def _phone(self) -> str:
        while True:
            phone = str(self.fake.phone_number())
            if phone not in self._phones:
                self._phones.add(phone)
                return phone

    def _office_phone(self) -> str:
        return f"0512-{self.rng.choice(('5733', '5735', '5752', '5758', '3683'))}{self.rng.randint(0, 9999):04d}"

    def _person(self, username: str, role: str, department: str | None, position: str) -> Person:
        return Person(
            username=username,
            role=role,
            name=self._name(),
            department=department,
            position=position,
            phone=self._phone(),
            office_phone=self._office_phone(),
        )

    def plan(self) -> People:
        s = self.scale
        people = People(
            admins=[
                Person("admin", "sysadmin", "系统管理员", None),
                Person("secadmin", "secadmin", "安全管理员", None),
                Person("auditor", "auditor", "审计管理员", None),
            ]
        )
        for n in range(1, s.leaders + 1):
            post = vocab.LEADER_POSTS[(n - 1) % len(vocab.LEADER_POSTS)]
            people.leaders.append(self._person(numbered("leader", n), "leader", None, post))
        desk_code = "YSB" if "YSB" in self.codes else None
        for n in range(1, s.desk + 1):
            post = vocab.DESK_POSTS[(n - 1) % len(vocab.DESK_POSTS)]
            people.desk.append(self._person(numbered("desk", n), "desk", desk_code, post))
        for dept in self.departments:
            base = f"{dept.code.lower()}_head"
            people.heads[dept.code] = [
                self._person(
                    numbered(base, n), "dept_head", dept.code, head_post(dept) if n == 1 else "副" + head_post(dept)
                )
                for n in range(1, s.heads_per_department + 1)
            ]
        per_dept = allocate(
            s.handlers,
            {code: vocab.HANDLER_DEPARTMENT_WEIGHT.get(code, 1.0) for code in self.codes},
            minimum=min(4, s.handlers // max(1, len(self.codes))),
        )
        for dept in self.departments:
            base = f"{dept.code.lower()}_handler"
            people.handlers[dept.code] = [
                self._person(numbered(base, n), "handler", dept.code, weighted(self.rng, vocab.HANDLER_POSTS))
                for n in range(1, per_dept[dept.code] + 1)
            ]
        cadre_depts = [(c, float(w)) for c, w in vocab.CADRE_DEPARTMENTS if c in self.codes] or [
            (c, 1.0) for c in self.codes
        ]
        width = max(3, len(str(s.cadres)))
        for n in range(1, s.cadres + 1):
            # The demo `liaison` sits in the Economic Development Bureau, like the test cast's.
            code = "JFJ" if n == 1 and "JFJ" in self.codes else weighted(self.rng, cadre_depts)
            username = "liaison" if n == 1 else numbered("cadre", n, width)
            people.cadres.append(self._person(username, "cadre", code, weighted(self.rng, vocab.CADRE_POSTS)))
        width = max(3, len(str(s.deputies)))
        for n in range(1, s.deputies + 1):
            occupation = weighted(self.rng, vocab.DEPUTY_OCCUPATIONS)
            people.deputies.append(
                self._person(numbered("deputy", n, width), "deputy", None, f"区人大代表（{occupation}）")
            )
        return people
