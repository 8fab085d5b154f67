"""destroy() the TouchDesigner way: onDestroy handlers still see a live network, then
valid is False and every touch of the operator, its parameters or its cells raises."""

from __future__ import annotations

from typing import ClassVar

import pytest

from host import BaseCOMP, FloatPar, Host, TableDAT
from td.network import OperatorDestroyed


class Holder(BaseCOMP):
    parameters = (FloatPar("Gain", 1.0),)
    seen: ClassVar[list[object]] = []

    def onCreate(self) -> None:
        self.create(TableDAT, "rows").appendRow(["a"])

    def onDestroy(self) -> None:
        rows = self.op("rows")
        assert rows is not None
        Holder.seen.append((self.valid, rows.numRows, float(self.par.Gain)))


def test_destroyed_operators_refuse_every_touch(host: Host) -> None:
    Holder.seen = []
    holder = host.root.create(Holder, "holder")
    rows = holder.op("rows")
    gain = holder.par.Gain
    assert isinstance(rows, TableDAT)
    holder.destroy()
    assert Holder.seen == [(False, 1, 1.0)]  # its handler could still read everything
    assert not holder.valid and not rows.valid
    assert (holder.name, holder.path, rows.path) == ("holder", "/holder", "/holder/rows")
    assert host.op("/holder") is None and host.op(rows.id) is None
    with pytest.raises(OperatorDestroyed, match=r"<TableDAT /holder/rows> was destroyed; it "
                                                r"can no longer be read or changed"):
        rows.appendRow(["b"])
    with pytest.raises(OperatorDestroyed, match=r"<TableDAT /holder/rows> was destroyed"):
        rows[0, 0] = "x"
    with pytest.raises(OperatorDestroyed, match=r"<Par /holder par.Gain> belongs to <Holder "
                                                r"/holder>, which was destroyed"):
        gain.val = 2.0
    with pytest.raises(OperatorDestroyed, match=r"<Par /holder par.Gain> belongs to"):
        gain.eval()
    for touch in (lambda: holder.par.Gain, lambda: holder.children, lambda: holder.store("a", 1),
                  lambda: holder.op("rows"), lambda: holder.destroy(),
                  lambda: holder.Missing):
        with pytest.raises(OperatorDestroyed, match=r"<Holder /holder>,? (which )?was destroyed"):
            touch()


def test_a_closed_hosts_operators_stay_readable() -> None:
    with Host(realtime=False) as host:
        table = host.root.create(TableDAT, "kept")
        table.appendRow(["last"])
    assert not table.valid and table[0, 0] == "last"
