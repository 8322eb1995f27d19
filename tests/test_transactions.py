"""One unit of work per `transaction()`: a second one inside it is refused, and the
outer one then keeps nothing of what it had begun."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consult.consultations.models import StakeholderCategory
from consult.database import NestedTransaction, transaction
from consult.extensions import db


def test_a_transaction_inside_another_is_refused_and_nothing_is_kept(ctx):
    before = db.session.execute(select(func.count(StakeholderCategory.id))).scalar_one()
    with pytest.raises(NestedTransaction), transaction():
        db.session.add(StakeholderCategory(code="half_done", name="Half done"))
        db.session.flush()
        with transaction():
            pass
    after = db.session.execute(select(func.count(StakeholderCategory.id))).scalar_one()
    assert after == before
    with transaction():  # and the next one works as ever
        db.session.add(StakeholderCategory(code="whole", name="Whole"))
    assert db.session.execute(select(func.count(StakeholderCategory.id))).scalar_one() == before + 1
