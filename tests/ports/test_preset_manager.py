"""Port 6: presets kept in storage, listed in a table, backed up with copy()."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from host import Host


def test_presets_store_recall_forget_and_back_up(host: Host,
                                                 port: Callable[..., Any]) -> None:
    port(host, "preset_manager")
    manager: Any = host.op("/presets")
    synth: Any = host.op("/synth")
    assert manager.par.Target.val == "/synth" and manager.par.Target.eval() is synth

    synth.par.Cutoff = 30000  # clampMax: 20000
    synth.par.Wave = "saw"
    manager.Store("bright")
    synth.par.Cutoff, synth.par.Wave = 400, "sine"
    manager.Store("dark")
    manager.Store("dull")
    assert manager.op("presets").values() == [["name", "values"], ["bright", "2"],
                                              ["dark", "2"], ["dull", "2"]]
    assert manager.Recall("bright") and synth.par.Cutoff == 20000 and synth.par.Wave == "saw"
    assert not manager.Recall("missing")

    backups = manager.Backup()
    manager.Forget("d*")  # TD's pattern: dark and dull go
    assert manager.op("presets").values() == [["name", "values"], ["bright", "2"]]
    assert [b.path for b in backups] == ["/presets/presets_backup"]
    assert backups[0].numRows == 4  # the copy kept the list as it was
    assert manager.op("notes").text == "stored bright\nstored dark\nstored dull\n"
