"""Demo sign-ins, one per role (listed in README.md under "Demo accounts"), and a few field-observation
tasks so the hotspot handling page is not empty on first start."""
from __future__ import annotations

from accounts.users import add_user, list_users
from core.policy import Role, User
from data.store import Store
from hotspots import task_service
from ingest.demo.geography import TOWNSHIPS

# (name, password, role, township name). Demo only: the README tells administrators to change them.
DEMO_ACCOUNTS: tuple[tuple[str, str, Role, str | None], ...] = (
    ("admin", "lantian-admin", Role.ADMIN, None),
    ("duban", "lantian-duban", Role.SUPERVISOR, None),
    ("xuncha", "lantian-xuncha", Role.INSPECTOR, None),
    ("kejing", "lantian-kejing", Role.TOWNSHIP, "克井镇"),
    ("wangge", "lantian-wangge", Role.TOWNSHIP, "克井镇"),  # 网格员 of 克井镇's eastern cell (ingest.demo.grid)
)
# (township, title, what the inspector saw) for the seeded field observations, at each township's seat.
DEMO_OBSERVATIONS: tuple[tuple[str, str, str], ...] = (
    ("克井镇", "克井镇工地裸土未覆盖", "工地东侧约 2000 m² 裸土未苫盖，车辆出场未冲洗。"),
    ("五龙口镇", "五龙口镇秸秆露天焚烧痕迹", "农田边发现焚烧痕迹约 50 m²，现场无人看管。"),
    ("轵城镇", "轵城镇道路积尘", "主干道路面积尘明显，洒水车未按时作业。"),
)
_BUILDER = User(name="demo-build", role=Role.ADMIN)


def add_demo_accounts(store: Store) -> list[str]:
    """Create the DEMO_ACCOUNTS that do not exist yet and, when the store has no task, record
    DEMO_OBSERVATIONS as pending tasks by the demo inspector. Returns the user names created."""
    existing = set(list_users(store, _BUILDER)["name"])
    created = []
    for name, password, role, township in DEMO_ACCOUNTS:
        if name not in existing:
            add_user(store, _BUILDER, name, password, role, township=township)
            created.append(name)
    if task_service.list_tasks(store).empty:
        inspector = User(name="xuncha", role=Role.INSPECTOR)
        seats = {township.name: township for township in TOWNSHIPS}
        for name, title, description in DEMO_OBSERVATIONS:
            lon, lat = seats[name].seat
            task_service.record_field_observation(store, inspector, lon, lat, title=title, description=description,
                                                  grade="II", township_code=seats[name].code)
    return created
