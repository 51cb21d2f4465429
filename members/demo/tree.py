"""Planning the party tree: from the province down to the cells, with their codes, names and
rolls, and the treebeard paths add_child() would give them."""

import datetime
import math
import random
from collections.abc import Callable

from members.demo.constants import DEMO_CODE, PROVINCE
from members.demo.plan_types import _Org
from members.demo.units import (
    AGENCY_CELLS,
    DEPARTMENTS,
    SCHOOL_CELLS,
    _company,
    _health_center,
    _hospital,
    _numbered,
    _party_agencies,
    _school,
    _Unit,
)
from members.demo.word_lists import PLACE_WORDS, PRODUCTS, VILLAGES
from members.demo_days import DemoDays
from organizations.models import ALLOWED_CHILDREN, AffiliatedCollective, Kind, Organization

# The designed days (members/demo_days.py): a season under review in 2026, seen on 23/11/2026.
# Organizations founded less than 6 months before the reference date (R-SCOPE-5).
_NEW_BASE_CELL_FOUNDED = datetime.date(2026, 7, 15)
_NEW_CELL_FOUNDED = datetime.date(2026, 9, 1)

_CODE_FORMAT = {
    Kind.DIRECT_COMMITTEE: "DU{:03d}",
    Kind.BASE_COMMITTEE: "DB{:05d}",
    Kind.BASE_CELL: "CS{:05d}",
    Kind.PARTIAL_COMMITTEE: "BP{:04d}",
    Kind.CELL: "CB{:06d}",
}


def _split(rng: random.Random, total: int, count: int, lo: int, hi: int, *, even: bool = False) -> list[int]:
    """`count` random whole numbers between lo and hi that add up to `total`; `even` keeps them
    closer to the mean."""
    assert count * lo <= total <= count * hi, (total, count, lo, hi)
    sizes = [lo] * count
    rest = total - lo * count
    weights = [rng.uniform(0.4, 1.6) if even else rng.expovariate(1.0) for _i in range(count)]
    scale = sum(weights)
    for i, weight in enumerate(weights):
        sizes[i] += min(hi - lo, int(rest * weight / scale))
    left = total - sum(sizes)
    while left:
        i = rng.randrange(count)
        if sizes[i] < hi:
            sizes[i] += 1
            left -= 1
    return sizes


def _count(total: int, mean: int, lo: int, hi: int, most: int | None = None) -> int:
    """How many parts of lo..hi (about `mean` each, at most `most`) to cut `total` into."""
    count = max(math.ceil(total / hi), round(total / mean), 1)
    count = min(count, total // lo)
    if most is not None:
        count = max(min(count, most), math.ceil(total / hi))
    return count


class _TreePlanner:
    def __init__(self, rng: random.Random, days: DemoDays):
        self.rng = rng
        self.days = days
        self.orgs: list[_Org] = []
        self.numbers = dict.fromkeys(_CODE_FORMAT, 0)
        self.first_commune: _Org | None = None

    def add(self, parent: _Org | None, kind: str, name: str, profile: str = "", **extra) -> _Org:
        if parent is None:
            code = DEMO_CODE
        else:
            assert kind in ALLOWED_CHILDREN[parent.kind], (kind, parent.kind)
            self.numbers[kind] += 1
            code = _CODE_FORMAT[kind].format(self.numbers[kind])
        org = _Org(code=code, name=name, kind=kind, parent=parent, profile=profile, **extra)
        if parent is not None:
            parent.children.append(org)
            org.direct = parent.direct or org
        self.orgs.append(org)
        return org

    def cells(
        self, parent: _Org, names: Callable[[int], str], budget: int, profile: str, workplace: str
    ) -> None:
        sizes = _split(self.rng, budget, _count(budget, 20, 8, 40), 8, 40)
        for i, size in enumerate(sizes):
            self.add(parent, Kind.CELL, f"Chi bộ {names(i)}", profile, workplace=workplace, roll=size)

    def unit(self, parent: _Org, unit: _Unit, budget: int) -> _Org:
        """A base cell of `budget` members when they fit in one cell; a base committee otherwise."""
        if budget <= 40:
            return self.add(
                parent, Kind.BASE_CELL, f"Chi bộ {unit.name}", unit.profile, workplace=unit.name, roll=budget
            )
        base = self.add(
            parent, Kind.BASE_COMMITTEE, f"Đảng bộ {unit.name}", unit.profile, affiliates=unit.affiliates
        )
        if unit.blocks is None or budget < unit.blocks_from:
            self.cells(base, unit.cells, budget, unit.profile, unit.name)
            return base
        count = max(2, _count(budget, 150, 16, budget, most=unit.max_blocks))
        for i, size in enumerate(_split(self.rng, budget, count, 16, budget)):
            block, cell_names = unit.blocks(i)
            partial = self.add(base, Kind.PARTIAL_COMMITTEE, f"Đảng bộ bộ phận {block}", unit.profile)
            self.cells(partial, cell_names, size, unit.profile, unit.name)
        return base

    def units(self, parent: _Org, units: list[_Unit], budget: int, mean: int, lo: int, hi: int) -> None:
        count = _count(budget, mean, lo, hi, most=len(units))
        for unit, size in zip(units, _split(self.rng, budget, count, lo, hi), strict=False):
            self.unit(parent, unit, size)

    def commune(self, root: _Org, place: str, ward: bool, budget: int) -> _Org:
        rng = self.rng
        word = "phường" if ward else "xã"
        commune = self.add(
            root,
            Kind.DIRECT_COMMITTEE,
            f"Đảng ủy {word} {place}",
            "commune",
            affiliates=(
                (f"Ủy ban nhân dân {word} {place}", AffiliatedCollective.Kind.GOVERNMENT),
                (f"Ủy ban Mặt trận Tổ quốc Việt Nam {word} {place}", AffiliatedCollective.Kind.MASS),
            ),
        )
        first = self.first_commune is None
        if first:
            self.first_commune = commune
        committees = max(41, round(budget * 0.4))
        institutions = min(round(budget * 0.22), 8 * 40)
        residential = budget - committees - institutions
        new_size = rng.randint(8, 12) if first else 0
        residential -= new_size

        # Base committees first, a school leading (the demo logins sit in the first commune's).
        others = [_health_center(place)]
        products = list(PRODUCTS)
        rng.shuffle(products)
        others += [_company(f"Công ty Cổ phần {product} {place}") for product in products]
        rng.shuffle(others)
        self.units(commune, [_school(place), *others], committees, 150, 41, 300)
        self.units(
            commune,
            [
                _Unit(f"Cơ quan Đảng - Đoàn thể {word} {place}", "party"),
                _Unit(f"Cơ quan Ủy ban nhân dân {word} {place}", "commune_agency"),
                _Unit(f"Công an {word} {place}", "police"),
                _Unit(f"Quân sự {word} {place}", "military"),
                _Unit(f"Trường Tiểu học {place}", "school"),
                _Unit(f"Trường Trung học cơ sở {place}", "school"),
                _Unit(f"Trường Mầm non {place}", "school"),
                _Unit(f"Trạm Y tế {word} {place}", "health"),
            ],
            institutions,
            20,
            8,
            40,
        )
        if first:  # a cell founded this year: out of this season's scope (R-SCOPE-5)
            name = f"Công ty TNHH {rng.choice(PRODUCTS)} {place}"
            self.add(
                commune,
                Kind.BASE_CELL,
                f"Chi bộ {name}",
                "company",
                workplace=name,
                roll=new_size,
                founded_on=self.days.past(_NEW_BASE_CELL_FOUNDED),
                new=True,
            )
        villages = list(VILLAGES)
        rng.shuffle(villages)
        for i, size in enumerate(_split(rng, residential, _count(residential, 25, 8, 40), 8, 40)):
            if ward:
                name = f"Chi bộ tổ dân phố {i + 1}"
            else:
                name = f"Chi bộ thôn {villages[i] if i < len(villages) else i + 1}"
            self.add(commune, Kind.BASE_CELL, name, "residential", roll=size)
        return commune

    def province(self, budget: int) -> _Org:
        rng = self.rng
        root = self.add(
            None,
            Kind.PROVINCIAL_COMMITTEE,
            f"Tỉnh ủy {PROVINCE} Demo",
            affiliates=((f"Ủy ban nhân dân tỉnh {PROVINCE}", AffiliatedCollective.Kind.GOVERNMENT),),
        )
        party_budget = min(max(round(budget * 0.06), 40), 500)
        government_budget = min(max(round(budget * 0.12), 100), 9000)
        direct_budget = min(max(round(budget * 0.03), 40), 2500)
        communes_budget = budget - party_budget - government_budget - direct_budget
        commune_count = min(max(3, round(communes_budget / 1000)), communes_budget // 100)
        places = [f"{a} {b}" for a in PLACE_WORDS for b in PLACE_WORDS if a != b]
        rng.shuffle(places)
        places = [_numbered(tuple(places))(i) for i in range(commune_count)]

        party = self.add(root, Kind.DIRECT_COMMITTEE, "Đảng ủy các cơ quan Đảng tỉnh", "party")
        self.units(party, _party_agencies(), party_budget, 40, 8, 250)

        government = self.add(root, Kind.DIRECT_COMMITTEE, "Đảng ủy Ủy ban nhân dân tỉnh", "agency")
        hospital_budget = min(max(round(government_budget * 0.2), 80), 900)  # with partial committees
        new_size = 10
        hospital = self.unit(government, _hospital("Bệnh viện Đa khoa tỉnh"), hospital_budget - new_size)
        self.add(  # founded this year: out of this season's scope (R-SCOPE-5)
            hospital,
            Kind.CELL,
            "Chi bộ Trung tâm Đột quỵ",
            "health",
            workplace="Bệnh viện Đa khoa tỉnh",
            roll=new_size,
            founded_on=self.days.past(_NEW_CELL_FOUNDED),
            new=True,
        )
        agencies = [_Unit(name, "agency", AGENCY_CELLS) for name in DEPARTMENTS]
        agencies.append(_Unit(f"Trường Cao đẳng Sư phạm {PROVINCE}", "school", SCHOOL_CELLS))
        rest = government_budget - hospital_budget
        for i in range(max(0, _count(rest, 150, 8, 600) - len(agencies))):
            place = places[i % len(places)]
            agencies.append(
                _hospital(f"Bệnh viện Đa khoa khu vực {place}") if i % 2 else _health_center(place)
            )
        self.units(government, agencies, rest, 150, 8, 600)

        cooperatives = rng.randint(10, 30)
        companies = [
            _company(f"Công ty Điện lực {PROVINCE}"),
            _company(f"Công ty Cổ phần Cấp nước {PROVINCE}"),
        ]
        self.units(root, companies, direct_budget - cooperatives, 600, 8, 1500)
        self.unit(root, _Unit("Liên minh Hợp tác xã tỉnh", "agency"), cooperatives)

        sizes = _split(rng, communes_budget, commune_count, 100, communes_budget, even=True)
        for i, (place, size) in enumerate(zip(places, sizes, strict=True)):
            self.commune(root, place, ward=(i % 3 == 1), budget=size)
        return root


def _assign_paths(root: _Org) -> list[_Org]:
    """Treebeard paths, depths and child counts as add_child() would give them; the
    organizations in path order."""
    ordered = []
    stack = [(root, Organization._get_path(None, 1, 1))]
    while stack:
        org, path = stack.pop()
        org.path = path
        org.depth = len(path) // Organization.steplen
        ordered.append(org)
        for step in range(len(org.children), 0, -1):
            stack.append((org.children[step - 1], Organization._get_path(path, org.depth + 1, step)))
    return ordered
