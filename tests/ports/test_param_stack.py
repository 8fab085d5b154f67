"""Port 10: the parameter stack, driven through its promoted methods."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from host import Host


def test_stack_reads_pages_paths_expressions_and_rebuilds_from_json(
        host: Host, port: Callable[..., Any]) -> None:
    port(host, "param_stack")
    stack: Any = host.op("/manager/stack")
    synth: Any = host.op("/synth")
    synth.par.Cutoff = 440
    synth.par.Title.expr = "me.name.upper()"
    assert stack.AddPages(synth, "Tone") == 2 and stack.AddPages(synth, "T*") == 0
    assert stack.op("stack").values()[1:] == [
        ["synth_Cutoff", "../../synth", "Cutoff", "CONSTANT", "440.0"],
        ["synth_Title", "../../synth", "Title", "EXPRESSION", "me.name.upper()"]]
    assert stack.Values() == {"synth_Cutoff": 440.0, "synth_Title": "SYNTH"}
    assert stack.op("callbacks").module.added == [("synth_Cutoff", "Cutoff", "callbacks"),
                                                  ("synth_Title", "Title", "callbacks")]
    assert stack.Remove("synth_Cutoff") and not stack.Remove("synth_Cutoff")
    assert stack.Preview() is None and stack.Page(synth, "Other").name == "Other"

    copy = host.op("/").create(type(synth), "copy")
    stack.Rebuild(copy, stack.Describe(synth))
    assert [p.name for p in copy.customPages] == ["Tone", "Other"]
    assert copy.par.Cutoff.eval() == 440 and copy.par.Cutoff.normMax == 20000
    assert copy.par.Title.expr == "me.name.upper()" and copy.par.Title.eval() == "COPY"
