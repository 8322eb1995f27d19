"""Imports every feature's models so that the metadata (and Alembic) sees all tables."""

from consult.accounts.models import RecoveryCode, StaffSession, User  # noqa: F401
from consult.applications.models import (  # noqa: F401
    AccessToken,
    Application,
    AuditEvent,
)
from consult.applications.tally import ApplicationTally, CountryRegion  # noqa: F401
from consult.cache import CacheStamp  # noqa: F401
from consult.consultations.models import (  # noqa: F401
    Consultation,
    ContentTranslation,
    Organization,
    RoleOffer,
    StakeholderCategory,
)
from consult.notifications.models import MailWorker, OutboxMessage  # noqa: F401
from consult.programme.models import ProgrammeSession  # noqa: F401
from consult.review.models import Review  # noqa: F401
from consult.security.models import SecurityEvent  # noqa: F401
